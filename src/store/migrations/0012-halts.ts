import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Halts: an agent, a domain's agents or every agent stopped by a person, until lifted. One in
 * force per scope, kept by a partial unique index; lifted ones stay, for the record.
 */
export const migration0012Halts: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('halts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('scope_kind', 'text', (c) => c.notNull())
      // '' for the scope `all`, which names nothing.
      .addColumn('scope_id', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('halted_by', 'text', (c) => c.notNull())
      .addColumn('halted_at', 'text', (c) => c.notNull())
      .addColumn('lifted_at', 'text')
      .addColumn('lifted_by', 'text')
      .addColumn('lift_reason', 'text')
      .execute();
    await db.schema
      .createIndex('halts_in_force')
      .on('halts')
      .columns(['scope_kind', 'scope_id'])
      .unique()
      .where(sql.ref('lifted_at'), 'is', null)
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('halts').execute();
  },
};
