import type { Kysely, Migration } from 'kysely';

/**
 * Exception routing: the routing tree, inhibition rules and time intervals of the applied
 * organization file, kept as written (JSON) beside the organization record they belong to.
 */
export const migration0006Routing: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('organization').addColumn('routing', 'text').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('organization').dropColumn('routing').execute();
  },
};
