import type { Kysely, Migration } from 'kysely';

/**
 * Authority: the custom actions and Cedar policies of the applied organization file, kept whole
 * (JSON, the policy text as written) beside the organization record and its revision, which
 * keys their compiled form.
 */
export const migration0013Authority: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('organization').addColumn('authority', 'text').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('organization').dropColumn('authority').execute();
  },
};
