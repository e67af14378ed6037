import { sql, type Kysely, type Selectable } from 'kysely';
import type { Dialect } from '../core/ports/store.js';
import type { WorkObservation, WorkStats, WorkStatsStore } from '../core/ports/work-stats-store.js';
import { PreparedQuery } from './prepared-query.js';
import type { Database, WorkStatsTable } from './schema.js';

/** The actor id of the row that holds a work type as a whole. */
const WHOLE_TYPE = '';

type Row = Selectable<WorkStatsTable>;

/** The stored figure times `factor`, plus what the new observation adds to it. */
const added = (column: keyof WorkStatsTable, factor: number) =>
  sql<number>`${sql.ref(`work_stats.${column}`)} * ${factor} + ${sql.ref(`excluded.${column}`)}`;

/** The arguments of one record: the observation as the row it would be on its own. */
export type RecordStatsArgs = Row & { duration_decay: number; decay: number };

/**
 * One statement for both rows (the type's, then the actor's: every writer locks them in that
 * order, so concurrent records never deadlock). A new row is the observation itself; an
 * existing one decays and adds it, in the database, so concurrent records lose nothing.
 */
export function recordStatsQuery(db: Kysely<Database>, a: RecordStatsArgs) {
  const row = (actorId: string) => ({
    type_id: a.type_id,
    actor_id: actorId,
    completions: a.completions,
    failures: a.failures,
    duration_weight: a.duration_weight,
    duration_sum: a.duration_sum,
    success_weight: a.success_weight,
    failure_weight: a.failure_weight,
    updated_at: a.updated_at,
  });
  return db
    .insertInto('work_stats')
    .values([row(WHOLE_TYPE), row(a.actor_id)])
    .onConflict((oc) =>
      oc.columns(['type_id', 'actor_id']).doUpdateSet({
        // Counts keep everything (factor 1); weights fade.
        completions: added('completions', 1),
        failures: added('failures', 1),
        duration_weight: added('duration_weight', a.duration_decay),
        duration_sum: added('duration_sum', a.duration_decay),
        success_weight: added('success_weight', a.decay),
        failure_weight: added('failure_weight', a.decay),
        updated_at: sql<string>`excluded.updated_at`,
      }),
    );
}
const RECORD_STATS = new PreparedQuery(recordStatsQuery);

const LIST_TYPES = new PreparedQuery((db, _: Record<string, never>) =>
  db.selectFrom('work_stats').selectAll().where('actor_id', '=', WHOLE_TYPE).orderBy('type_id'),
);

const GET = new PreparedQuery((db, a: { typeId: string; actorId: string }) =>
  db
    .selectFrom('work_stats')
    .selectAll()
    .where('type_id', '=', a.typeId)
    .where('actor_id', '=', a.actorId),
);

/** The statement arguments of one observation. */
export function recordStatsArgs(o: WorkObservation): RecordStatsArgs {
  const completed = o.outcome === 'completed';
  const measured = completed && o.durationSeconds !== null;
  return {
    type_id: o.typeId,
    actor_id: o.actorId,
    completions: completed ? 1 : 0,
    failures: completed ? 0 : 1,
    duration_weight: measured ? 1 : 0,
    duration_sum: measured ? (o.durationSeconds ?? 0) : 0,
    success_weight: completed ? 1 : 0,
    failure_weight: completed ? 0 : 1,
    updated_at: o.at,
    // A failure measures no duration, so it leaves the duration figures as they are.
    duration_decay: measured ? o.decay : 1,
    decay: o.decay,
  };
}

function toStats(row: Row): WorkStats {
  return {
    typeId: row.type_id,
    actorId: row.actor_id === WHOLE_TYPE ? null : row.actor_id,
    completions: row.completions,
    failures: row.failures,
    durationWeight: row.duration_weight,
    durationSum: row.duration_sum,
    successWeight: row.success_weight,
    failureWeight: row.failure_weight,
    updatedAt: row.updated_at,
  };
}

export class SqlWorkStatsStore implements WorkStatsStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async get(typeId: string, actorId: string | null): Promise<WorkStats | null> {
    const row = await GET.takeFirst(this.db, this.dialect, {
      typeId,
      actorId: actorId ?? WHOLE_TYPE,
    });
    return row === undefined ? null : toStats(row);
  }

  async listTypes(): Promise<WorkStats[]> {
    const { rows } = await LIST_TYPES.execute(this.db, this.dialect, {});
    return rows.map(toStats);
  }

  async listActors(typeId: string): Promise<WorkStats[]> {
    const rows = await this.db
      .selectFrom('work_stats')
      .selectAll()
      .where('type_id', '=', typeId)
      .where('actor_id', '<>', WHOLE_TYPE)
      .orderBy('actor_id')
      .execute();
    return rows.map(toStats);
  }

  async record(observation: WorkObservation): Promise<void> {
    await RECORD_STATS.execute(this.db, this.dialect, recordStatsArgs(observation));
  }
}
