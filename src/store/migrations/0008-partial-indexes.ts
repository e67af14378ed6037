import { sql, type Kysely, type Migration } from 'kysely';

const QUEUED = sql<boolean>`state = 'queued'`;

/**
 * The indexes only queued or owned items need hold only those items. Every transition changes
 * an item's state, and an index holding every item (with the state among its columns) then
 * moves one entry per transition: with the queue, claim and class indexes partial, starting and
 * completing work no longer touch them, and done items leave the owner index. Fewer b-tree
 * writes per transition, fewer pages per commit. Queries keep their conditions (`state =
 * 'queued'`, `owner_id = ?`), which imply the indexes' own, so both dialects still use them.
 * It builds on 0001, 0002, 0004 and 0005.
 */
export const migration0008PartialIndexes: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // Offers: the highest-priority queued items of any type first.
    await db.schema.dropIndex('work_items_queue').execute();
    await db.schema
      .createIndex('work_items_queued')
      .on('work_items')
      .columns(['priority desc', 'id'])
      .where(QUEUED)
      .execute();
    // Claims: the head of each (type, stage) queue.
    await db.schema.dropIndex('work_items_claim_stage').execute();
    await db.schema
      .createIndex('work_items_queued_claim')
      .on('work_items')
      .columns(['type_id', 'stage_id', 'priority desc', 'id'])
      .where(QUEUED)
      .execute();
    // Preemption: the queued critical items of a type.
    await db.schema.dropIndex('work_items_class').execute();
    await db.schema
      .createIndex('work_items_queued_class')
      .on('work_items')
      .columns(['priority_class', 'type_id', 'id'])
      .where(QUEUED)
      .execute();
    // What an actor holds: only assigned and in-progress items have an owner (a check says so).
    await db.schema.dropIndex('work_items_owner').execute();
    await db.schema
      .createIndex('work_items_held')
      .on('work_items')
      .columns(['owner_id', 'state'])
      .where(sql<boolean>`owner_id is not null`)
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('work_items_held').execute();
    await db.schema
      .createIndex('work_items_owner')
      .on('work_items')
      .columns(['owner_id', 'state'])
      .execute();
    await db.schema.dropIndex('work_items_queued_class').execute();
    await db.schema
      .createIndex('work_items_class')
      .on('work_items')
      .columns(['state', 'priority_class', 'type_id', 'id'])
      .execute();
    await db.schema.dropIndex('work_items_queued_claim').execute();
    await db.schema
      .createIndex('work_items_claim_stage')
      .on('work_items')
      .columns(['state', 'type_id', 'stage_id', 'priority desc', 'id'])
      .execute();
    await db.schema.dropIndex('work_items_queued').execute();
    await db.schema
      .createIndex('work_items_queue')
      .on('work_items')
      .columns(['state', 'priority desc', 'id'])
      .execute();
  },
};
