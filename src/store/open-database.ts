import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, type KyselyConfig, type Logger } from 'kysely';
import pg from 'pg';
import type { Dialect } from '../core/ports/store.js';
import { CachedSqliteDialect } from './cached-sqlite-dialect.js';
import type { Database } from './schema.js';

export interface OpenedDatabase {
  db: Kysely<Database>;
  /**
   * For reads outside transactions: `db` itself, except for a SQLite file, which gets a second
   * connection (read only) so that reads see what is committed without waiting for a
   * transaction in progress, and transactions can commit together (see SqlStore).
   */
  readDb: Kysely<Database>;
  dialect: Dialect;
  /** Where the data lives, for messages: a file path or a URL without its password. */
  location: string;
}

export interface OpenDatabaseOptions {
  /** Sees every statement executed, after it ran: for debugging, and the store benchmark's statement check. */
  log?: Logger | undefined;
}

/**
 * Opens the database a URL names: `postgres://…` (or `postgresql://…`) for PostgreSQL, anything
 * else is a SQLite file path (optionally `sqlite:` prefixed; `:memory:` for a throwaway one).
 */
export function openDatabase(url: string, options: OpenDatabaseOptions = {}): OpenedDatabase {
  const log: Pick<KyselyConfig, 'log'> = options.log === undefined ? {} : { log: options.log };
  if (/^postgres(ql)?:\/\//.test(url)) {
    // Sequence numbers and counts are bigint; they stay far below 2^53, so read them as numbers.
    const types = new pg.TypeOverrides();
    types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
    const pool = new pg.Pool({ connectionString: url, max: 10, types });
    const safe = new URL(url);
    safe.password = '';
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...log });
    return {
      db,
      readDb: db,
      dialect: 'postgres',
      location: safe.toString(),
    };
  }
  const path = url.replace(/^sqlite:/, '');
  const file = path === ':memory:' ? path : resolve(path);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new BetterSqlite3(file);
  // Other processes (the CLI beside a running server) wait for the write lock instead of failing;
  // set first, so even switching a fresh file to WAL waits for a process doing the same.
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('journal_mode = WAL');
  // FULL: a commit is on disk before it is acknowledged, so acknowledged writes survive power loss.
  sqlite.pragma('synchronous = FULL');
  // Kysely's SQLite dialect, with each distinct statement prepared once rather than on every query.
  const db = new Kysely<Database>({ dialect: new CachedSqliteDialect(sqlite), ...log });
  // An in-memory database exists only on its own connection.
  if (file === ':memory:') return { db, readDb: db, dialect: 'sqlite', location: file };
  const reader = new BetterSqlite3(file);
  reader.pragma('busy_timeout = 5000');
  reader.pragma('query_only = 1');
  return {
    db,
    readDb: new Kysely<Database>({ dialect: new CachedSqliteDialect(reader), ...log }),
    dialect: 'sqlite',
    location: file,
  };
}

/**
 * Destroys a Kysely instance and closes its connections. Kysely destroys only a driver it has
 * initialized, so one that never ran a query (a reader nobody read through) would keep its
 * SQLite file open: taking its connection once initializes it.
 */
export async function closeDatabase(db: Kysely<Database>): Promise<void> {
  await db.connection().execute(() => Promise.resolve());
  await db.destroy();
}
