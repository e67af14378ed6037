import { CompiledQuery, type Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import type { NewEvent, StoredEvent } from '../core/events.js';
import { hashEvent } from '../core/hash-chain.js';
import type { Committed, Dialect, ReadStores, Store, TxStores } from '../core/ports/store.js';
import { SqlActorStore } from './sql-actor-store.js';
import { SqlDomainStore, SqlWorkTypeStore } from './sql-config-stores.js';
import { SqlEventLog, toEventRow } from './sql-event-log.js';
import { SqlOrganizationStore } from './sql-organization-store.js';
import { SqlTokenStore } from './sql-token-store.js';
import { SqlWorkStatsStore } from './sql-work-stats-store.js';
import { SqlWorkStore } from './sql-work-store.js';
import { PreparedQuery } from './prepared-query.js';
import type { Database, EventsTable } from './schema.js';

/** Attempts of a transaction PostgreSQL aborted as a deadlock or serialization failure. */
const RETRIES = 3;
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);
const isRetryable = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  RETRYABLE_SQLSTATES.has(String((error as { code?: unknown }).code));

/** Rows per multi-row insert: far below SQLite's bound-parameter limit. */
const EVENT_INSERT_CHUNK = 500;

// SQLite: take the write lock up front, so a read-then-write transaction never fails half-way
// on lock upgrade when another process writes the same file.
const BEGIN: Record<Dialect, CompiledQuery> = {
  sqlite: CompiledQuery.raw('begin immediate'),
  postgres: CompiledQuery.raw('begin'),
};
const COMMIT = CompiledQuery.raw('commit');
const ROLLBACK = CompiledQuery.raw('rollback');

// Every write ends with these, so they are compiled once (see PreparedQuery).
const CHAIN_HEAD = new PreparedQuery((db, _: Record<string, never>, dialect) => {
  const query = db.selectFrom('event_chain_head').select(['seq', 'hash']).where('id', '=', 1);
  return dialect === 'postgres' ? query.forUpdate() : query;
});
const INSERT_EVENT = new PreparedQuery((db, e: EventsTable) =>
  db.insertInto('events').values([
    {
      seq: e.seq,
      time: e.time,
      type: e.type,
      actor: e.actor,
      subject: e.subject,
      payload: e.payload,
      prev_hash: e.prev_hash,
      hash: e.hash,
    },
  ]),
);
const SET_CHAIN_HEAD = new PreparedQuery((db, a: { seq: number; hash: string }) =>
  db.updateTable('event_chain_head').set({ seq: a.seq, hash: a.hash }).where('id', '=', 1),
);

export class SqlStore implements Store {
  readonly read: ReadStores;

  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: Dialect,
    private readonly clock: Clock,
  ) {
    this.read = {
      work: new SqlWorkStore(db, dialect),
      actors: new SqlActorStore(db, dialect),
      domains: new SqlDomainStore(db),
      workTypes: new SqlWorkTypeStore(db),
      tokens: new SqlTokenStore(db),
      organization: new SqlOrganizationStore(db),
      workStats: new SqlWorkStatsStore(db, dialect),
      events: new SqlEventLog(db),
    };
  }

  async transaction<T>(fn: (tx: TxStores) => Promise<T>): Promise<Committed<T>> {
    // PostgreSQL may abort one of two transactions that lock rows in opposite orders (deadlock)
    // or conflict at commit (serialization); nothing of it was applied, so it runs again.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transactionOnce(fn);
      } catch (error) {
        if (attempt >= RETRIES || !isRetryable(error)) throw error;
      }
    }
  }

  private async transactionOnce<T>(fn: (tx: TxStores) => Promise<T>): Promise<Committed<T>> {
    return this.db.connection().execute(async (conn) => {
      await conn.executeQuery(BEGIN[this.dialect]);
      try {
        const pending: NewEvent[] = [];
        const result = await fn({
          work: new SqlWorkStore(conn, this.dialect),
          actors: new SqlActorStore(conn, this.dialect),
          domains: new SqlDomainStore(conn),
          workTypes: new SqlWorkTypeStore(conn),
          tokens: new SqlTokenStore(conn),
          organization: new SqlOrganizationStore(conn),
          workStats: new SqlWorkStatsStore(conn, this.dialect),
          events: { append: (event) => pending.push(event) },
        });
        const events = pending.length === 0 ? [] : await this.appendChained(conn, pending);
        await conn.executeQuery(COMMIT);
        return { result, events };
      } catch (error) {
        await conn.executeQuery(ROLLBACK);
        throw error;
      }
    });
  }

  /**
   * The chain head is the one point every writer meets. Locking it as the transaction's last
   * statement means concurrent writers serialize only for the append, not for their whole work.
   */
  private async appendChained(conn: Kysely<Database>, pending: NewEvent[]): Promise<StoredEvent[]> {
    const head = await CHAIN_HEAD.takeFirst(conn, this.dialect, {});
    if (head === undefined) throw new Error('the event chain head is missing');
    // Time is read after the lock, so event times never go backwards along the chain.
    const time = this.clock.now().toISOString();
    let seq = head.seq;
    let prevHash = head.hash;
    const stored = pending.map((event): StoredEvent => {
      seq += 1;
      const fields = {
        seq,
        time,
        type: event.type,
        actor: event.actor,
        subject: event.subject,
        payload: event.payload,
      };
      const hash = hashEvent(prevHash, fields);
      const storedEvent = { ...fields, prevHash, hash };
      prevHash = hash;
      return storedEvent;
    });
    const [only] = stored;
    if (stored.length === 1 && only !== undefined) {
      await INSERT_EVENT.execute(conn, this.dialect, toEventRow(only));
    } else {
      for (let i = 0; i < stored.length; i += EVENT_INSERT_CHUNK) {
        await conn
          .insertInto('events')
          .values(stored.slice(i, i + EVENT_INSERT_CHUNK).map(toEventRow))
          .execute();
      }
    }
    await SET_CHAIN_HEAD.execute(conn, this.dialect, { seq, hash: prevHash });
    return stored;
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
