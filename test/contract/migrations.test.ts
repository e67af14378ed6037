import { sql, type Kysely, type Migration } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateToLatest, MIGRATIONS } from '../../src/store/migrate.js';
import { openDatabase } from '../../src/store/open-database.js';
import type { Database } from '../../src/store/schema.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/dialects.js';

/** A migration that only records that it ran, in a table of its own. */
const marker = (table: string): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema.createTable(table).addColumn('id', 'integer').execute();
  },
});

for (const dialect of DIALECTS) {
  describe(`migrations [${dialect}]`, () => {
    const opened: { db: Kysely<Database>; database: TestDatabase }[] = [];
    afterAll(async () => {
      for (const { db, database } of opened) {
        await db.destroy();
        await database.drop();
      }
    });

    const fresh = async () => {
      const database = await createTestDatabase(dialect);
      const { db } = openDatabase(database.url);
      opened.push({ db, database });
      return db;
    };

    it('runs every migration in name order on a fresh database', async () => {
      const db = await fresh();
      const report = await migrateToLatest(db);
      expect(report.applied).toEqual(Object.keys(MIGRATIONS).sort());
      expect(report.current).toEqual(report.applied);
      expect((await migrateToLatest(db)).applied).toEqual([]);
    });

    it('takes a migration numbered below one it already ran, instead of refusing to start', async () => {
      const db = await fresh();
      await migrateToLatest(db);
      const withEarlier = { ...MIGRATIONS, '0003-earlier': marker('earlier_marker') };
      const report = await migrateToLatest(db, withEarlier);
      expect(report.applied).toEqual(['0003-earlier']);
      expect(report.current).toEqual(Object.keys(withEarlier).sort());
      await sql`select count(*) from earlier_marker`.execute(db);
    });
  });
}
