import type { StoredEvent } from './events.js';
import type { EventLog } from './ports/event-log.js';

/**
 * The events this process committed lately, as the event bus announced them, kept for a
 * projector that follows the log: it folds them from here instead of reading back from the
 * store what it was just handed. Only an unbroken run of sequence numbers after the
 * projector's checkpoint is served; anything else (another node's events in between, events
 * older than the buffer keeps) is read from the log, so using it never changes what is folded.
 */
export class RecentEvents {
  /** In sequence order, without duplicates. */
  #events: StoredEvent[] = [];

  constructor(
    /** Events kept at least (at most twice as many); older ones are read from the log. */
    private readonly capacity = 20_000,
  ) {}

  /** Keeps announced events; they usually arrive in order, but concurrent commits may not. */
  add(events: readonly StoredEvent[]): void {
    for (const event of events) {
      const last = this.#events.at(-1);
      if (last === undefined || event.seq > last.seq) this.#events.push(event);
      else {
        const at = this.#indexAfter(event.seq - 1);
        if (this.#events[at]?.seq !== event.seq) this.#events.splice(at, 0, event);
      }
    }
    // Trimmed when twice over, so forgetting costs a copy per `capacity` events, not per call.
    if (this.#events.length > 2 * this.capacity)
      this.#events = this.#events.slice(this.#events.length - this.capacity);
  }

  /**
   * Up to `limit` events after `afterSeq`, from the buffer when it holds the next ones without
   * a gap (a shorter run than the log may hold: the caller asks again from its end), else from
   * the log. Events up to `afterSeq` are folded: the buffer forgets them.
   */
  async after(log: EventLog, afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const from = this.#indexAfter(afterSeq);
    if (from > 0) this.#events = this.#events.slice(from);
    const run: StoredEvent[] = [];
    for (const event of this.#events) {
      if (run.length === limit || event.seq !== afterSeq + run.length + 1) break;
      run.push(event);
    }
    return run.length > 0 ? run : log.list({ afterSeq, limit });
  }

  /** The index of the first event with a sequence number above `seq`. */
  #indexAfter(seq: number): number {
    let lo = 0;
    let hi = this.#events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#events[mid]?.seq ?? Infinity) <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
