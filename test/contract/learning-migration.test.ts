import { Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/store/migrate.js';
import { migration0001Core } from '../../src/store/migrations/0001-core.js';
import { migration0002Coordination } from '../../src/store/migrations/0002-coordination.js';
import { openDatabase } from '../../src/store/open-database.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/dialects.js';

for (const dialect of DIALECTS) {
  describe(`migration 0003-learning [${dialect}]`, () => {
    let database: TestDatabase | null = null;
    afterEach(async () => {
      await database?.drop();
    });

    it('takes the expected duration out of stored keys and finds the start of work in progress', async () => {
      database = await createTestDatabase(dialect);
      const { db } = openDatabase(database.url);
      try {
        // The schema as 0002 left it, with an item queued and one in progress.
        const migrator = new Migrator({
          db,
          provider: {
            getMigrations: () =>
              Promise.resolve({
                '0001-core': migration0001Core,
                '0002-coordination': migration0002Coordination,
              }),
          },
        });
        expect((await migrator.migrateToLatest()).error).toBeUndefined();
        await sql`insert into work_types (id, domain_id, name, description, required_skills,
            expected_duration_seconds, sla_seconds, max_attempts)
          values ('ticket', 'ops', 'Ticket', '', '{}', 5400, 14400, 3)`.execute(db);
        const item = (id: string, state: string, owner: string | null, lease: string | null) =>
          sql`insert into work_items (id, type_id, title, payload, value, due_at, priority_class,
              priority, state, owner_id, offered_to, lease_expires_at, attempts, failed_by,
              declined_by, version, created_at, updated_at)
            values (${id}, 'ticket', 'a ticket', '{}', 1, null, 'normal', 10, ${state}, ${owner},
              null, ${lease}, 0, '[]', '[]', 1, '2026-01-01T00:00:00.000Z',
              '2026-01-01T00:00:00.000Z')`.execute(db);
        await item('w_queued', 'queued', null, null);
        await item('w_busy', 'in_progress', 'ann', '2026-01-01T02:00:00.000Z');
        await sql`insert into events (seq, time, type, actor, subject, payload, prev_hash, hash)
          values (1, '2026-01-01T01:00:00.000Z', 'coordination.work.started', 'ann', 'w_busy',
            '{}', 'x', 'y')`.execute(db);

        const report = await migrateToLatest(db);
        expect(report.applied[0]).toBe('0003-learning');
        const rows = await db
          .selectFrom('work_items')
          .select(['id', 'priority', 'started_at'])
          .orderBy('id')
          .execute();
        // 1.5 expected hours at 2 points each left the key.
        expect(rows).toEqual([
          { id: 'w_busy', priority: 7, started_at: '2026-01-01T01:00:00.000Z' },
          { id: 'w_queued', priority: 7, started_at: null },
        ]);
        const learned = await sql<{ n: number }>`select count(*) as n from work_stats`.execute(db);
        expect(Number(learned.rows[0]?.n)).toBe(0);
      } finally {
        await db.destroy();
      }
    });
  });
}
