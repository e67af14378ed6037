import { isoAt } from '../core/iso-time.js';
import { CompiledQuery, type Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import type { NewEvent, StoredEvent } from '../core/events.js';
import { hashEvent } from '../core/hash-chain.js';
import type { Committed, Dialect, ReadStores, Store, TxStores } from '../core/ports/store.js';
import { SqlActorStore } from './sql-actor-store.js';
import { SqlDomainStore, SqlWorkTypeStore } from './sql-config-stores.js';
import { SqlEventLog, toEventRow } from './sql-event-log.js';
import { SqlOrganizationStore } from './sql-organization-store.js';
import { SqlOutcomeStore } from './sql-outcome-store.js';
import { SqlTokenStore } from './sql-token-store.js';
import { SqlExceptionStore } from './sql-exception-store.js';
import { SqlHaltStore } from './sql-halt-store.js';
import { SqlApprovalStore } from './sql-approval-store.js';
import { SqlTrustStore } from './sql-trust-store.js';
import { SqlControlStore } from './sql-control-store.js';
import { SqlMetricSeriesStore } from './sql-metric-series-store.js';
import { SqlRollupStore } from './sql-rollup-store.js';
import { RollupLabelSets } from './rollup-label-sets.js';
import { SqlWorkStatsStore } from './sql-work-stats-store.js';
import { SqlWorkStore } from './sql-work-store.js';
import { closeDatabase } from './open-database.js';
import { bindConnection, executeCompiled, PreparedQuery } from './prepared-query.js';
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
const SAVEPOINT = CompiledQuery.raw('savepoint grouped');
const RELEASE = CompiledQuery.raw('release grouped');
const ROLLBACK_TO = CompiledQuery.raw('rollback to grouped');
/** Most transactions committed together: bounds how long the first of them waits. */
const MAX_GROUP = 64;

/** A SQLite transaction waiting for its turn on the connection. */
interface Waiting {
  fn: (tx: TxStores) => Promise<unknown>;
  resolve: (committed: Committed<unknown>) => void;
  reject: (error: unknown) => void;
}

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

/** Commits and the transactions they made durable: transactions ÷ commits is the mean group. */
export interface CommitCounts {
  commits: number;
  transactions: number;
}

export class SqlStore implements Store {
  readonly read: ReadStores;
  /** Since opening; read by benchmarks to see how well group commit batches. */
  readonly commitCounts: CommitCounts = { commits: 0, transactions: 0 };
  readonly #waiting: Waiting[] = [];
  /** Rollup label set ids, learnt once; forgotten on every rollback (it may have interned some). */
  readonly #labelSets = new RollupLabelSets();
  #grouping = false;
  #closed = false;

  constructor(
    /** Where transactions run. */
    readonly db: Kysely<Database>,
    readonly dialect: Dialect,
    private readonly clock: Clock,
    /**
     * Where reads outside transactions run: for a SQLite file, a connection of its own, which
     * sees what is committed and never waits for a transaction in progress (see openDatabase).
     */
    private readonly readDb: Kysely<Database> = db,
  ) {
    this.read = {
      work: new SqlWorkStore(readDb, dialect),
      actors: new SqlActorStore(readDb, dialect),
      domains: new SqlDomainStore(readDb),
      workTypes: new SqlWorkTypeStore(readDb),
      tokens: new SqlTokenStore(readDb),
      organization: new SqlOrganizationStore(readDb),
      workStats: new SqlWorkStatsStore(readDb, dialect),
      exceptions: new SqlExceptionStore(readDb, dialect),
      metricSeries: new SqlMetricSeriesStore(readDb, dialect),
      halts: new SqlHaltStore(readDb),
      approvals: new SqlApprovalStore(readDb),
      trust: new SqlTrustStore(readDb),
      controls: new SqlControlStore(readDb),
      rollups: new SqlRollupStore(readDb, dialect, this.#labelSets),
      outcomes: new SqlOutcomeStore(readDb),
      events: new SqlEventLog(readDb),
    };
  }

  async transaction<T>(fn: (tx: TxStores) => Promise<T>): Promise<Committed<T>> {
    if (this.dialect === 'sqlite') {
      return new Promise<Committed<T>>((resolve, reject) => {
        this.#waiting.push({ fn, resolve: resolve as Waiting['resolve'], reject });
        if (!this.#grouping) void this.runGroups();
      });
    }
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
      await bindConnection(conn);
      await executeCompiled(conn, BEGIN[this.dialect]);
      try {
        const committed = await this.runIn(conn, fn);
        await executeCompiled(conn, COMMIT);
        this.commitCounts.commits += 1;
        this.commitCounts.transactions += 1;
        return committed;
      } catch (error) {
        this.#labelSets.clear();
        await executeCompiled(conn, ROLLBACK);
        throw error;
      }
    });
  }

  /** A use case and its chained events, inside a transaction the caller opened. */
  private async runIn<T>(
    conn: Kysely<Database>,
    fn: (tx: TxStores) => Promise<T>,
  ): Promise<Committed<T>> {
    const pending: NewEvent[] = [];
    const result = await fn({
      work: new SqlWorkStore(conn, this.dialect),
      actors: new SqlActorStore(conn, this.dialect),
      domains: new SqlDomainStore(conn),
      workTypes: new SqlWorkTypeStore(conn),
      tokens: new SqlTokenStore(conn),
      organization: new SqlOrganizationStore(conn),
      workStats: new SqlWorkStatsStore(conn, this.dialect),
      exceptions: new SqlExceptionStore(conn, this.dialect),
      metricSeries: new SqlMetricSeriesStore(conn, this.dialect),
      halts: new SqlHaltStore(conn),
      approvals: new SqlApprovalStore(conn),
      trust: new SqlTrustStore(conn),
      controls: new SqlControlStore(conn),
      rollups: new SqlRollupStore(conn, this.dialect, this.#labelSets),
      outcomes: new SqlOutcomeStore(conn),
      events: { append: (event) => pending.push(event) },
    });
    const events = pending.length === 0 ? [] : await this.appendChained(conn, pending);
    return { result, events };
  }

  /**
   * SQLite commits each transaction with an fsync, one at a time, on the thread that serves
   * every request: with many requests in flight the disk, not the work, sets the pace. So
   * transactions that arrive while one runs commit together (group commit): the first runs as a
   * transaction of its own; before its commit the event loop gets one turn, in which requests
   * already received reach their transactions; each of those then runs in a savepoint of the
   * same transaction, and one commit (one fsync) makes them all durable before any is
   * acknowledged. A transaction that fails is rolled back to its savepoint and fails alone, as it
   * would have alone; one alone takes the path it always took (begin immediate … commit).
   */
  private async runGroups(): Promise<void> {
    this.#grouping = true;
    try {
      while (this.#waiting.length > 0)
        await this.db.connection().execute((conn) => this.runGroup(conn));
    } catch (error) {
      // runGroup settles every member it takes; this is the connection itself failing.
      for (const waiting of this.#waiting.splice(0)) waiting.reject(error);
    } finally {
      this.#grouping = false;
    }
  }

  private async runGroup(conn: Kysely<Database>): Promise<void> {
    const first = this.#waiting.shift();
    if (first === undefined) return;
    const members: { waiting: Waiting; committed: Committed<unknown> }[] = [];
    try {
      await bindConnection(conn);
      await executeCompiled(conn, BEGIN[this.dialect]);
      try {
        members.push({ waiting: first, committed: await this.runIn(conn, first.fn) });
      } catch (error) {
        this.#labelSets.clear();
        await executeCompiled(conn, ROLLBACK);
        throw error;
      }
    } catch (error) {
      first.reject(error);
      return;
    }
    while (members.length < MAX_GROUP) {
      let next = this.#waiting.shift();
      if (next === undefined) {
        await new Promise((resolve) => setImmediate(resolve));
        next = this.#waiting.shift();
        if (next === undefined) break;
      }
      try {
        await executeCompiled(conn, SAVEPOINT);
        members.push({ waiting: next, committed: await this.runIn(conn, next.fn) });
        await executeCompiled(conn, RELEASE);
      } catch (error) {
        this.#labelSets.clear();
        if (members.at(-1)?.waiting === next) members.pop();
        try {
          await executeCompiled(conn, ROLLBACK_TO);
          await executeCompiled(conn, RELEASE);
        } catch {
          // SQLite gave up the whole transaction (an I/O error, a full disk): nothing of the
          // group persists, so every member fails.
          await executeCompiled(conn, ROLLBACK).catch(() => undefined);
          for (const member of members) member.waiting.reject(error);
          next.reject(error);
          return;
        }
        next.reject(error);
      }
    }
    try {
      await executeCompiled(conn, COMMIT);
    } catch (error) {
      this.#labelSets.clear();
      await executeCompiled(conn, ROLLBACK).catch(() => undefined);
      for (const member of members) member.waiting.reject(error);
      return;
    }
    this.commitCounts.commits += 1;
    this.commitCounts.transactions += members.length;
    for (const member of members) member.waiting.resolve(member.committed);
  }

  /**
   * The chain head is the one point every writer meets. Locking it as the transaction's last
   * statement means concurrent writers serialize only for the append, not for their whole work.
   */
  private async appendChained(conn: Kysely<Database>, pending: NewEvent[]): Promise<StoredEvent[]> {
    const head = await CHAIN_HEAD.takeFirst(conn, this.dialect, {});
    if (head === undefined) throw new Error('the event chain head is missing');
    // Time is read after the lock, so event times never go backwards along the chain.
    const time = isoAt(this.clock.now().getTime());
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
    // Closing twice is allowed, as destroying a Kysely instance twice is.
    if (this.#closed) return;
    this.#closed = true;
    if (this.readDb !== this.db) await closeDatabase(this.readDb);
    await this.db.destroy();
  }
}
