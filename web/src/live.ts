import type { StreamStatus } from './api/event-stream';
import type { StoredEvent } from './api/types';

type Listener = (events: readonly StoredEvent[]) => void;

/** One event stream for the whole app, shared by every page that follows it. */
export class LiveEvents {
  readonly #listeners = new Set<Listener>();
  readonly #statusListeners = new Set<(status: StreamStatus) => void>();
  status: StreamStatus = 'connecting';

  publish(events: readonly StoredEvent[]): void {
    for (const listener of this.#listeners) listener(events);
  }

  setStatus(status: StreamStatus): void {
    this.status = status;
    for (const listener of this.#statusListeners) listener(status);
  }

  /** Calls `listener` with each batch of events whose type starts with one of `prefixes`. */
  subscribe(prefixes: readonly string[], listener: Listener): () => void {
    const filtered: Listener = (events) => {
      const matching = events.filter((e) => prefixes.some((p) => e.type.startsWith(p)));
      if (matching.length > 0) listener(matching);
    };
    this.#listeners.add(filtered);
    return () => this.#listeners.delete(filtered);
  }

  onStatus(listener: (status: StreamStatus) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }
}
