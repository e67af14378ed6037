import type { Kysely, Migration } from 'kysely';

/**
 * Stages: a work type's ordered steps, the stage each item is at, and the claim index widened
 * from one queue per type to one per type and stage. It builds on 0001 and 0002 only, so it
 * applies whatever else runs beside it.
 */
export const migration0004Stages: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('work_types')
      .addColumn('stages', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();
    // '' for items of a type without stages (every item before this migration), not null: the
    // claim index then serves `stage_id = ?` for every queue alike, where `is null` would leave
    // PostgreSQL sorting the type's queue instead of reading its head from the index.
    await db.schema
      .alterTable('work_items')
      .addColumn('stage_id', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    // A claim reads the head of each eligible (type, stage) queue: highest priority, then oldest.
    // It replaces the per-type index, whose every use now also names the stage.
    await db.schema
      .createIndex('work_items_claim_stage')
      .on('work_items')
      .columns(['state', 'type_id', 'stage_id', 'priority desc', 'id'])
      .execute();
    await db.schema.dropIndex('work_items_claim').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createIndex('work_items_claim')
      .on('work_items')
      .columns(['state', 'type_id', 'priority desc', 'id'])
      .execute();
    await db.schema.dropIndex('work_items_claim_stage').execute();
    await db.schema.alterTable('work_items').dropColumn('stage_id').execute();
    await db.schema.alterTable('work_types').dropColumn('stages').execute();
  },
};
