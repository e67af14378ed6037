import type { StoredEvent } from '../../core/events.js';
import type { ChainHead, EventFilter, EventLog } from '../../core/ports/event-log.js';

const matchesType = (types: readonly string[], type: string) =>
  types.length === 0 ||
  types.some((t) => (t.endsWith('*') ? type.startsWith(t.slice(0, -1)) : type === t));

/** The log kept in memory, read with the same filters as the SQL log. */
export class MemoryEventLog implements EventLog {
  readonly events: StoredEvent[] = [];
  #head: ChainHead | null = null;

  /** Appends committed events; `head` is the last link, kept even when events are not. */
  append(events: readonly StoredEvent[], retain: boolean): void {
    const last = events.at(-1);
    if (last === undefined) return;
    if (retain) this.events.push(...events);
    this.#head = { seq: last.seq, hash: last.hash };
  }

  list(filter: EventFilter): Promise<StoredEvent[]> {
    const ordered = filter.order === 'desc' ? [...this.events].reverse() : this.events;
    const found: StoredEvent[] = [];
    for (const e of ordered) {
      if (found.length >= filter.limit) break;
      if (filter.afterSeq !== undefined && e.seq <= filter.afterSeq) continue;
      if (filter.subject !== undefined && e.subject !== filter.subject) continue;
      if (filter.actor !== undefined && e.actor !== filter.actor) continue;
      if (filter.since !== undefined && e.time < filter.since) continue;
      if (filter.until !== undefined && e.time >= filter.until) continue;
      if (!matchesType(filter.types ?? [], e.type)) continue;
      found.push(e);
    }
    return Promise.resolve(found);
  }

  head(): Promise<ChainHead | null> {
    return Promise.resolve(this.#head);
  }

  async *scan(): AsyncIterable<StoredEvent> {
    // A snapshot: what commits while the scan runs is not part of it.
    for (const event of [...this.events]) yield await Promise.resolve(event);
  }
}
