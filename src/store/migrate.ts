import { Migrator, type Kysely, type MigrationResultSet } from 'kysely';
import { migration0001Core } from './migrations/0001-core.js';

/** The one migration set, for both dialects, in order. */
const MIGRATIONS = { '0001-core': migration0001Core };

export interface MigrationReport {
  applied: string[];
  current: string[];
}

/** Brings the schema up to date. Safe to run on every start and from several nodes at once. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationReport> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    const reason = result.error instanceof Error ? result.error.message : JSON.stringify(result.error);
    throw new Error(`migration ${failed} failed: ${reason}`, { cause: result.error });
  }
  const current = (await migrator.getMigrations()).filter((m) => m.executedAt !== undefined);
  return {
    applied: (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
    current: current.map((m) => m.name),
  };
}
