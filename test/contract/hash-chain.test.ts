import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { hashEvent } from '../../src/core/hash-chain.js';
import { SYSTEM } from '../../src/core/principal.js';
import { verifyAuditLog } from '../../src/supervision/verify-audit-log.js';
import { toStoredEvent } from '../../src/store/sql-event-log.js';
import {
  DIALECTS,
  disposeOpened,
  openTestControlPlane,
  openTestStore,
  type TestControlPlane,
} from '../support/dialects.js';
import { allEvents, createTicket, seedOrg } from './fixtures.js';

for (const dialect of DIALECTS) {
  describe(`hash chain [${dialect}]`, () => {
    const clock = new ManualClock('2026-04-01T08:00:00.000Z');
    let t: TestControlPlane;
    /** Sequence number of the newest event once the log is seeded. */
    let last: number;

    beforeEach(async () => {
      t = await openTestControlPlane(dialect, { clock });
      await seedOrg(t.cp);
      for (let i = 0; i < 3; i += 1) {
        clock.advance(1000);
        const item = await createTicket(t.cp);
        await t.cp.transitionWork(SYSTEM, item.id, 'assign', {
          actorId: i % 2 === 0 ? 'ann' : 'bob',
        });
      }
      last = await t.cp.latestSeq(SYSTEM);
      expect(last).toBeGreaterThanOrEqual(10);
    });
    afterEach(disposeOpened);

    const verify = () => t.cp.verifyAudit(SYSTEM);
    const problemOf = async () => (await verify()).problem;
    const middle = () => Math.floor(last / 2);

    it('verifies a clean log end to end', async () => {
      expect(await verify()).toEqual({ ok: true, checked: last, lastSeq: last, problem: null });
      const events = await allEvents(t.cp);
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: last }, (_, i) => i + 1));
      for (const [i, event] of events.entries()) {
        expect(event.prevHash).toBe(i === 0 ? '0'.repeat(64) : events[i - 1]?.hash);
        expect(event.hash).toBe(hashEvent(event.prevHash, event));
      }
    });

    it('detects an edited payload at its sequence number', async () => {
      const seq = middle();
      await t
        .db()
        .updateTable('events')
        .set({ payload: '{"tampered":true}' })
        .where('seq', '=', seq)
        .execute();
      expect(await problemOf()).toMatchObject({ kind: 'hash_mismatch', seq });
    });

    it('detects an edited actor, time or type', async () => {
      const edits = [
        { actor: 'mallory' },
        { time: '2020-01-01T00:00:00.000Z' },
        { type: 'coordination.work.cancelled' },
      ];
      for (const [i, edit] of edits.entries()) {
        const seq = i + 2;
        const original = await t
          .db()
          .selectFrom('events')
          .selectAll()
          .where('seq', '=', seq)
          .executeTakeFirstOrThrow();
        await t.db().updateTable('events').set(edit).where('seq', '=', seq).execute();
        expect(await problemOf()).toMatchObject({ kind: 'hash_mismatch', seq });
        await t.db().updateTable('events').set(original).where('seq', '=', seq).execute();
      }
      expect((await verify()).ok).toBe(true);
    });

    it('detects an edit whose hash was recomputed, at the next link', async () => {
      const seq = middle();
      const row = await t
        .db()
        .selectFrom('events')
        .selectAll()
        .where('seq', '=', seq)
        .executeTakeFirstOrThrow();
      const forged = { ...toStoredEvent(row), payload: { tampered: true } };
      const hash = hashEvent(forged.prevHash, forged);
      await t
        .db()
        .updateTable('events')
        .set({ payload: '{"tampered":true}', hash })
        .where('seq', '=', seq)
        .execute();
      expect(await problemOf()).toMatchObject({ kind: 'prev_hash_mismatch', seq: seq + 1 });
    });

    it('detects a deleted event in the middle as missing at its sequence number', async () => {
      const seq = middle();
      await t.db().deleteFrom('events').where('seq', '=', seq).execute();
      expect(await verify()).toMatchObject({
        ok: false,
        checked: seq - 1,
        problem: { kind: 'missing', seq },
      });
    });

    it('detects a deleted first event', async () => {
      await t.db().deleteFrom('events').where('seq', '=', 1).execute();
      expect(await problemOf()).toMatchObject({ kind: 'missing', seq: 1 });
    });

    it('detects a deleted last event through the recorded head', async () => {
      await t.db().deleteFrom('events').where('seq', '=', last).execute();
      const result = await verify();
      expect(result).toMatchObject({ ok: false, checked: last - 1, problem: { seq: last } });
      expect(['missing', 'head_mismatch']).toContain(result.problem?.kind);
    });

    it('detects a swapped pair of events at the first of them', async () => {
      const seq = middle();
      const db = t.db();
      await db.updateTable('events').set({ seq: -1 }).where('seq', '=', seq).execute();
      await db
        .updateTable('events')
        .set({ seq })
        .where('seq', '=', seq + 1)
        .execute();
      await db
        .updateTable('events')
        .set({ seq: seq + 1 })
        .where('seq', '=', -1)
        .execute();
      const problem = await problemOf();
      expect(problem?.seq).toBe(seq);
      expect(['prev_hash_mismatch', 'hash_mismatch']).toContain(problem?.kind);
    });

    it('detects an event appended behind the store’s back', async () => {
      const row = await t
        .db()
        .selectFrom('events')
        .selectAll()
        .where('seq', '=', last)
        .executeTakeFirstOrThrow();
      const fields = { ...toStoredEvent(row), seq: last + 1, actor: 'mallory' };
      const hash = hashEvent(row.hash, fields);
      await t
        .db()
        .insertInto('events')
        .values({ ...row, seq: last + 1, actor: 'mallory', prev_hash: row.hash, hash })
        .execute();
      expect(await problemOf()).toMatchObject({ kind: 'head_mismatch', seq: last + 1 });
    });

    it('keeps verifying as writes continue after a clean check', async () => {
      expect((await verify()).ok).toBe(true);
      await createTicket(t.cp);
      expect(await verify()).toMatchObject({ ok: true, lastSeq: last + 1 });
    });
  });

  describe(`verifyAuditLog on the raw store [${dialect}]`, () => {
    it('is ok on an empty log and reports a head that points past the log', async () => {
      const t = await openTestStore(dialect);
      try {
        expect(await verifyAuditLog(t.store.read.events)).toEqual({
          ok: true,
          checked: 0,
          lastSeq: 0,
          problem: null,
        });
        await t.db.updateTable('event_chain_head').set({ seq: 1 }).where('id', '=', 1).execute();
        expect((await verifyAuditLog(t.store.read.events)).problem).toMatchObject({
          kind: 'missing',
          seq: 1,
        });
      } finally {
        await t.dispose();
      }
    });
  });
}
