import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Trust: records per actor, domain and action class folded from the log (derived: rebuilt from
 * it, with their fold state and checkpoint), the levels changes set (each with its event), and
 * promotions proposed for people to decide, at most one pending per actor, domain and class.
 */
export const migration0015Trust: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('trust_records')
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('domain_id', 'text', (c) => c.notNull())
      .addColumn('class', 'text', (c) => c.notNull())
      // The decayed counts, their as-of time and the marks, as JSON: read and written whole.
      .addColumn('record', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('trust_records_pk', ['actor_id', 'domain_id', 'class'])
      .execute();
    await db.schema
      .createTable('trust_levels')
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('domain_id', 'text', (c) => c.notNull())
      .addColumn('class', 'text', (c) => c.notNull())
      .addColumn('level', 'integer', (c) => c.notNull())
      .addColumn('since', 'text', (c) => c.notNull())
      .addColumn('changed_by', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('trust_levels_pk', ['actor_id', 'domain_id', 'class'])
      .execute();
    await db.schema
      .createTable('trust_promotions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('domain_id', 'text', (c) => c.notNull())
      .addColumn('class', 'text', (c) => c.notNull())
      .addColumn('from_level', 'integer', (c) => c.notNull())
      .addColumn('to_level', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('proposed_at', 'text', (c) => c.notNull())
      .addColumn('evidence', 'text', (c) => c.notNull())
      .addColumn('decided_at', 'text')
      .addColumn('decided_by', 'text')
      .addColumn('reason', 'text')
      .execute();
    await db.schema
      .createIndex('trust_promotions_pending')
      .on('trust_promotions')
      .columns(['actor_id', 'domain_id', 'class'])
      .unique()
      .where(sql.ref('state'), '=', sql.lit('pending'))
      .execute();
    await db.schema
      .createTable('trust_state')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('trust_state_pk', ['kind', 'id'])
      .execute();
    await db.schema
      .createTable('trust_checkpoint')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .execute();
    await (db as Kysely<{ trust_checkpoint: { id: number; seq: number } }>)
      .insertInto('trust_checkpoint')
      .values({ id: 1, seq: 0 })
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of [
      'trust_checkpoint',
      'trust_state',
      'trust_promotions',
      'trust_levels',
      'trust_records',
    ])
      await db.schema.dropTable(table).execute();
  },
};
