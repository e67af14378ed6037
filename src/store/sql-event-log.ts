import type { Kysely, Selectable } from 'kysely';
import type { StoredEvent } from '../core/events.js';
import type { ChainHead, EventFilter, EventLog } from '../core/ports/event-log.js';
import { parseJson, toJson } from './json-column.js';
import type { Database, EventsTable } from './schema.js';

export const toStoredEvent = (row: Selectable<EventsTable>): StoredEvent => ({
  seq: row.seq,
  time: row.time,
  type: row.type,
  actor: row.actor,
  subject: row.subject,
  payload: parseJson(row.payload),
  prevHash: row.prev_hash,
  hash: row.hash,
});

export const toEventRow = (event: StoredEvent): Selectable<EventsTable> => ({
  seq: event.seq,
  time: event.time,
  type: event.type,
  actor: event.actor,
  subject: event.subject,
  payload: toJson(event.payload),
  prev_hash: event.prevHash,
  hash: event.hash,
});

export class SqlEventLog implements EventLog {
  constructor(private readonly db: Kysely<Database>) {}

  async list(filter: EventFilter): Promise<StoredEvent[]> {
    let query = this.db
      .selectFrom('events')
      .selectAll()
      .orderBy('seq', filter.order ?? 'asc')
      .limit(filter.limit);
    if (filter.afterSeq !== undefined) query = query.where('seq', '>', filter.afterSeq);
    if (filter.subject !== undefined) query = query.where('subject', '=', filter.subject);
    if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
    if (filter.since !== undefined) query = query.where('time', '>=', filter.since);
    if (filter.until !== undefined) query = query.where('time', '<', filter.until);
    const types = filter.types ?? [];
    if (types.length > 0) {
      query = query.where((eb) =>
        eb.or(
          types.map((type) =>
            // A prefix compares as a substring: LIKE would need escaping and is case-insensitive
            // on SQLite, while exact types are not.
            type.endsWith('*')
              ? eb(
                  eb.fn('substr', ['type', eb.lit(1), eb.lit(type.length - 1)]),
                  '=',
                  type.slice(0, -1),
                )
              : eb('type', '=', type),
          ),
        ),
      );
    }
    return (await query.execute()).map(toStoredEvent);
  }

  async head(): Promise<ChainHead | null> {
    const row = await this.db
      .selectFrom('event_chain_head')
      .select(['seq', 'hash'])
      .where('id', '=', 1)
      .executeTakeFirst();
    return row === undefined || row.seq === 0 ? null : { seq: row.seq, hash: row.hash };
  }

  async *scan(pageSize = 1000): AsyncIterable<StoredEvent> {
    // Pages by position, not by seq range, so a reordered or duplicated seq is still seen.
    let offset = 0;
    for (;;) {
      const rows = await this.db
        .selectFrom('events')
        .selectAll()
        .orderBy('seq')
        .limit(pageSize)
        .offset(offset)
        .execute();
      for (const row of rows) yield toStoredEvent(row);
      if (rows.length < pageSize) return;
      offset += rows.length;
    }
  }
}
