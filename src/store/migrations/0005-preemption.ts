import type { Kysely, Migration } from 'kysely';

/** Preemption: which domains allow it, and the index the timer finds queued critical work by. */
export const migration0005Preemption: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('domains')
      .addColumn('preemption', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    // The timer reads the queued critical items of each preemptible type: few among many.
    await db.schema
      .createIndex('work_items_class')
      .on('work_items')
      .columns(['state', 'priority_class', 'type_id', 'id'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('work_items_class').execute();
    await db.schema.alterTable('domains').dropColumn('preemption').execute();
  },
};
