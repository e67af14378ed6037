import type { Kysely, Migration } from 'kysely';

/** Coordination: the priority key work is claimed by, and the lease deadline timers scan. */
export const migration0002Coordination: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('work_items')
      .addColumn('priority', 'double precision', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('work_items')
      .addColumn('failed_by', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();
    await db.schema
      .alterTable('work_items')
      .addColumn('declined_by', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();
    await db.schema
      .alterTable('actors')
      .addColumn('mode', 'text', (c) => c.notNull().defaultTo('pull'))
      .execute();
    // Offers go to the highest-priority queued items of any type first.
    await db.schema
      .createIndex('work_items_queue')
      .on('work_items')
      .columns(['state', 'priority desc', 'id'])
      .execute();
    await db.schema
      .alterTable('work_types')
      .addColumn('max_attempts', 'integer', (c) => c.notNull().defaultTo(3))
      .execute();
    // A claim reads the head of each eligible type's queue: highest priority, then oldest.
    await db.schema
      .createIndex('work_items_claim')
      .on('work_items')
      .columns(['state', 'type_id', 'priority desc', 'id'])
      .execute();
    // The lease timer reads held items whose lease has run out.
    await db.schema
      .createIndex('work_items_lease')
      .on('work_items')
      .columns(['state', 'lease_expires_at'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('work_items_queue').execute();
    await db.schema.alterTable('actors').dropColumn('mode').execute();
    await db.schema.alterTable('work_items').dropColumn('declined_by').execute();
    await db.schema.dropIndex('work_items_lease').execute();
    await db.schema.dropIndex('work_items_claim').execute();
    await db.schema.alterTable('work_types').dropColumn('max_attempts').execute();
    await db.schema.alterTable('work_items').dropColumn('failed_by').execute();
    await db.schema.alterTable('work_items').dropColumn('priority').execute();
  },
};
