import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import { migration0001Core } from './migrations/0001-core.js';
import { migration0002Coordination } from './migrations/0002-coordination.js';
import { migration0003Learning } from './migrations/0003-learning.js';
import { migration0004Stages } from './migrations/0004-stages.js';
import { migration0005Preemption } from './migrations/0005-preemption.js';
import { migration0006Routing } from './migrations/0006-routing.js';
import { migration0007Monitoring } from './migrations/0007-monitoring.js';
import { migration0008PartialIndexes } from './migrations/0008-partial-indexes.js';
import { migration0009MetricSeries } from './migrations/0009-metric-series.js';
import { migration0010Performance } from './migrations/0010-performance.js';
import { migration0011Outcomes } from './migrations/0011-outcomes.js';
import { migration0012Halts } from './migrations/0012-halts.js';
import { migration0013Authority } from './migrations/0013-authority.js';
import { migration0014Approvals } from './migrations/0014-approvals.js';
import { migration0015Trust } from './migrations/0015-trust.js';
import { migration0016Controls } from './migrations/0016-controls.js';
import { migration0017RollupSeries } from './migrations/0017-rollup-series.js';
import { migration0018RollupLabelSets } from './migrations/0018-rollup-label-sets.js';

/**
 * The one migration set, for both dialects. They run in name order; a migration may arrive with
 * a lower number than one a database has already run (work developed side by side), so those
 * are independent of each other and run as they appear (see allowUnorderedMigrations below).
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-core': migration0001Core,
  '0002-coordination': migration0002Coordination,
  '0003-learning': migration0003Learning,
  '0004-stages': migration0004Stages,
  '0005-preemption': migration0005Preemption,
  '0006-routing': migration0006Routing,
  '0007-monitoring': migration0007Monitoring,
  '0008-partial-indexes': migration0008PartialIndexes,
  '0009-metric-series': migration0009MetricSeries,
  '0010-performance': migration0010Performance,
  '0011-outcomes': migration0011Outcomes,
  '0012-halts': migration0012Halts,
  '0013-authority': migration0013Authority,
  '0014-approvals': migration0014Approvals,
  '0015-trust': migration0015Trust,
  '0016-controls': migration0016Controls,
  '0017-rollup-series': migration0017RollupSeries,
  '0018-rollup-label-sets': migration0018RollupLabelSets,
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
export async function migrateToLatest(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
  db: Kysely<any>,
  migrations: Readonly<Record<string, Migration>> = MIGRATIONS,
): Promise<MigrationReport> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve({ ...migrations }) },
    // A database that ran 0004 before 0003 existed must still take 0003 when it arrives,
    // instead of refusing to start; pending migrations still run in name order.
    allowUnorderedMigrations: true,
  });
  // Migrating and reading what is current are retried apart: a read that loses a race after
  // this process committed its migrations must not make it forget (and not report) them.
  const applied = await retried(() => migrateOnce(migrator));
  const current = await retried(async () =>
    (await migrator.getMigrations()).filter((m) => m.executedAt !== undefined),
  );
  return { applied, current: current.map((m) => m.name) };
}

async function retried<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= ATTEMPTS) throw error;
      // 50 ms, doubling: a loaded machine may need a second or so for the winner to finish.
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** (attempt - 1)));
    }
  }
}

/** The migrations this call applied (none when another process had already). */
async function migrateOnce(migrator: Migrator): Promise<string[]> {
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    const reason =
      result.error instanceof Error ? result.error.message : JSON.stringify(result.error);
    throw new Error(`migration ${failed} failed: ${reason}`, { cause: result.error });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
