import type { Kysely, Migration } from 'kysely';

/**
 * Outcomes: the SLOs and objectives of the applied organization file, kept as JSON beside its
 * routing, and the history of each key result (one snapshot an hour at most), which its
 * forecast is fitted to.
 */
export const migration0011Outcomes: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('organization').addColumn('slos', 'text').execute();
    await db.schema.alterTable('organization').addColumn('objectives', 'text').execute();
    await db.schema
      .createTable('key_result_snapshots')
      .addColumn('objective_id', 'text', (c) => c.notNull())
      .addColumn('key_result_id', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addColumn('progress', 'double precision', (c) => c.notNull())
      .addColumn('forecast', 'double precision')
      .addColumn('status', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('key_result_snapshots_pk', ['objective_id', 'key_result_id', 'at'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('key_result_snapshots').execute();
    await db.schema.alterTable('organization').dropColumn('objectives').execute();
    await db.schema.alterTable('organization').dropColumn('slos').execute();
  },
};
