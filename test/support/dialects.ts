import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Kysely } from 'kysely';
import { beforeAll, beforeEach } from 'vitest';
import { ManualClock, type Clock } from '../../src/core/clock.js';
import type { MetricReader } from '../../src/core/ports/metric-reader.js';
import type { Dialect } from '../../src/core/ports/store.js';
import { ControlPlane } from '../../src/runtime/control-plane.js';
import { closeDatabase, openDatabase } from '../../src/store/open-database.js';
import { openStore } from '../../src/store/open-store.js';
import type { Database } from '../../src/store/schema.js';
import type { SqlStore } from '../../src/store/sql-store.js';

/** Every dialect the store supports; contract suites run once for each. */
export const DIALECTS = ['sqlite', 'postgres'] as const satisfies readonly Dialect[];
export type TestDialect = (typeof DIALECTS)[number];

/** The server the contract suites need; they fail (never skip) when it is down. */
export const POSTGRES_ADMIN_URL =
  process.env.AUTONOMY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

// Names carry the creating process id, so a run that died before its cleanup (killed worker,
// crash) is swept by the next run instead of leaving databases and files behind for good.
const PREFIX = 'autonomy_test_';
const ownTag = `p${process.pid}_`;

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid encoded in a test database or directory name, if it has one. */
function ownerPid(name: string): number | null {
  const match = /^autonomy[_-]test[_-]p(\d+)[_-]/.exec(name);
  return match === null ? null : Number(match[1]);
}

function isStale(name: string): boolean {
  const pid = ownerPid(name);
  return pid !== null && pid !== process.pid && !processIsAlive(pid);
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${POSTGRES_ADMIN_URL}; the contract suites need it ` +
        '(start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start)',
      { cause: error },
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

let sweptFiles = false;
let sweptDatabases = false;

/** Removes temp directories left by test processes that no longer exist. */
function sweepStaleFiles(): void {
  if (sweptFiles) return;
  sweptFiles = true;
  for (const entry of readdirSync(tmpdir())) {
    if (entry.startsWith('autonomy-test-') && isStale(entry))
      rmSync(join(tmpdir(), entry), { recursive: true, force: true });
  }
}

/** Drops databases left by test processes that no longer exist. */
async function sweepStaleDatabases(client: pg.Client): Promise<void> {
  if (sweptDatabases) return;
  sweptDatabases = true;
  const { rows } = await client.query<{ datname: string }>(
    'select datname from pg_database where datname like $1',
    [`${PREFIX}%`],
  );
  for (const { datname } of rows) {
    if (!isStale(datname)) continue;
    try {
      await client.query(`drop database if exists ${quoteIdent(datname)} with (force)`);
    } catch {
      // Another worker swept it first.
    }
  }
}

/** A fresh, empty database for one dialect, and how to get rid of it. */
export interface TestDatabase {
  dialect: TestDialect;
  /** What `openStore` / `ControlPlane.open` take as `databaseUrl`. */
  url: string;
  /** Removes the database (PostgreSQL) or its directory (SQLite). Safe to call twice. */
  drop(): Promise<void>;
}

export async function createTestDatabase(dialect: TestDialect): Promise<TestDatabase> {
  const suffix = `${ownTag}${randomBytes(6).toString('hex')}`;
  if (dialect === 'sqlite') {
    sweepStaleFiles();
    const dir = mkdtempSync(join(tmpdir(), `autonomy-test-${suffix}-`));
    let dropped = false;
    return {
      dialect,
      url: join(dir, 'autonomy.db'),
      drop: () => {
        if (!dropped) rmSync(dir, { recursive: true, force: true });
        dropped = true;
        return Promise.resolve();
      },
    };
  }
  const name = `${PREFIX}${suffix}`;
  await withAdmin(async (client) => {
    await sweepStaleDatabases(client);
    await client.query(`create database ${quoteIdent(name)}`);
  });
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    dialect,
    url: url.toString(),
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await withAdmin(async (client) => {
        // pg's Pool.end() resolves before its clients have finished disconnecting; forcing the
        // drop while they still linger makes the server kill them, and each killed client then
        // raises an uncaught error in the test process. Wait for them to leave first.
        const deadline = Date.now() + 5000;
        for (;;) {
          const { rows } = await client.query<{ n: number }>(
            'select count(*)::int as n from pg_stat_activity where datname = $1',
            [name],
          );
          if ((rows[0]?.n ?? 0) === 0 || Date.now() > deadline) break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        await client.query(`drop database if exists ${quoteIdent(name)} with (force)`);
      });
    },
  };
}

/** Runs `cleanups` in reverse order, all of them even when some fail, then reports the failures. */
async function runAll(cleanups: (() => Promise<void>)[]): Promise<void> {
  const errors: unknown[] = [];
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0] as Error;
  if (errors.length > 1) throw new AggregateError(errors, 'several test database cleanups failed');
}

/**
 * `beforeAll`, except that when `setup` throws, every test of the block fails with its error:
 * a failed `beforeAll` alone reports the tests as skipped, and a missing database must fail them.
 */
export function beforeAllOrFail(setup: () => Promise<void>): void {
  let failure: Error | null = null;
  beforeAll(async () => {
    try {
      await setup();
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
  });
  beforeEach(() => {
    if (failure !== null) throw failure;
  });
}

interface Disposable {
  dispose(): Promise<void>;
}

const undisposed = new Set<Disposable>();

/** Remembers a handle until it is disposed, so `disposeOpened` can find it. */
function tracked<T extends Disposable>(handle: T): T {
  const dispose = () => handle.dispose();
  const wrapped: T = {
    ...handle,
    dispose: async () => {
      undisposed.delete(wrapped);
      await dispose();
    },
  };
  undisposed.add(wrapped);
  return wrapped;
}

/**
 * Disposes every control plane and store this test file opened and has not disposed yet. Call it
 * from afterAll/afterEach: unlike `handle.dispose()`, it also works when setup failed before the
 * handle was assigned, and it never leaves a database or directory behind.
 */
export async function disposeOpened(): Promise<void> {
  await runAll([...undisposed].map((handle) => () => handle.dispose()));
}

export interface TestControlPlane {
  cp: ControlPlane;
  url: string;
  dialect: TestDialect;
  /** A second, raw connection to the same database, for tampering with what the store wrote. */
  db(): Kysely<Database>;
  dispose(): Promise<void>;
}

/** A control plane over a fresh database (migrated), with a 300 s lease and the given clock. */
export async function openTestControlPlane(
  dialect: TestDialect,
  options: { clock?: Clock; leaseSeconds?: number; metricReader?: MetricReader } = {},
): Promise<TestControlPlane> {
  const database = await createTestDatabase(dialect);
  const cleanups: (() => Promise<void>)[] = [() => database.drop()];
  try {
    const cp = await ControlPlane.open(
      { databaseUrl: database.url, leaseSeconds: options.leaseSeconds ?? 300 },
      {
        clock: options.clock ?? new ManualClock(),
        ...(options.metricReader === undefined ? {} : { metricReader: options.metricReader }),
      },
    );
    cleanups.push(() => cp.close());
    let raw: Kysely<Database> | null = null;
    return tracked({
      cp,
      url: database.url,
      dialect,
      db: () => {
        if (raw === null) {
          const opened = openDatabase(database.url);
          cleanups.push(async () => {
            if (opened.readDb !== opened.db) await closeDatabase(opened.readDb);
            await opened.db.destroy();
          });
          raw = opened.db;
        }
        return raw;
      },
      dispose: () => runAll(cleanups.splice(0)),
    });
  } catch (error) {
    await runAll(cleanups);
    throw error;
  }
}

export interface TestStore {
  store: SqlStore;
  /** The store's own Kysely instance: raw SQL for tamper tests, outside any store transaction. */
  db: Kysely<Database>;
  url: string;
  dialect: TestDialect;
  dispose(): Promise<void>;
}

/** The raw SQL store over a fresh, migrated database. */
export async function openTestStore(
  dialect: TestDialect,
  clock: Clock = new ManualClock(),
): Promise<TestStore> {
  const database = await createTestDatabase(dialect);
  try {
    const { store } = await openStore(database.url, clock);
    const cleanups = [() => database.drop(), () => store.close()];
    return tracked({
      store,
      db: store.db,
      url: database.url,
      dialect,
      dispose: () => runAll(cleanups.splice(0)),
    });
  } catch (error) {
    await database.drop();
    throw error;
  }
}
