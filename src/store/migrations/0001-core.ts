import { sql, type Kysely, type Migration } from 'kysely';
import { GENESIS_HASH } from '../../core/hash-chain.js';

/** The kernel: event log and chain head, organization model, work items, API tokens. */
export const migration0001Core: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('events')
      .addColumn('seq', 'bigint', (c) => c.primaryKey())
      .addColumn('time', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('subject', 'text')
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('events_type_seq').on('events').columns(['type', 'seq']).execute();
    await db.schema
      .createIndex('events_subject_seq')
      .on('events')
      .columns(['subject', 'seq'])
      .execute();
    await db.schema
      .createIndex('events_actor_seq')
      .on('events')
      .columns(['actor', 'seq'])
      .execute();
    await db.schema.createIndex('events_time').on('events').column('time').execute();

    // One row: the last link of the chain. Locking it is the single point where writers meet.
    await db.schema
      .createTable('event_chain_head')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    // The row exists from the start, so the first writers have something to lock.
    await sql`insert into event_chain_head (id, seq, hash) values (1, 0, ${GENESIS_HASH})`.execute(
      db,
    );

    await db.schema
      .createTable('domains')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('owners', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('actors')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('domains', 'text', (c) => c.notNull())
      .addColumn('skills', 'text', (c) => c.notNull())
      .addColumn('capacity', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('last_heartbeat_at', 'text')
      .execute();

    await db.schema
      .createTable('work_types')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('domain_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('required_skills', 'text', (c) => c.notNull())
      .addColumn('expected_duration_seconds', 'double precision', (c) => c.notNull())
      .addColumn('sla_seconds', 'double precision', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('work_items')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('type_id', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addColumn('due_at', 'text')
      .addColumn('priority_class', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('owner_id', 'text')
      .addColumn('offered_to', 'text')
      .addColumn('lease_expires_at', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      // The state machine's ownership rule, enforced by the database as a last line of defence.
      .addCheckConstraint(
        'work_items_owner_matches_state',
        sql`(owner_id is not null) = (state in ('assigned', 'in_progress'))`,
      )
      .execute();
    await db.schema
      .createIndex('work_items_state')
      .on('work_items')
      .columns(['state', 'id'])
      .execute();
    await db.schema
      .createIndex('work_items_owner')
      .on('work_items')
      .columns(['owner_id', 'state'])
      .execute();
    await db.schema
      .createIndex('work_items_type')
      .on('work_items')
      .columns(['type_id', 'id'])
      .execute();

    await db.schema
      .createTable('work_dependencies')
      .addColumn('work_id', 'text', (c) => c.notNull())
      .addColumn('depends_on', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('work_dependencies_pk', ['work_id', 'depends_on'])
      .execute();
    await db.schema
      .createIndex('work_dependencies_depends_on')
      .on('work_dependencies')
      .column('depends_on')
      .execute();

    await db.schema
      .createTable('organization')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('applied_at', 'text', (c) => c.notNull())
      .addColumn('applied_by', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of [
      'api_tokens',
      'organization',
      'work_dependencies',
      'work_items',
      'work_types',
      'actors',
      'domains',
      'event_chain_head',
      'events',
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
