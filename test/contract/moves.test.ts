import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { StoredEvent } from '../../src/core/events.js';
import { TERMINAL_STATES, type PriorityClass, type WorkItem } from '../../src/core/model.js';
import { orgConfigSchema, toOrgModel, type OrgConfigInput } from '../../src/core/org-config.js';
import { SYSTEM } from '../../src/core/principal.js';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import {
  beforeAllOrFail,
  DIALECTS,
  disposeOpened,
  openTestControlPlane,
} from '../support/dialects.js';
import { allEvents, allWork, eventsAbout } from './fixtures.js';

/**
 * Three pull actors who can all do tickets (three attempts) and chores (maxAttempts left to its
 * default), and a push actor.
 */
const MOVES_ORG: OrgConfigInput = {
  apiVersion: 'autonomy/v1',
  kind: 'Organization',
  metadata: { name: 'Moves' },
  domains: [{ id: 'ops', name: 'Operations' }],
  actors: ['ann', 'bob', 'cat'].map((id) => ({
    id,
    kind: 'human' as const,
    name: id,
    domains: ['ops'],
    skills: { triage: 2 },
    capacity: 10,
  })),
  workTypes: [
    {
      id: 'ticket',
      domain: 'ops',
      name: 'Ticket',
      requiredSkills: { triage: 2 },
      expectedDuration: '30m',
      sla: '4h',
      maxAttempts: 3,
    },
    { id: 'chore', domain: 'ops', name: 'Chore', expectedDuration: '30m', sla: '4h' },
  ],
};
(MOVES_ORG.actors ?? []).push({
  id: 'pat',
  kind: 'agent',
  name: 'pat',
  domains: ['ops'],
  skills: { triage: 2 },
  capacity: 10,
  mode: 'push',
});

const reasonOf = (event: StoredEvent | undefined) =>
  (event?.payload as { reason?: string } | undefined)?.reason ?? '';

for (const dialect of DIALECTS) {
  describe(`moving work [${dialect}]`, () => {
    const clock = new ManualClock('2026-03-02T09:00:00.000Z');
    let cp: ControlPlane;

    beforeAllOrFail(async () => {
      cp = (await openTestControlPlane(dialect, { clock })).cp;
      const result = await cp.applyConfig(
        SYSTEM,
        toOrgModel(orgConfigSchema.parse(MOVES_ORG)),
        'test',
      );
      expect(result.applied).toBe(true);
    });
    beforeEach(async () => {
      // Each test starts with nothing open and everyone available.
      for (const item of await allWork(cp)) {
        if (!TERMINAL_STATES.includes(item.state))
          await cp.transitionWork(SYSTEM, item.id, 'cancel');
      }
      for (const actor of await cp.listActors(SYSTEM)) {
        await cp.setActorStatus(SYSTEM, actor.id, 'available');
      }
    });
    afterAll(disposeOpened);

    const create = (
      options: { typeId?: string; priorityClass?: PriorityClass; dependsOn?: string[] } = {},
    ) =>
      cp.createWork(SYSTEM, {
        typeId: options.typeId ?? 'ticket',
        title: 'work',
        priorityClass: options.priorityClass ?? 'normal',
        dependsOn: options.dependsOn ?? [],
      });
    const get = (id: string) => cp.getWork(SYSTEM, id);
    const act = (
      id: string,
      action: Parameters<ControlPlane['transitionWork']>[2],
      actorId?: string,
    ) => cp.transitionWork(SYSTEM, id, action, actorId === undefined ? {} : { actorId });
    const claim = async (actorId: string): Promise<WorkItem> => {
      const outcome = await cp.claimWork(SYSTEM, actorId);
      if (outcome.claimed === null) throw new Error(`nothing claimed: ${outcome.message}`);
      return outcome.claimed;
    };
    const claimsNothing = async (actorId: string) => {
      const outcome = await cp.claimWork(SYSTEM, actorId);
      expect(outcome.claimed?.id ?? null, actorId).toBeNull();
    };
    const eventsSince = async (seq: number) => (await allEvents(cp)).filter((e) => e.seq > seq);

    describe('an actor going offline', () => {
      it('gives back everything it holds or is offered, with its status change in one transaction', async () => {
        const assigned = await act((await create()).id, 'assign', 'ann');
        const started = await act((await act((await create()).id, 'assign', 'ann')).id, 'start');
        const offered = await act((await create()).id, 'offer', 'ann');
        const bobs = await act((await create()).id, 'assign', 'bob');
        expect((await cp.getActor(SYSTEM, 'ann')).held).toBe(2);

        const batches: (readonly StoredEvent[])[] = [];
        const unsubscribe = cp.bus.subscribe((events) => batches.push(events));
        const before = await cp.latestSeq(SYSTEM);
        try {
          const actor = await cp.setActorStatus(SYSTEM, 'ann', 'offline');
          expect(actor.status).toBe('offline');
        } finally {
          unsubscribe();
        }

        for (const item of [assigned, started, offered]) {
          expect(await get(item.id), item.state).toMatchObject({
            state: 'queued',
            ownerId: null,
            offeredTo: null,
            leaseExpiresAt: null,
          });
        }
        expect(await get(bobs.id)).toMatchObject({ state: 'assigned', ownerId: 'bob' });
        expect(await cp.getActor(SYSTEM, 'ann')).toMatchObject({ status: 'offline', held: 0 });

        const events = await eventsSince(before);
        expect(events.map((e) => e.type)).toEqual([
          'coordination.actor.status_changed',
          'coordination.work.released',
          'coordination.work.released',
          'coordination.work.released',
        ]);
        expect(events[0]).toMatchObject({
          subject: 'ann',
          payload: { from: 'available', to: 'offline' },
        });
        const released = events.slice(1);
        expect(released.map((e) => e.subject).sort()).toEqual(
          [assigned.id, started.id, offered.id].sort(),
        );
        for (const event of released) {
          const from = [assigned, started, offered].find((i) => i.id === event.subject)?.state;
          expect(event.payload).toMatchObject({ action: 'release', from, to: 'queued' });
          expect(reasonOf(event)).toMatch(/went offline/);
          expect(reasonOf(event)).toContain("'ann'");
        }
        // One commit: the status change and every release were published together.
        expect(batches).toHaveLength(1);
        expect(batches[0]?.map((e) => e.seq)).toEqual(events.map((e) => e.seq));

        // The work is free for others at once; ann gets nothing while offline.
        const outcome = await cp.claimWork(SYSTEM, 'ann');
        expect(outcome).toMatchObject({ claimed: null, reason: 'actor_unavailable' });
        const taken = await claim('bob');
        expect([assigned.id, started.id, offered.id]).toContain(taken.id);
      });

      it('sends an item that waits on unfinished work to blocked instead of the queue', async () => {
        const held = await act((await create()).id, 'assign', 'ann');
        const prerequisite = await create();
        // A dependency added while the item is held leaves it with its owner...
        expect(await cp.addDependency(SYSTEM, held.id, prerequisite.id)).toMatchObject({
          state: 'assigned',
          ownerId: 'ann',
        });
        const before = await cp.latestSeq(SYSTEM);
        await cp.setActorStatus(SYSTEM, 'ann', 'offline');

        // ...but given back, it waits.
        expect(await get(held.id)).toMatchObject({ state: 'blocked', ownerId: null });
        const events = (await eventsSince(before)).filter((e) => e.subject === held.id);
        expect(events.map((e) => e.type)).toEqual([
          'coordination.work.released',
          'coordination.work.blocked',
        ]);
        expect(reasonOf(events[0])).toMatch(/went offline/);
        expect(events[1]?.payload).toMatchObject({
          from: 'queued',
          to: 'blocked',
          waitingOn: [prerequisite.id],
        });

        // When the prerequisite is done, it comes back to the queue.
        await act(prerequisite.id, 'assign', 'bob');
        await act(prerequisite.id, 'start');
        await act(prerequisite.id, 'complete');
        expect(await get(held.id)).toMatchObject({ state: 'queued' });
      });

      it('withdraws the open offers of a push actor', async () => {
        const item = await create();
        const [offer] = await cp.dispatchOffers();
        expect(offer).toMatchObject({ id: item.id, offeredTo: 'pat' });
        const before = await cp.latestSeq(SYSTEM);
        await cp.setActorStatus(SYSTEM, 'pat', 'offline');
        expect(await get(item.id)).toMatchObject({ state: 'queued', offeredTo: null });
        const events = await eventsSince(before);
        expect(events.map((e) => e.type)).toEqual([
          'coordination.actor.status_changed',
          'coordination.work.released',
        ]);
        expect(events[1]?.payload).toMatchObject({ from: 'offered', to: 'queued' });
        expect(reasonOf(events[1])).toMatch(/'pat' went offline/);
        // Nobody is left to offer it to; a pull actor can claim it.
        expect(await cp.dispatchOffers()).toEqual([]);
        expect((await claim('bob')).id).toBe(item.id);
      });

      it('a withdrawn offer is not a decline: back online, the actor is offered the item again', async () => {
        const item = await create();
        expect((await cp.dispatchOffers()).map((o) => o.offeredTo)).toEqual(['pat']);
        await cp.setActorStatus(SYSTEM, 'pat', 'offline');
        await cp.heartbeat(SYSTEM, 'pat');
        expect((await cp.getActor(SYSTEM, 'pat')).status).toBe('available');
        expect(await get(item.id)).toMatchObject({ state: 'queued', declinedBy: [] });
        expect(await cp.dispatchOffers()).toEqual([
          expect.objectContaining({ id: item.id, offeredTo: 'pat' }),
        ]);
      });

      it('going away moves nothing, it only stops new work', async () => {
        const assigned = await act((await create()).id, 'assign', 'ann');
        const started = await act((await act((await create()).id, 'assign', 'ann')).id, 'start');
        const offered = await act((await create()).id, 'offer', 'ann');
        await create();
        const before = await cp.latestSeq(SYSTEM);

        await cp.setActorStatus(SYSTEM, 'ann', 'away');
        const events = await eventsSince(before);
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({
          type: 'coordination.actor.status_changed',
          subject: 'ann',
          payload: { from: 'available', to: 'away' },
        });
        for (const item of [assigned, started, offered]) {
          const now = await get(item.id);
          expect(now).toMatchObject({
            state: item.state,
            ownerId: item.ownerId,
            offeredTo: item.offeredTo,
            leaseExpiresAt: item.leaseExpiresAt,
            version: item.version,
          });
        }
        expect(await cp.claimWork(SYSTEM, 'ann')).toMatchObject({
          claimed: null,
          reason: 'actor_unavailable',
        });
        // The same status again is no change and writes nothing.
        await cp.setActorStatus(SYSTEM, 'ann', 'away');
        expect(await cp.latestSeq(SYSTEM)).toBe(before + 1);
      });
    });

    describe('retries', () => {
      it('a failed attempt goes back to the queue, remembering who failed it', async () => {
        const item = await create();
        expect((await claim('ann')).id).toBe(item.id);
        const before = await cp.latestSeq(SYSTEM);

        const failed = await act(item.id, 'fail');
        expect(failed).toMatchObject({
          state: 'queued',
          ownerId: null,
          leaseExpiresAt: null,
          attempts: 1,
          failedBy: ['ann'],
        });
        expect(await get(item.id)).toMatchObject({ state: 'queued', failedBy: ['ann'] });
        const events = await eventsSince(before);
        expect(events.map((e) => e.type)).toEqual([
          'coordination.work.failed',
          'coordination.work.retried',
        ]);
        expect(events[0]?.payload).toMatchObject({ from: 'assigned', to: 'failed', ownerId: null });
        expect(events[1]?.payload).toMatchObject({ from: 'failed', to: 'queued' });
        expect(reasonOf(events[1])).toMatch(/attempt 1 of 3/);
      });

      it("claims by an actor who failed an item pass over it; another actor's claim gets it", async () => {
        const first = await create({ priorityClass: 'high' });
        const second = await create({ priorityClass: 'low' });
        expect((await claim('ann')).id).toBe(first.id);
        await act(first.id, 'start');
        await act(first.id, 'fail');

        // The better item is queued again, but not for ann.
        expect((await claim('ann')).id).toBe(second.id);
        await claimsNothing('ann');
        const bobs = await claim('bob');
        expect(bobs).toMatchObject({ id: first.id, ownerId: 'bob', attempts: 2 });
      });

      it('after the last allowed failure it stays failed with a retries_exhausted event', async () => {
        const item = await create();
        for (const actorId of ['ann', 'bob']) {
          expect((await claim(actorId)).id).toBe(item.id);
          expect(await act(item.id, 'fail')).toMatchObject({ state: 'queued' });
        }
        await claimsNothing('ann');
        await claimsNothing('bob');
        expect((await claim('cat')).id).toBe(item.id);
        await act(item.id, 'start');
        const before = await cp.latestSeq(SYSTEM);

        const failed = await act(item.id, 'fail');
        expect(failed).toMatchObject({
          state: 'failed',
          attempts: 3,
          failedBy: ['ann', 'bob', 'cat'],
        });
        expect(await get(item.id)).toMatchObject({ state: 'failed' });
        const events = await eventsSince(before);
        expect(events.map((e) => e.type)).toEqual([
          'coordination.work.failed',
          'coordination.work.retries_exhausted',
        ]);
        expect(events[1]).toMatchObject({
          subject: item.id,
          actor: 'system',
          payload: { attempts: 3, maxAttempts: 3, failedBy: ['ann', 'bob', 'cat'] },
        });

        // A person can still retry it by hand...
        expect(await act(item.id, 'retry')).toMatchObject({ state: 'queued' });
        expect((await eventsAbout(cp, item.id)).at(-1)?.type).toBe('coordination.work.retried');
        // ...claims still pass over it for those who failed it...
        for (const actorId of ['ann', 'bob', 'cat']) await claimsNothing(actorId);
        // ...and a person may hand it to one of them anyway (a human override).
        const overridden = await act(item.id, 'assign', 'ann');
        expect(overridden).toMatchObject({ state: 'assigned', ownerId: 'ann', attempts: 4 });
        expect((await eventsAbout(cp, item.id)).at(-1)).toMatchObject({
          type: 'coordination.work.assigned',
          payload: { decision: { mode: 'manual' } },
        });
      });

      it('a work type without maxAttempts allows three attempts', async () => {
        const item = await create({ typeId: 'chore' });
        for (const actorId of ['ann', 'bob']) {
          await act(item.id, 'assign', actorId);
          expect(await act(item.id, 'fail')).toMatchObject({ state: 'queued' });
        }
        await act(item.id, 'assign', 'cat');
        expect(await act(item.id, 'fail')).toMatchObject({ state: 'failed' });
        const last = (await eventsAbout(cp, item.id)).at(-1);
        expect(last).toMatchObject({
          type: 'coordination.work.retries_exhausted',
          payload: { attempts: 3, maxAttempts: 3 },
        });
      });

      it('only failed attempts count: work given back (release, going offline) is no failure', async () => {
        const item = await create();
        expect((await claim('ann')).id).toBe(item.id);
        await act(item.id, 'release');
        expect((await claim('bob')).id).toBe(item.id);
        await cp.setActorStatus(SYSTEM, 'bob', 'offline');
        expect((await claim('cat')).id).toBe(item.id);

        // The first failure of three allowed: retried on someone else.
        const failed = await act(item.id, 'fail');
        expect(failed).toMatchObject({ state: 'queued', failedBy: ['cat'] });
        const types = (await eventsAbout(cp, item.id)).map((e) => e.type);
        expect(types).not.toContain('coordination.work.retries_exhausted');
      });
    });
  });
}
