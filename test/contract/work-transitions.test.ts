import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { WORK_STATES, type WorkItem, type WorkState } from '../../src/core/model.js';
import { SYSTEM } from '../../src/core/principal.js';
import { WORK_ACTIONS, WORK_ACTION_NAMES } from '../../src/core/work-transitions.js';
import {
  REQUESTABLE_ACTIONS,
  type RequestableAction,
} from '../../src/coordination/transition-work.js';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import {
  beforeAllOrFail,
  DIALECTS,
  disposeOpened,
  openTestControlPlane,
  type TestControlPlane,
} from '../support/dialects.js';
import { createTicket, eventsAbout, expectDomainError, itemIn, seedOrg } from './fixtures.js';

const LEASE_MS = 300_000;

/** The event each requested action records, spelled out here rather than imported. */
const EVENT_OF: Record<RequestableAction, string> = {
  offer: 'coordination.work.offered',
  assign: 'coordination.work.assigned',
  start: 'coordination.work.started',
  complete: 'coordination.work.completed',
  fail: 'coordination.work.failed',
  release: 'coordination.work.released',
  pause: 'coordination.work.paused',
  resume: 'coordination.work.resumed',
  retry: 'coordination.work.retried',
  cancel: 'coordination.work.cancelled',
};

const isLegal = (state: WorkState, action: RequestableAction) =>
  (WORK_ACTIONS[action].from as readonly WorkState[]).includes(state);

/** What an illegal request must report as allowed: the requestable actions legal from `state`, in table order. */
const allowedFrom = (state: WorkState) =>
  REQUESTABLE_ACTIONS.filter((action) => isLegal(state, action));

const CASES = WORK_STATES.flatMap((state) =>
  REQUESTABLE_ACTIONS.map((action) => ({
    state,
    action,
    legal: isLegal(state, action),
  })),
);

/**
 * Options a caller would pass: offers and fresh assignments go to bob (items in owned or offered
 * states were given to ann), and an offered item is assigned by accepting the offer.
 */
function optionsFor(state: WorkState, action: RequestableAction): { actorId?: string } {
  if (action === 'offer') return { actorId: 'bob' };
  if (action === 'assign') return state === 'offered' ? {} : { actorId: 'bob' };
  return {};
}

/** Owner and offer the item must have after a legal action. */
function expectedHolders(
  before: WorkItem,
  action: RequestableAction,
): { ownerId: string | null; offeredTo: string | null } {
  switch (action) {
    case 'offer':
      return { ownerId: null, offeredTo: 'bob' };
    case 'assign':
      return { ownerId: before.state === 'offered' ? before.offeredTo : 'bob', offeredTo: null };
    case 'start':
      return { ownerId: before.ownerId, offeredTo: null };
    default:
      return { ownerId: null, offeredTo: null };
  }
}

it('requestable actions are every action of the state machine except the derived ones', () => {
  expect([...REQUESTABLE_ACTIONS].sort()).toEqual(
    WORK_ACTION_NAMES.filter(
      (a) => !['block', 'unblock', 'complete_stage', 'preempt'].includes(a),
    ).sort(),
  );
});

for (const dialect of DIALECTS) {
  describe(`work state machine [${dialect}]`, () => {
    const clock = new ManualClock('2026-03-01T09:00:00.000Z');
    let t: TestControlPlane;
    let cp: ControlPlane;

    beforeAllOrFail(async () => {
      t = await openTestControlPlane(dialect, { clock });
      cp = t.cp;
      await seedOrg(cp);
    });
    afterAll(disposeOpened);

    for (const { state, action } of CASES.filter((c) => c.legal)) {
      it(`${state} --${action}--> succeeds`, async () => {
        const before = await itemIn(cp, state);
        const historyBefore = await eventsAbout(cp, before.id);
        const seqBefore = await cp.latestSeq(SYSTEM);
        clock.advance(1000);

        const after = await cp.transitionWork(SYSTEM, before.id, action, optionsFor(state, action));

        const to = WORK_ACTIONS[action].to;
        const holders = expectedHolders(before, action);
        const stored = await cp.getWork(SYSTEM, before.id);
        expect(after).toMatchObject({ state: to, version: before.version + 1, ...holders });
        expect(stored).toMatchObject({ state: to, version: before.version + 1, ...holders });
        if (to === 'assigned' || to === 'in_progress') {
          expect(stored.leaseExpiresAt).toBe(
            new Date(clock.now().getTime() + LEASE_MS).toISOString(),
          );
        } else if (to === 'offered') {
          // An offer waits offerSeconds (the default 120) for its actor.
          expect(stored.leaseExpiresAt).toBe(
            new Date(clock.now().getTime() + 120_000).toISOString(),
          );
        } else {
          expect(stored.leaseExpiresAt).toBeNull();
        }
        expect(stored.attempts).toBe(before.attempts + (action === 'assign' ? 1 : 0));

        // Exactly one event, of the action's type, recording the change it made; a failure
        // that used up the last attempt is followed by the exception event that says so.
        const after_ = action === 'fail' ? ['coordination.work.retries_exhausted'] : [];
        expect(stored.history.slice(0, historyBefore.length)).toEqual(historyBefore);
        expect(stored.history).toHaveLength(historyBefore.length + 1 + after_.length);
        expect(stored.history.slice(historyBefore.length + 1).map((e) => e.type)).toEqual(after_);
        const event = stored.history[historyBefore.length];
        expect(event).toMatchObject({
          seq: seqBefore + 1,
          type: EVENT_OF[action],
          actor: 'system',
          subject: before.id,
          time: clock.now().toISOString(),
          payload: { action, from: state, to, ...holders },
        });
        if (action === 'assign')
          expect(event?.payload).toMatchObject({ leaseExpiresAt: stored.leaseExpiresAt });
        expect(await cp.latestSeq(SYSTEM)).toBe(seqBefore + 1 + after_.length);
      });
    }

    for (const { state, action } of CASES.filter((c) => !c.legal)) {
      it(`${state} --${action}--> is illegal and changes nothing`, async () => {
        const item = await itemIn(cp, state);
        const before = await cp.getWork(SYSTEM, item.id);
        const seqBefore = await cp.latestSeq(SYSTEM);

        const error = await expectDomainError(
          cp.transitionWork(SYSTEM, item.id, action, optionsFor(state, action)),
          'illegal_transition',
        );

        expect(error.details).toMatchObject({
          currentState: state,
          allowedActions: allowedFrom(state),
        });
        expect(await cp.getWork(SYSTEM, item.id)).toEqual(before);
        expect(await cp.latestSeq(SYSTEM)).toBe(seqBefore);
      });
    }

    it('blocks a resumed item that still waits on unfinished work (pause → resume → block)', async () => {
      const prerequisite = await createTicket(cp);
      const item = await createTicket(cp, [prerequisite.id]);
      await cp.transitionWork(SYSTEM, item.id, 'pause');
      const resumed = await cp.transitionWork(SYSTEM, item.id, 'resume');
      expect(resumed.state).toBe('blocked');
      const history = (await eventsAbout(cp, item.id)).map((e) => [
        e.type,
        (e.payload as { to?: string }).to,
      ]);
      expect(history.slice(-2)).toEqual([
        ['coordination.work.resumed', 'queued'],
        ['coordination.work.blocked', 'blocked'],
      ]);
    });

    it('blocks a retried item that gained an unfinished dependency while it was held', async () => {
      const prerequisite = await createTicket(cp);
      const item = await itemIn(cp, 'assigned');
      await cp.addDependency(SYSTEM, item.id, prerequisite.id);
      expect((await cp.getWork(SYSTEM, item.id)).state).toBe('assigned');
      await cp.transitionWork(SYSTEM, item.id, 'fail');
      const retried = await cp.transitionWork(SYSTEM, item.id, 'retry');
      expect(retried).toMatchObject({ state: 'blocked', ownerId: null });
      const last = (await eventsAbout(cp, item.id)).at(-1);
      expect(last).toMatchObject({
        type: 'coordination.work.blocked',
        payload: { action: 'block', from: 'queued', to: 'blocked', waitingOn: [prerequisite.id] },
      });
    });

    it('assigns an offered item only to the actor it was offered to', async () => {
      const item = await itemIn(cp, 'offered');
      const seqBefore = await cp.latestSeq(SYSTEM);
      const error = await expectDomainError(
        cp.transitionWork(SYSTEM, item.id, 'assign', { actorId: 'bob' }),
        'conflict',
      );
      expect(error.details).toMatchObject({ offeredTo: 'ann' });
      expect(await cp.latestSeq(SYSTEM)).toBe(seqBefore);
      expect(await cp.transitionWork(SYSTEM, item.id, 'assign', { actorId: 'ann' })).toMatchObject({
        state: 'assigned',
        ownerId: 'ann',
      });
    });

    it('refuses malformed requests without changing anything', async () => {
      const item = await itemIn(cp, 'queued');
      const seqBefore = await cp.latestSeq(SYSTEM);
      await expectDomainError(cp.transitionWork(SYSTEM, item.id, 'offer'), 'validation_failed');
      await expectDomainError(cp.transitionWork(SYSTEM, item.id, 'assign'), 'validation_failed');
      await expectDomainError(
        cp.transitionWork(SYSTEM, item.id, 'pause', { actorId: 'ann' }),
        'validation_failed',
      );
      await expectDomainError(
        cp.transitionWork(SYSTEM, item.id, 'assign', { actorId: 'nobody' }),
        'unknown_reference',
      );
      await expectDomainError(cp.transitionWork(SYSTEM, 'w_missing', 'cancel'), 'not_found');
      expect(await cp.getWork(SYSTEM, item.id)).toMatchObject({
        state: 'queued',
        version: item.version,
      });
      expect(await cp.latestSeq(SYSTEM)).toBe(seqBefore);
    });
  });
}
