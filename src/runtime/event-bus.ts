import type { StoredEvent } from '../core/events.js';

export type EventListener = (events: readonly StoredEvent[]) => void;

/**
 * In-process fan-out of committed events. It carries only what is already in the store, so a
 * listener that misses a notification loses nothing: it reads the log from its own cursor.
 */
export class EventBus {
  readonly #listeners = new Set<EventListener>();

  publish(events: readonly StoredEvent[]): void {
    if (events.length === 0) return;
    for (const listener of this.#listeners) {
      try {
        listener(events);
      } catch {
        // A failing listener must not stop the others or the writer that published.
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
