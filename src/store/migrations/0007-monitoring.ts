import { sql, type Kysely, type Migration } from 'kysely';

/** Monitoring: exceptions, silences, inboxes, and the index SLA-risk detection reads by. */
export const migration0007Monitoring: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('exceptions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('alertname', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('opened_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('acknowledged_at', 'text')
      .addColumn('acknowledged_by', 'text')
      .addColumn('resolved_at', 'text')
      .addColumn('resolved_by', 'text')
      .addColumn('resolution', 'text')
      .addColumn('receivers', 'text', (c) => c.notNull())
      .addColumn('routes', 'text', (c) => c.notNull())
      .addColumn('group_key', 'text', (c) => c.notNull())
      .addColumn('escalations', 'text', (c) => c.notNull())
      .addColumn('silenced_by', 'text')
      // The earliest escalation step due, while the exception is open; null otherwise.
      .addColumn('next_escalation_at', 'text')
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    // Dedup is a constraint, not a hope: two writers cannot open the same condition twice.
    await db.schema
      .createIndex('exceptions_active_fingerprint')
      .on('exceptions')
      .column('fingerprint')
      .unique()
      .where(sql.ref('state'), '<>', 'resolved')
      .execute();
    await db.schema
      .createIndex('exceptions_state')
      .on('exceptions')
      .columns(['state', 'id'])
      .execute();
    await db.schema
      .createIndex('exceptions_group')
      .on('exceptions')
      .columns(['group_key', 'id'])
      .execute();
    await db.schema
      .createIndex('exceptions_escalation')
      .on('exceptions')
      .column('next_escalation_at')
      .where(sql.ref('state'), '=', 'open')
      .execute();

    await db.schema
      .createTable('silences')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('matchers', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('ends_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('comment', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expired_at', 'text')
      .execute();
    await db.schema.createIndex('silences_ends').on('silences').column('ends_at').execute();

    await db.schema
      .createTable('notifications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('exception_id', 'text', (c) => c.notNull())
      .addColumn('receiver', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('step', 'integer', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('read_at', 'text')
      .execute();
    await db.schema
      .createIndex('notifications_actor')
      .on('notifications')
      .columns(['actor_id', 'id'])
      .execute();

    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('exception_id', 'text', (c) => c.notNull())
      .addColumn('receiver', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('secret_env', 'text', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text')
      .addColumn('last_status', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('delivered_at', 'text')
      .execute();
    await db.schema
      .createIndex('webhook_deliveries_due')
      .on('webhook_deliveries')
      .column('next_attempt_at')
      .where(sql.ref('status'), '=', 'pending')
      .execute();

    // Open items by deadline: done items keep their due_at forever, so only open ones are indexed.
    await db.schema
      .createIndex('work_items_open_due')
      .on('work_items')
      .column('due_at')
      .where(sql<boolean>`state not in ('done', 'failed', 'cancelled') and due_at is not null`)
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('work_items_open_due').execute();
    await db.schema.dropTable('webhook_deliveries').execute();
    await db.schema.dropTable('notifications').execute();
    await db.schema.dropTable('silences').execute();
    await db.schema.dropTable('exceptions').execute();
  },
};
