import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Learning: durations and success rates per work type and per actor on a type, the start of
 * the current attempt (durations are measured from it), and what an actor's hour costs.
 */
export const migration0003Learning: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // actor_id '' holds the work type as a whole, so the key needs no nullable column.
    await db.schema
      .createTable('work_stats')
      .addColumn('type_id', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('completions', 'integer', (c) => c.notNull())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('duration_weight', 'double precision', (c) => c.notNull())
      .addColumn('duration_sum', 'double precision', (c) => c.notNull())
      .addColumn('success_weight', 'double precision', (c) => c.notNull())
      .addColumn('failure_weight', 'double precision', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('work_stats_pk', ['type_id', 'actor_id'])
      .execute();
    await db.schema.alterTable('work_items').addColumn('started_at', 'text').execute();
    // Items in progress when this runs: their start is in the log.
    await sql`update work_items set started_at = (
        select max(e.time) from events e
        where e.subject = work_items.id and e.type = 'coordination.work.started')
      where state = 'in_progress'`.execute(db);
    await db.schema
      .alterTable('actors')
      .addColumn('cost_per_hour', 'double precision', (c) => c.notNull().defaultTo(0))
      .execute();
    // Stored keys no longer hold the expected duration (claims add it per type, learned): take
    // out what 0002 put in, 2 points per expected hour, so old and new keys compare alike.
    await sql`update work_items set priority = priority - 2 * (
        select t.expected_duration_seconds from work_types t where t.id = work_items.type_id) / 3600.0
      where exists (select 1 from work_types t where t.id = work_items.type_id)`.execute(db);
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await sql`update work_items set priority = priority + 2 * (
        select t.expected_duration_seconds from work_types t where t.id = work_items.type_id) / 3600.0
      where exists (select 1 from work_types t where t.id = work_items.type_id)`.execute(db);
    await db.schema.alterTable('actors').dropColumn('cost_per_hour').execute();
    await db.schema.alterTable('work_items').dropColumn('started_at').execute();
    await db.schema.dropTable('work_stats').execute();
  },
};
