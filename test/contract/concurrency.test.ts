import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { DomainError } from '../../src/core/errors.js';
import type { WorkItem } from '../../src/core/model.js';
import { SYSTEM } from '../../src/core/principal.js';
import { ControlPlane } from '../../src/runtime/control-plane.js';
import {
  beforeAllOrFail,
  DIALECTS,
  disposeOpened,
  openTestControlPlane,
  type TestControlPlane,
} from '../support/dialects.js';
import { allEvents, allWork, createTicket, eventsAbout, seedOrg } from './fixtures.js';

const ROUNDS = 8;

function codeOf(outcome: PromiseSettledResult<unknown>): string {
  if (outcome.status === 'fulfilled') return 'ok';
  const reason: unknown = outcome.reason;
  if (reason instanceof DomainError) return reason.code;
  throw reason;
}

for (const dialect of DIALECTS) {
  describe(`concurrent writers [${dialect}]`, () => {
    let t: TestControlPlane;
    /**
     * Who races `t.cp`. On PostgreSQL a second control plane on the same database: another node,
     * with its own connection pool. On SQLite the same one: better-sqlite3 waits for a lock by
     * blocking the thread, so two connections in one process would deadlock until busy_timeout;
     * one process's writers serialize on Kysely's single connection instead.
     */
    let other: ControlPlane;
    let secondNode: ControlPlane | null = null;

    beforeAllOrFail(async () => {
      const clock = new ManualClock();
      t = await openTestControlPlane(dialect, { clock });
      if (dialect === 'postgres') {
        secondNode = await ControlPlane.open({ databaseUrl: t.url, leaseSeconds: 300 }, { clock });
      }
      other = secondNode ?? t.cp;
      await seedOrg(t.cp, [
        { id: 'ann', kind: 'human', name: 'Ann', domains: ['ops'], capacity: 1000 },
        { id: 'bob', kind: 'agent', name: 'Bob', domains: ['ops'], capacity: 1000 },
        { id: 'cat', kind: 'agent', name: 'Cat', domains: ['ops'], capacity: 1 },
      ]);
    });
    afterAll(async () => {
      try {
        await secondNode?.close();
      } finally {
        await disposeOpened();
      }
    });

    it('lets exactly one of two simultaneous assignments of one item win', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const item = await createTicket(t.cp);
        const outcomes = await Promise.allSettled([
          t.cp.transitionWork(SYSTEM, item.id, 'assign', { actorId: 'ann' }),
          other.transitionWork(SYSTEM, item.id, 'assign', { actorId: 'bob' }),
        ]);
        const codes = outcomes.map(codeOf);
        expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
        const loser = codes.find((c) => c !== 'ok');
        if (dialect === 'sqlite') {
          // One writer at a time: the second sees the item already assigned.
          expect(loser).toBe('illegal_transition');
        } else {
          expect(['conflict', 'illegal_transition']).toContain(loser);
        }
        const winner = outcomes.find(
          (o): o is PromiseFulfilledResult<WorkItem> => o.status === 'fulfilled',
        )?.value;
        const stored = await t.cp.getWork(SYSTEM, item.id);
        expect(stored).toMatchObject({
          state: 'assigned',
          ownerId: winner?.ownerId,
          version: 2,
          attempts: 1,
        });
        expect(stored.history.map((e) => e.type)).toEqual([
          'coordination.work.created',
          'coordination.work.assigned',
        ]);
        expect(stored.history[1]?.payload).toMatchObject({ ownerId: winner?.ownerId });
      }
      expect((await t.cp.verifyAudit(SYSTEM)).ok).toBe(true);
    });

    it('never lets simultaneous assignments of different items overfill an actor', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const first = await createTicket(t.cp);
        const second = await createTicket(t.cp);
        const outcomes = await Promise.allSettled([
          t.cp.transitionWork(SYSTEM, first.id, 'assign', { actorId: 'cat' }),
          other.transitionWork(SYSTEM, second.id, 'assign', { actorId: 'cat' }),
        ]);
        expect(outcomes.map(codeOf).sort()).toEqual(['capacity_exceeded', 'ok']);
        expect((await t.cp.getActor(SYSTEM, 'cat')).held).toBe(1);
        const held = await t.cp.listWork(SYSTEM, { ownerId: 'cat', limit: 10 });
        expect(held).toHaveLength(1);
        await t.cp.transitionWork(SYSTEM, (held[0] as WorkItem).id, 'release');
      }
    });

    it('keeps one gapless, verifiable chain under many simultaneous writers', async () => {
      const seqBefore = await t.cp.latestSeq(SYSTEM);
      const items = await Promise.all(
        Array.from({ length: 12 }, (_, i) => createTicket(i % 2 === 0 ? t.cp : other)),
      );
      await Promise.all(
        items.map((item, i) =>
          (i % 2 === 0 ? other : t.cp).transitionWork(SYSTEM, item.id, 'offer', { actorId: 'bob' }),
        ),
      );
      const events = (await allEvents(t.cp)).filter((e) => e.seq > seqBefore);
      expect(events.map((e) => e.seq)).toEqual(
        Array.from({ length: 24 }, (_, i) => seqBefore + i + 1),
      );
      for (const item of items) {
        expect((await eventsAbout(t.cp, item.id)).map((e) => e.type)).toEqual([
          'coordination.work.created',
          'coordination.work.offered',
        ]);
      }
      expect(await t.cp.verifyAudit(SYSTEM)).toMatchObject({ ok: true, lastSeq: seqBefore + 24 });
      expect((await allWork(t.cp)).filter((w) => w.state === 'offered')).toHaveLength(12);
    });
  });
}
