import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { WorkItem } from '../../src/core/model.js';
import { SYSTEM } from '../../src/core/principal.js';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import {
  beforeAllOrFail,
  DIALECTS,
  disposeOpened,
  openTestControlPlane,
  type TestControlPlane,
} from '../support/dialects.js';
import {
  allWork,
  createTicket,
  eventsAbout,
  expectDomainError,
  itemIn,
  seedOrg,
} from './fixtures.js';

for (const dialect of DIALECTS) {
  describe(`dependencies [${dialect}]`, () => {
    let t: TestControlPlane;
    let cp: ControlPlane;

    beforeAllOrFail(async () => {
      t = await openTestControlPlane(dialect, { clock: new ManualClock() });
      cp = t.cp;
      await seedOrg(cp);
    });
    afterAll(disposeOpened);

    const finish = async (item: WorkItem) => {
      await cp.transitionWork(SYSTEM, item.id, 'assign', { actorId: 'ann' });
      await cp.transitionWork(SYSTEM, item.id, 'start');
      return cp.transitionWork(SYSTEM, item.id, 'complete');
    };

    /** Everything observable about some items and the log, to show a refusal changed nothing. */
    const snapshot = async (...ids: string[]) => ({
      items: await Promise.all(ids.map((id) => cp.getWork(SYSTEM, id))),
      seq: await cp.latestSeq(SYSTEM),
    });

    it('creates an item blocked while a dependency is unfinished, queued when all are done', async () => {
      const open = await createTicket(cp);
      const done = await finish(await createTicket(cp));

      const waiting = await createTicket(cp, [open.id, done.id]);
      expect(waiting).toMatchObject({
        state: 'blocked',
        ownerId: null,
        dependsOn: [open.id, done.id].sort(),
      });
      const ready = await createTicket(cp, [done.id]);
      expect(ready.state).toBe('queued');

      for (const [item, state] of [
        [waiting, 'blocked'],
        [ready, 'queued'],
      ] as const) {
        const stored = await cp.getWork(SYSTEM, item.id);
        expect(stored.state).toBe(state);
        expect(stored.history).toHaveLength(1);
        expect(stored.history[0]).toMatchObject({
          type: 'coordination.work.created',
          payload: { state },
        });
      }
    });

    it('unblocks an item automatically when its last prerequisite completes, in the same transaction', async () => {
      const first = await createTicket(cp);
      const second = await createTicket(cp);
      const waiting = await createTicket(cp, [first.id, second.id]);

      await finish(first);
      expect((await cp.getWork(SYSTEM, waiting.id)).state).toBe('blocked');

      await cp.transitionWork(SYSTEM, second.id, 'assign', { actorId: 'bob' });
      await cp.transitionWork(SYSTEM, second.id, 'start');
      const seqBefore = await cp.latestSeq(SYSTEM);
      await cp.transitionWork(SYSTEM, second.id, 'complete');

      const stored = await cp.getWork(SYSTEM, waiting.id);
      expect(stored).toMatchObject({
        state: 'queued',
        ownerId: null,
        version: waiting.version + 1,
      });
      expect(stored.history.at(-1)).toMatchObject({
        type: 'coordination.work.unblocked',
        seq: seqBefore + 2,
        payload: { action: 'unblock', from: 'blocked', to: 'queued', ownerId: null },
      });
      // The completion and the unblocking are one commit: adjacent events with one timestamp.
      const completed = (await eventsAbout(cp, second.id)).at(-1);
      expect(completed).toMatchObject({
        type: 'coordination.work.completed',
        seq: seqBefore + 1,
        time: stored.history.at(-1)?.time,
      });
    });

    it('does not unblock an item that is paused or still waits on something else', async () => {
      const prerequisite = await createTicket(cp);
      const other = await createTicket(cp);
      const paused = await createTicket(cp, [prerequisite.id]);
      await cp.transitionWork(SYSTEM, paused.id, 'pause');
      const stillWaiting = await createTicket(cp, [prerequisite.id, other.id]);

      await finish(prerequisite);

      expect((await cp.getWork(SYSTEM, paused.id)).state).toBe('paused');
      expect((await cp.getWork(SYSTEM, stillWaiting.id)).state).toBe('blocked');
      // Resumed once its dependency is done, it goes to the queue, not back to blocked.
      expect((await cp.transitionWork(SYSTEM, paused.id, 'resume')).state).toBe('queued');
    });

    it('blocks a queued item that gains an unfinished dependency', async () => {
      const prerequisite = await createTicket(cp);
      const item = await createTicket(cp);
      const seqBefore = await cp.latestSeq(SYSTEM);

      const after = await cp.addDependency(SYSTEM, item.id, prerequisite.id);

      expect(after).toMatchObject({
        state: 'blocked',
        dependsOn: [prerequisite.id],
        version: item.version + 2,
      });
      const history = await eventsAbout(cp, item.id);
      expect(history.slice(-2).map((e) => [e.seq, e.type])).toEqual([
        [seqBefore + 1, 'coordination.work.dependency_added'],
        [seqBefore + 2, 'coordination.work.blocked'],
      ]);
      await finish(prerequisite);
      expect((await cp.getWork(SYSTEM, item.id)).state).toBe('queued');
    });

    it('sends a released item that waits on unfinished work back to blocked, not to the queue', async () => {
      // Queued means "can start" (createWork); resume and retry re-check dependencies, release must too,
      // or the item can be assigned and finished before what it waits on.
      const prerequisite = await createTicket(cp);
      const item = await itemIn(cp, 'assigned');
      await cp.addDependency(SYSTEM, item.id, prerequisite.id);
      const released = await cp.transitionWork(SYSTEM, item.id, 'release');
      expect(released).toMatchObject({ state: 'blocked', ownerId: null });
      expect((await cp.getWork(SYSTEM, item.id)).state).toBe('blocked');
    });

    it('rejects the edge that closes a cycle, naming the cycle, and changes nothing', async () => {
      const a = await createTicket(cp);
      const b = await createTicket(cp);
      const c = await createTicket(cp);
      await cp.addDependency(SYSTEM, a.id, b.id);
      await cp.addDependency(SYSTEM, b.id, c.id);
      const before = await snapshot(a.id, b.id, c.id);

      const error = await expectDomainError(
        cp.addDependency(SYSTEM, c.id, a.id),
        'dependency_cycle',
      );

      expect(error.details.cycle).toEqual([c.id, a.id, b.id, c.id]);
      expect(await snapshot(a.id, b.id, c.id)).toEqual(before);
    });

    it('rejects a self-dependency and changes nothing', async () => {
      const a = await createTicket(cp);
      const before = await snapshot(a.id);
      const error = await expectDomainError(
        cp.addDependency(SYSTEM, a.id, a.id),
        'dependency_cycle',
      );
      expect(error.details.cycle).toEqual([a.id, a.id]);
      expect(await snapshot(a.id)).toEqual(before);
    });

    it('rejects unknown, duplicate and too-late dependencies and changes nothing', async () => {
      const prerequisite = await createTicket(cp);
      const item = await createTicket(cp, [prerequisite.id]);
      const finished = await itemIn(cp, 'done');
      const before = await snapshot(prerequisite.id, item.id, finished.id);
      const count = (await allWork(cp)).length;

      await expectDomainError(cp.addDependency(SYSTEM, item.id, 'w_missing'), 'unknown_reference');
      await expectDomainError(cp.addDependency(SYSTEM, item.id, prerequisite.id), 'conflict');
      await expectDomainError(cp.addDependency(SYSTEM, finished.id, prerequisite.id), 'conflict');
      await expectDomainError(cp.addDependency(SYSTEM, 'w_missing', prerequisite.id), 'not_found');
      await expectDomainError(
        createTicket(cp, [prerequisite.id, 'w_missing']),
        'unknown_reference',
      );

      expect(await snapshot(prerequisite.id, item.id, finished.id)).toEqual(before);
      expect(await allWork(cp)).toHaveLength(count);
    });
  });

  describe(`capacity and availability [${dialect}]`, () => {
    let t: TestControlPlane;
    let cp: ControlPlane;

    beforeAllOrFail(async () => {
      t = await openTestControlPlane(dialect, { clock: new ManualClock() });
      cp = t.cp;
      await seedOrg(cp, [
        { id: 'ann', kind: 'human', name: 'Ann', domains: ['ops'], capacity: 10 },
        { id: 'cat', kind: 'human', name: 'Cat', domains: ['ops'], capacity: 1 },
        { id: 'dan', kind: 'agent', name: 'Dan', domains: ['ops'], capacity: 2 },
      ]);
    });
    afterAll(disposeOpened);

    it('refuses an assignment beyond the actor’s capacity, counting assigned and in-progress items', async () => {
      const first = await itemIn(cp, 'in_progress', 'dan');
      await itemIn(cp, 'assigned', 'dan');
      const third = await createTicket(cp);
      const seqBefore = await cp.latestSeq(SYSTEM);

      const error = await expectDomainError(
        cp.transitionWork(SYSTEM, third.id, 'assign', { actorId: 'dan' }),
        'capacity_exceeded',
      );

      expect(error.details).toMatchObject({ held: 2, capacity: 2 });
      expect(await cp.getWork(SYSTEM, third.id)).toMatchObject({
        state: 'queued',
        ownerId: null,
        version: third.version,
      });
      expect(await cp.latestSeq(SYSTEM)).toBe(seqBefore);
      expect((await cp.getActor(SYSTEM, 'dan')).held).toBe(2);

      // Finishing one frees a place.
      await cp.transitionWork(SYSTEM, first.id, 'complete');
      expect(await cp.transitionWork(SYSTEM, third.id, 'assign', { actorId: 'dan' })).toMatchObject(
        { ownerId: 'dan' },
      );
    });

    it('refuses to accept an offer beyond capacity', async () => {
      const held = await itemIn(cp, 'assigned', 'cat');
      const offered = await itemIn(cp, 'offered', 'cat');
      await expectDomainError(cp.transitionWork(SYSTEM, offered.id, 'assign'), 'capacity_exceeded');
      expect((await cp.getWork(SYSTEM, offered.id)).state).toBe('offered');
      await cp.transitionWork(SYSTEM, held.id, 'release');
      expect(await cp.transitionWork(SYSTEM, offered.id, 'assign')).toMatchObject({
        state: 'assigned',
        ownerId: 'cat',
      });
      await cp.transitionWork(SYSTEM, offered.id, 'release');
    });

    it('refuses to offer or assign to an offline actor, with conflict', async () => {
      const item = await createTicket(cp);
      await cp.setActorStatus(SYSTEM, 'ann', 'offline');
      try {
        const seqBefore = await cp.latestSeq(SYSTEM);
        for (const action of ['assign', 'offer'] as const) {
          const error = await expectDomainError(
            cp.transitionWork(SYSTEM, item.id, action, { actorId: 'ann' }),
            'conflict',
          );
          expect(error.details).toMatchObject({ actorStatus: 'offline' });
        }
        expect(await cp.getWork(SYSTEM, item.id)).toMatchObject({
          state: 'queued',
          version: item.version,
        });
        expect(await cp.latestSeq(SYSTEM)).toBe(seqBefore);
      } finally {
        await cp.setActorStatus(SYSTEM, 'ann', 'available');
      }
      expect(await cp.transitionWork(SYSTEM, item.id, 'assign', { actorId: 'ann' })).toMatchObject({
        ownerId: 'ann',
      });
    });

    it('records a change of actor status as one event, and a repeat as none', async () => {
      const seqBefore = await cp.latestSeq(SYSTEM);
      await cp.setActorStatus(SYSTEM, 'cat', 'away');
      await cp.setActorStatus(SYSTEM, 'cat', 'away');
      const events = await eventsAbout(cp, 'cat');
      expect(await cp.latestSeq(SYSTEM)).toBe(seqBefore + 1);
      expect(events.at(-1)).toMatchObject({
        type: 'coordination.actor.status_changed',
        payload: { from: 'available', to: 'away' },
      });
      expect((await cp.getActor(SYSTEM, 'cat')).status).toBe('away');
      await cp.setActorStatus(SYSTEM, 'cat', 'available');
    });
  });
}
