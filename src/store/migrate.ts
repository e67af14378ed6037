import { Migrator, type Kysely, type MigrationResultSet } from 'kysely';
import { migration0001Core } from './migrations/0001-core.js';
import { migration0002Coordination } from './migrations/0002-coordination.js';
import { migration0003Learning } from './migrations/0003-learning.js';

/** The one migration set, for both dialects, in order. */
const MIGRATIONS = {
  '0001-core': migration0001Core,
  '0002-coordination': migration0002Coordination,
  '0003-learning': migration0003Learning,
};

export interface MigrationReport {
  applied: string[];
  current: string[];
}

/** Attempts before giving up when another process migrates the same database at the same time. */
const ATTEMPTS = 6;

/**
 * Brings the schema up to date. Safe to run on every start and from several processes at once:
 * on PostgreSQL Kysely's migration lock serializes them; SQLite has no such lock, so a process
 * that loses the race (its transaction rolls back) looks again and finds the work done.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationReport> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrateOnce(db);
    } catch (error) {
      if (attempt >= ATTEMPTS) throw error;
      // 50 ms, doubling: a loaded machine may need a second or so for the winner to finish.
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** (attempt - 1)));
    }
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
async function migrateOnce(db: Kysely<any>): Promise<MigrationReport> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    const reason =
      result.error instanceof Error ? result.error.message : JSON.stringify(result.error);
    throw new Error(`migration ${failed} failed: ${reason}`, { cause: result.error });
  }
  const current = (await migrator.getMigrations()).filter((m) => m.executedAt !== undefined);
  return {
    applied: (result.results ?? [])
      .filter((r) => r.status === 'Success')
      .map((r) => r.migrationName),
    current: current.map((m) => m.name),
  };
}
