/**
 * Loading the queued backlog straight into `work_items`, fast: multi-row INSERTs in one
 * transaction (SQLite, through its own better-sqlite3 connection on the same file) or batched
 * `INSERT … SELECT FROM unnest(…)` (PostgreSQL, one client). The rows are what `createWork`
 * would have stored for a queued item without dependencies; they get no `created` events,
 * since a claim reads only the row. Also: refills between measuring rounds, statistics, counts,
 * and the SQLite commit probe.
 */
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { sqliteCommitCeiling, type CommitCeiling } from '../support/sqlite-commit-ceiling.js';
import type { BacklogGenerator, BacklogRow } from './org.js';

/** The columns a row sets; the rest are the constants of a new queued item. */
const COLUMNS =
  'id, type_id, title, payload, value, due_at, priority_class, priority, state, owner_id, offered_to, lease_expires_at, attempts, failed_by, declined_by, version, created_at, updated_at';

export interface LoadStats {
  rows: number;
  loadSeconds: number;
  analyzeSeconds: number;
  /** Checkpointing after the load, so the measurement does not pay for writing it out. */
  checkpointSeconds: number;
}

export interface Counts {
  byState: Record<string, number>;
  eventsByType: Record<string, number>;
}

export interface Backlog {
  /** Loads `count` queued rows, then gathers statistics and checkpoints. */
  load(count: number, generator: BacklogGenerator): Promise<LoadStats>;
  /** Inserts rows (untimed, between measuring rounds). */
  insert(rows: readonly BacklogRow[]): Promise<void>;
  counts(): Promise<Counts>;
  close(): Promise<void>;
}

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;

const params = (r: BacklogRow) => [
  r.id,
  r.typeId,
  r.title,
  r.value,
  r.dueAt,
  r.priorityClass,
  r.priority,
  r.createdAt,
  r.createdAt,
];
const SQLITE_VALUES = `(?, ?, ?, '{}', ?, ?, ?, ?, 'queued', null, null, null, 0, '[]', '[]', 1, ?, ?)`;
/** 9 parameters a row: 900 rows stay far below SQLite's limit of 32,766 parameters. */
const SQLITE_ROWS_PER_INSERT = 900;

export class SqliteBacklog implements Backlog {
  private readonly db: BetterSqlite3.Database;
  private readonly many: BetterSqlite3.Statement;
  private readonly one: BetterSqlite3.Statement;

  constructor(file: string) {
    this.db = new BetterSqlite3(file);
    this.db.pragma('busy_timeout = 5000');
    // A large cache for this connection only, so a million-row transaction does not spill.
    this.db.pragma('cache_size = -1048576');
    this.many = this.db.prepare(
      `insert into work_items (${COLUMNS}) values ${Array(SQLITE_ROWS_PER_INSERT).fill(SQLITE_VALUES).join(', ')}`,
    );
    this.one = this.db.prepare(`insert into work_items (${COLUMNS}) values ${SQLITE_VALUES}`);
  }

  private insertNow(rows: readonly BacklogRow[]): void {
    let i = 0;
    for (; i + SQLITE_ROWS_PER_INSERT <= rows.length; i += SQLITE_ROWS_PER_INSERT) {
      this.many.run(rows.slice(i, i + SQLITE_ROWS_PER_INSERT).flatMap(params));
    }
    for (; i < rows.length; i += 1) this.one.run(params(rows[i] as BacklogRow));
  }

  load(count: number, generator: BacklogGenerator): Promise<LoadStats> {
    let t = process.hrtime.bigint();
    this.db.exec('begin immediate');
    try {
      for (const rows of generator.ascending(count, SQLITE_ROWS_PER_INSERT * 20)) {
        this.insertNow(rows);
      }
      this.db.exec('commit');
    } catch (error) {
      this.db.exec('rollback');
      throw error;
    }
    const loadSeconds = seconds(t);
    t = process.hrtime.bigint();
    this.db.exec('analyze');
    const analyzeSeconds = seconds(t);
    t = process.hrtime.bigint();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return Promise.resolve({
      rows: count,
      loadSeconds,
      analyzeSeconds,
      checkpointSeconds: seconds(t),
    });
  }

  insert(rows: readonly BacklogRow[]): Promise<void> {
    this.db.exec('begin immediate');
    try {
      this.insertNow(rows);
      this.db.exec('commit');
    } catch (error) {
      this.db.exec('rollback');
      throw error;
    }
    return Promise.resolve();
  }

  counts(): Promise<Counts> {
    const group = (query: string) =>
      Object.fromEntries(
        (this.db.prepare(query).all() as { k: string; n: number }[]).map((r) => [r.k, r.n]),
      );
    return Promise.resolve({
      byState: group('select state as k, count(*) as n from work_items group by state'),
      eventsByType: group('select type as k, count(*) as n from events group by type'),
    });
  }

  /** The fsync ceiling of this file, with the product's journal_mode=WAL and synchronous=FULL. */
  commitCeiling(commits: number): CommitCeiling {
    return sqliteCommitCeiling(this.db, commits);
  }

  /** The file's journal mode (persistent, so the engine's connection has it too) and version. */
  settings(): Record<string, string> {
    return {
      sqlite: (this.db.prepare('select sqlite_version() as v').get() as { v: string }).v,
      journal_mode: String(this.db.pragma('journal_mode', { simple: true })),
    };
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}

/** Rows per `INSERT … SELECT FROM unnest(…)`: each column goes as one array parameter. */
const POSTGRES_ROWS_PER_INSERT = 10_000;
const POSTGRES_INSERT = `insert into work_items (${COLUMNS})
  select id, type_id, title, '{}', value, due_at, priority_class, priority, 'queued', null, null, null, 0, '[]', '[]', 1, created_at, created_at
  from unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::text[], $6::text[], $7::float8[], $8::text[])
    as t(id, type_id, title, value, due_at, priority_class, priority, created_at)`;

export class PostgresBacklog implements Backlog {
  private constructor(private readonly client: pg.Client) {}

  static async open(url: string): Promise<PostgresBacklog> {
    const types = new pg.TypeOverrides();
    types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
    const client = new pg.Client({ connectionString: url, types });
    await client.connect();
    return new PostgresBacklog(client);
  }

  private async insertNow(rows: readonly BacklogRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += POSTGRES_ROWS_PER_INSERT) {
      const chunk = rows.slice(i, i + POSTGRES_ROWS_PER_INSERT);
      await this.client.query(POSTGRES_INSERT, [
        chunk.map((r) => r.id),
        chunk.map((r) => r.typeId),
        chunk.map((r) => r.title),
        chunk.map((r) => r.value),
        chunk.map((r) => r.dueAt),
        chunk.map((r) => r.priorityClass),
        chunk.map((r) => r.priority),
        chunk.map((r) => r.createdAt),
      ]);
    }
  }

  private async inTransaction(fn: () => Promise<void>): Promise<void> {
    await this.client.query('begin');
    try {
      await fn();
      await this.client.query('commit');
    } catch (error) {
      await this.client.query('rollback');
      throw error;
    }
  }

  async load(count: number, generator: BacklogGenerator): Promise<LoadStats> {
    let t = process.hrtime.bigint();
    await this.inTransaction(async () => {
      for (const rows of generator.ascending(count, POSTGRES_ROWS_PER_INSERT)) {
        await this.insertNow(rows);
      }
    });
    const loadSeconds = seconds(t);
    t = process.hrtime.bigint();
    await this.client.query('analyze work_items');
    const analyzeSeconds = seconds(t);
    t = process.hrtime.bigint();
    await this.client.query('checkpoint');
    return { rows: count, loadSeconds, analyzeSeconds, checkpointSeconds: seconds(t) };
  }

  async insert(rows: readonly BacklogRow[]): Promise<void> {
    await this.inTransaction(() => this.insertNow(rows));
  }

  async counts(): Promise<Counts> {
    const group = async (query: string) =>
      Object.fromEntries(
        (await this.client.query<{ k: string; n: number }>(query)).rows.map((r) => [r.k, r.n]),
      );
    return {
      byState: await group('select state as k, count(*)::int as n from work_items group by state'),
      eventsByType: await group('select type as k, count(*)::int as n from events group by type'),
    };
  }

  async setting(name: string): Promise<string> {
    const { rows } = await this.client.query<{ v: string }>('select current_setting($1) as v', [
      name,
    ]);
    return rows[0]?.v ?? '?';
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
