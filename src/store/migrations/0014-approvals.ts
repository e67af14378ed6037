import type { Kysely, Migration } from 'kysely';

/**
 * Approvals: a person's go-ahead for one agent, one action, one resource and the hash of its
 * arguments, single-use and expiring. The arguments, policies and approvers are JSON; the
 * pending ones are found by expiry for the timer.
 */
export const migration0014Approvals: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('approvals')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('action_class', 'text', (c) => c.notNull())
      .addColumn('resource_type', 'text', (c) => c.notNull())
      .addColumn('resource_id', 'text', (c) => c.notNull())
      .addColumn('domain_id', 'text', (c) => c.notNull())
      .addColumn('arguments', 'text', (c) => c.notNull())
      .addColumn('arguments_hash', 'text', (c) => c.notNull())
      .addColumn('approved_arguments', 'text')
      .addColumn('approved_hash', 'text', (c) => c.notNull())
      .addColumn('justification', 'text', (c) => c.notNull())
      .addColumn('policies', 'text', (c) => c.notNull())
      .addColumn('approvers', 'text', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('webhook_url', 'text')
      .addColumn('exception_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('decided_at', 'text')
      .addColumn('decided_by', 'text')
      .addColumn('decision_reason', 'text')
      .addColumn('used_at', 'text')
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('approvals_state_expiry')
      .on('approvals')
      .columns(['state', 'expires_at'])
      .execute();
    await db.schema
      .createIndex('approvals_actor')
      .on('approvals')
      .columns(['actor_id', 'id'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('approvals').execute();
  },
};
