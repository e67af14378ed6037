import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Controls on agents and their budgets: pauses of one action class and redirects of their work,
 * in force until lifted (one per agent, kind and class, kept by a partial unique index; lifted
 * ones stay, for the record); usage counted per agent and window (minute, day, month), one row
 * each, restarted when its period passes, so the table never grows with time; and the budgets
 * of the applied organization file, beside it.
 */
export const migration0016Controls: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('agent_controls')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.notNull())
      // A pause's action class; '' for a redirect (one per agent).
      .addColumn('action_class', 'text', (c) => c.notNull())
      // A redirect's receiver; null: the queue (and always for a pause).
      .addColumn('target', 'text')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('applied_by', 'text', (c) => c.notNull())
      .addColumn('applied_at', 'text', (c) => c.notNull())
      .addColumn('lifted_at', 'text')
      .addColumn('lifted_by', 'text')
      .addColumn('lift_reason', 'text')
      .execute();
    await db.schema
      .createIndex('agent_controls_in_force')
      .on('agent_controls')
      .columns(['kind', 'actor_id', 'action_class'])
      .unique()
      .where(sql.ref('lifted_at'), 'is', null)
      .execute();
    await db.schema
      .createTable('agent_usage')
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('usage_window', 'text', (c) => c.notNull())
      .addColumn('period', 'text', (c) => c.notNull())
      .addColumn('actions', 'integer', (c) => c.notNull())
      .addColumn('cost', 'double precision', (c) => c.notNull())
      .addPrimaryKeyConstraint('agent_usage_pk', ['actor_id', 'usage_window'])
      .execute();
    await db.schema.alterTable('organization').addColumn('budgets', 'text').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('organization').dropColumn('budgets').execute();
    await db.schema.dropTable('agent_usage').execute();
    await db.schema.dropTable('agent_controls').execute();
  },
};
