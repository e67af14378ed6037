import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { PushDecision } from '../../src/coordination/dispatch-offers.js';
import { ManualClock } from '../../src/core/clock.js';
import { TERMINAL_STATES, type PriorityClass, type WorkItem } from '../../src/core/model.js';
import { orgConfigSchema, toOrgModel, type OrgConfigInput } from '../../src/core/org-config.js';
import { SYSTEM } from '../../src/core/principal.js';
import { ControlPlane } from '../../src/runtime/control-plane.js';
import { startCoordinationTimer } from '../../src/runtime/coordination-timer.js';
import { beforeAllOrFail, createTestDatabase, DIALECTS } from '../support/dialects.js';
import { allEvents, allWork, eventsAbout, expectDomainError, type ActorInput } from './fixtures.js';

const OFFER_MS = 60_000;
const LEASE_MS = 300_000;

/** Tickets need triage 2 (three attempts), refunds need refunds 3. */
const WORK_TYPES: NonNullable<OrgConfigInput['workTypes']> = [
  {
    id: 'ticket',
    domain: 'ops',
    name: 'Ticket',
    requiredSkills: { triage: 2 },
    expectedDuration: '30m',
    sla: '4h',
    maxAttempts: 3,
  },
  {
    id: 'refund',
    domain: 'ops',
    name: 'Refund',
    requiredSkills: { refunds: 3 },
    expectedDuration: '30m',
    sla: '4h',
    maxAttempts: 3,
  },
];

const push = (id: string, skills: Record<string, number>, capacity = 2): ActorInput => ({
  id,
  kind: 'agent',
  name: id,
  domains: ['ops'],
  skills,
  capacity,
  mode: 'push',
});
const pull = (id: string, skills: Record<string, number>, capacity = 10): ActorInput => ({
  id,
  kind: 'human',
  name: id,
  domains: ['ops'],
  skills,
  capacity,
  mode: 'pull',
});

const decisionOf = async (cp: ControlPlane, id: string): Promise<PushDecision> => {
  const offers = (await eventsAbout(cp, id)).filter((e) => e.type === 'coordination.work.offered');
  return (offers.at(-1)?.payload as { decision: PushDecision }).decision;
};

for (const dialect of DIALECTS) {
  describe(`push offers [${dialect}]`, () => {
    const clock = new ManualClock('2026-03-02T09:00:00.000Z');
    let cp: ControlPlane;
    let drop: (() => Promise<void>) | null = null;
    let opened: ControlPlane | null = null;

    beforeAllOrFail(async () => {
      const database = await createTestDatabase(dialect);
      drop = () => database.drop();
      opened = await ControlPlane.open(
        { databaseUrl: database.url, leaseSeconds: LEASE_MS / 1000, offerSeconds: OFFER_MS / 1000 },
        { clock },
      );
      cp = opened;
    });
    afterAll(async () => {
      try {
        await opened?.close();
      } finally {
        await drop?.();
      }
    });
    beforeEach(async () => {
      // Each test starts with nothing open and everyone available; it applies its own actors.
      for (const item of await allWork(cp)) {
        if (!TERMINAL_STATES.includes(item.state))
          await cp.transitionWork(SYSTEM, item.id, 'cancel');
      }
      for (const actor of await cp.listActors(SYSTEM)) {
        await cp.setActorStatus(SYSTEM, actor.id, 'available');
      }
    });

    async function useActors(...actors: ActorInput[]): Promise<void> {
      const doc: OrgConfigInput = {
        apiVersion: 'autonomy/v1',
        kind: 'Organization',
        metadata: { name: 'Push' },
        domains: [{ id: 'ops', name: 'Operations' }],
        actors,
        workTypes: WORK_TYPES,
      };
      await cp.applyConfig(SYSTEM, toOrgModel(orgConfigSchema.parse(doc)), 'test');
    }

    const create = (typeId = 'ticket', priorityClass: PriorityClass = 'normal') =>
      cp.createWork(SYSTEM, { typeId, title: `${priorityClass} ${typeId}`, priorityClass });
    const get = (id: string) => cp.getWork(SYSTEM, id);
    const offeredTo = async (actorId: string) =>
      cp.listWork(SYSTEM, { state: 'offered', offeredTo: actorId, limit: 1000 });
    const load = async (actorId: string) =>
      (await cp.getActor(SYSTEM, actorId)).held + (await offeredTo(actorId)).length;

    it('offers queued work to available push-mode actors only', async () => {
      await useActors(
        push('ann', { triage: 2 }, 2),
        pull('cat', { triage: 2 }, 10),
        push('dan', { triage: 2 }, 10),
        push('eve', { triage: 2 }, 10),
        push('fay', {}, 10),
      );
      await cp.setActorStatus(SYSTEM, 'dan', 'away');
      await cp.setActorStatus(SYSTEM, 'eve', 'offline');
      const items = [await create(), await create(), await create(), await create()];

      const offers = await cp.dispatchOffers();
      expect(offers).toHaveLength(2);
      for (const offer of offers)
        expect(offer).toMatchObject({ state: 'offered', offeredTo: 'ann' });
      for (const id of ['cat', 'dan', 'eve', 'fay']) expect(await offeredTo(id)).toEqual([]);
      const states = await Promise.all(items.map(async (i) => (await get(i.id)).state));
      expect(states.filter((s) => s === 'queued')).toHaveLength(2);

      // Ann is full; the pull actor, the away one and the offline one still get nothing.
      expect(await cp.dispatchOffers()).toEqual([]);

      // Back from away, dan is offered the rest.
      await cp.setActorStatus(SYSTEM, 'dan', 'available');
      const more = await cp.dispatchOffers();
      expect(more.map((o) => o.offeredTo)).toEqual(['dan', 'dan']);
      expect(await offeredTo('cat')).toEqual([]);
    });

    it('records the offer: push decision with candidates best first and rejections', async () => {
      await useActors(
        push('ann', { triage: 2 }, 2),
        push('bob', { triage: 5 }, 2),
        pull('cat', { triage: 2 }, 10),
        push('fay', { triage: 1 }, 2),
      );
      const item = await create();
      const before = await cp.latestSeq(SYSTEM);

      const [offer] = await cp.dispatchOffers();
      const deadline = new Date(clock.now().getTime() + OFFER_MS).toISOString();
      expect(offer).toMatchObject({
        id: item.id,
        state: 'offered',
        offeredTo: 'ann',
        ownerId: null,
        leaseExpiresAt: deadline,
      });
      expect(await get(item.id)).toMatchObject({ state: 'offered', leaseExpiresAt: deadline });

      const events = (await allEvents(cp)).filter((e) => e.seq > before);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'coordination.work.offered',
        actor: 'system',
        subject: item.id,
        payload: {
          action: 'offer',
          from: 'queued',
          to: 'offered',
          ownerId: null,
          offeredTo: 'ann',
        },
      });
      const decision = await decisionOf(cp, item.id);
      expect(decision.mode).toBe('push');
      expect(decision.candidates.map((c) => c.actorId)).toEqual(['ann', 'bob']);
      const [ann, bob] = decision.candidates;
      // Nothing learned yet: both are typical for tickets (speed 0.5, the prior success rate),
      // and nobody costs anything.
      expect(ann).toMatchObject({ fit: 1, speed: 0.5, free: 1, cost: 1 });
      expect(ann?.success).toBeCloseTo(0.9);
      expect(ann?.learned).toEqual({
        expectedSeconds: 1800,
        completions: 0,
        failures: 0,
        expectedCost: 0,
      });
      // Three levels of idle expertise out of four.
      expect(bob?.fit).toBeCloseTo(0.25);
      expect(bob?.free).toBe(1);
      for (const c of [ann, bob]) {
        expect(c?.score).toBeCloseTo(
          0.2 * (c?.fit ?? 0) +
            0.2 * (c?.speed ?? 0) +
            0.3 * (c?.success ?? 0) +
            0.2 * (c?.free ?? 0) +
            0.1 * (c?.cost ?? 0),
        );
      }
      expect(ann?.score).toBeCloseTo(0.87);
      expect(bob?.score).toBeCloseTo(0.72);
      expect(decision.estimate).toMatchObject({ expectedSeconds: 1800, completions: 0 });
      expect(decision.rejected).toEqual([
        { actorId: 'fay', reasons: ['lacks triage ≥ 2 (has 1)'] },
      ]);
      // A pull-mode actor is neither a candidate nor a rejection: it is not in the push game.
      expect(JSON.stringify(decision)).not.toContain('"cat"');
    });

    it('records away and offline push actors as rejected, with their status', async () => {
      await useActors(
        push('ann', { triage: 2 }, 2),
        push('dan', { triage: 2 }, 2),
        push('eve', { triage: 2 }, 2),
      );
      await cp.setActorStatus(SYSTEM, 'dan', 'away');
      await cp.setActorStatus(SYSTEM, 'eve', 'offline');
      const item = await create();
      expect((await cp.dispatchOffers()).map((o) => o.offeredTo)).toEqual(['ann']);
      const decision = await decisionOf(cp, item.id);
      expect(decision.candidates.map((c) => c.actorId)).toEqual(['ann']);
      expect(decision.rejected).toEqual(
        expect.arrayContaining([
          { actorId: 'dan', reasons: ['is away'] },
          { actorId: 'eve', reasons: ['is offline'] },
        ]),
      );
    });

    it('offers to the closest skill fit at equal load, and to the freer actor when loads differ', async () => {
      await useActors(
        push('ann', { triage: 2 }, 2),
        push('bob', { triage: 5 }, 2),
        push('dan', { triage: 3 }, 2),
      );
      // Equal load: exact fit (ann) beats one level over (dan) beats three over (bob).
      const first = await create();
      expect((await cp.dispatchOffers()).map((o) => o.offeredTo)).toEqual(['ann']);
      const d1 = await decisionOf(cp, first.id);
      expect(d1.candidates.map((c) => c.actorId)).toEqual(['ann', 'dan', 'bob']);
      const scores = d1.candidates.map((c) => c.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);

      // Ann now has half her capacity offered (fit 1, free 0.5); idle dan (fit 0.75, free 1) wins.
      const second = await create();
      expect((await cp.dispatchOffers()).map((o) => o.offeredTo)).toEqual(['dan']);
      const d2 = await decisionOf(cp, second.id);
      expect(d2.candidates.map((c) => c.actorId)).toEqual(['dan', 'ann', 'bob']);
      expect(d2.candidates.find((c) => c.actorId === 'ann')?.free).toBeCloseTo(0.5);

      // Both half loaded: the exact fit wins again.
      const third = await create();
      expect((await cp.dispatchOffers()).map((o) => o.offeredTo)).toEqual(['ann']);
      expect((await decisionOf(cp, third.id)).candidates[0]?.actorId).toBe('ann');

      // Ann is full now (two offers): rejected for capacity, counting her offers.
      const fourth = await create();
      expect((await cp.dispatchOffers()).map((o) => o.offeredTo)).not.toContain('ann');
      expect((await decisionOf(cp, fourth.id)).rejected).toContainEqual({
        actorId: 'ann',
        reasons: ['no free capacity (0 held, 2 offered of 2)'],
      });
    });

    it('counts open offers against capacity: held + offered never exceeds it', async () => {
      await useActors(push('ann', { triage: 2 }, 2));
      for (let i = 0; i < 5; i += 1) await create();

      const offers = await cp.dispatchOffers();
      expect(offers).toHaveLength(2);
      expect(await load('ann')).toBe(2);
      expect(await cp.dispatchOffers()).toEqual([]);

      // Accepting one keeps her at 1 held + 1 offered: still full.
      const accepted = await cp.transitionWork(SYSTEM, (offers[0] as WorkItem).id, 'assign');
      expect(accepted).toMatchObject({ state: 'assigned', ownerId: 'ann' });
      expect(await cp.dispatchOffers()).toEqual([]);
      expect(await load('ann')).toBe(2);

      // Finishing it frees one place, and exactly one more offer follows.
      await cp.transitionWork(SYSTEM, accepted.id, 'start');
      await cp.transitionWork(SYSTEM, accepted.id, 'complete');
      expect(await cp.dispatchOffers()).toHaveLength(1);
      expect(await load('ann')).toBe(2);
      expect(await cp.dispatchOffers()).toEqual([]);
    });

    it("a push actor's own claim counts its open offers against its capacity", async () => {
      await useActors(push('ann', { triage: 2 }, 1));
      await create();
      await create();
      expect(await cp.dispatchOffers()).toHaveLength(1);
      const outcome = await cp.claimWork(SYSTEM, 'ann');
      expect(outcome).toMatchObject({ claimed: null, reason: 'at_capacity' });
      expect(await load('ann')).toBeLessThanOrEqual(1);
    });

    it('offers the highest-priority queued item first', async () => {
      await useActors(push('ann', { triage: 2 }, 4));
      const low = await create('ticket', 'low');
      const critical = await create('ticket', 'critical');
      const normal = await create('ticket', 'normal');
      const high = await create('ticket', 'high');

      // With room for one offer at a time, they come in priority order.
      const order: string[] = [];
      for (let i = 0; i < 4; i += 1) {
        const [offer] = await cp.dispatchOffers(1);
        order.push((offer as WorkItem).id);
      }
      expect(order).toEqual([critical.id, high.id, normal.id, low.id]);
    });

    it('keeps priority across work types: a lesser item does not take the only actor a critical one needs', async () => {
      // Only bob can do refunds; ann (overqualified) can do tickets. Ann comes first by id.
      await useActors(push('ann', { triage: 5 }, 1), push('bob', { triage: 2, refunds: 3 }, 1));
      const ticket = await create('ticket', 'normal');
      const refund = await create('refund', 'critical');

      await cp.dispatchOffers();
      expect(await get(refund.id)).toMatchObject({ state: 'offered', offeredTo: 'bob' });
      expect(await get(ticket.id)).toMatchObject({ state: 'offered', offeredTo: 'ann' });
    });

    it('accepting an offer (assign without an actor) assigns the item to the offered actor', async () => {
      await useActors(push('ann', { triage: 2 }, 2), push('bob', { triage: 2 }, 2));
      const item = await create();
      expect((await cp.dispatchOffers()).map((o) => o.offeredTo)).toEqual(['ann']);

      // Only the actor it is offered to can take it.
      await expectDomainError(
        cp.transitionWork(SYSTEM, item.id, 'assign', { actorId: 'bob' }),
        'conflict',
      );
      clock.advance(5000);
      const accepted = await cp.transitionWork(SYSTEM, item.id, 'assign');
      expect(accepted).toMatchObject({
        state: 'assigned',
        ownerId: 'ann',
        offeredTo: null,
        attempts: 1,
        leaseExpiresAt: new Date(clock.now().getTime() + LEASE_MS).toISOString(),
      });
      const assigned = (await eventsAbout(cp, item.id)).at(-1);
      expect(assigned).toMatchObject({
        type: 'coordination.work.assigned',
        payload: { from: 'offered', to: 'assigned', ownerId: 'ann', offeredTo: null },
      });
      expect((await cp.getActor(SYSTEM, 'ann')).held).toBe(1);
    });

    /** Ann (exact fit), then dan, then bob each reject the item in turn. */
    async function declinedByAll(): Promise<WorkItem> {
      await useActors(
        push('ann', { triage: 2 }, 2),
        push('bob', { triage: 5 }, 2),
        pull('cat', { triage: 2 }, 10),
        push('dan', { triage: 3 }, 2),
      );
      const item = await create();
      const declined: string[] = [];
      for (const actorId of ['ann', 'dan', 'bob']) {
        const [offer] = await cp.dispatchOffers();
        expect(offer).toMatchObject({ id: item.id, state: 'offered', offeredTo: actorId });
        const decision = await decisionOf(cp, item.id);
        for (const decliner of declined) {
          expect(decision.candidates.map((c) => c.actorId)).not.toContain(decliner);
          expect(decision.rejected).toContainEqual({
            actorId: decliner,
            reasons: ['declined this item before'],
          });
        }
        const released = await cp.transitionWork(SYSTEM, item.id, 'release');
        declined.push(actorId);
        expect(released).toMatchObject({ state: 'queued', offeredTo: null, declinedBy: declined });
        const event = (await eventsAbout(cp, item.id)).at(-1);
        expect(event).toMatchObject({
          type: 'coordination.work.released',
          payload: { from: 'offered', to: 'queued', offeredTo: null },
        });
      }
      return item;
    }

    it('a rejected offer goes to the next candidate, never back to the decliner; then it stays queued', async () => {
      const item = await declinedByAll();
      // Every push actor has declined it: no more offers, and it stays queued.
      expect(await cp.dispatchOffers()).toEqual([]);
      expect(await cp.dispatchOffers()).toEqual([]);
      expect(await get(item.id)).toMatchObject({
        state: 'queued',
        declinedBy: ['ann', 'dan', 'bob'],
      });

      // The decliners still receive other work; the pull actor can still claim the item.
      const other = await create();
      expect((await cp.dispatchOffers()).map((o) => o.id)).toEqual([other.id]);
      const claimed = await cp.claimWork(SYSTEM, 'cat');
      expect(claimed.claimed?.id).toBe(item.id);
    });

    it('explains that the push actors declined a queued item before', async () => {
      const item = await declinedByAll();
      const explanation = await cp.explainWork(SYSTEM, item.id);
      expect(explanation.state).toBe('queued');
      for (const actorId of ['ann', 'dan', 'bob']) {
        const view = explanation.candidates.find((c) => c.actorId === actorId);
        expect(view?.eligible, actorId).toBe(false);
        expect(view?.reasons, actorId).toContain('declined this item before');
      }
    });

    it('an offer left past its deadline is released and goes to the next candidate', async () => {
      await useActors(push('ann', { triage: 2 }, 2), push('dan', { triage: 3 }, 2));
      const item = await create();
      const [offer] = await cp.dispatchOffers();
      expect(offer).toMatchObject({ offeredTo: 'ann' });
      const deadline = (offer as WorkItem).leaseExpiresAt as string;
      expect(deadline).toBe(new Date(clock.now().getTime() + OFFER_MS).toISOString());

      // Up to and at the deadline the offer holds.
      clock.advance(OFFER_MS);
      expect(await cp.expireLeases()).toEqual([]);
      clock.advance(1);
      const before = await cp.latestSeq(SYSTEM);
      expect(await cp.expireLeases()).toEqual([item.id]);
      const events = (await allEvents(cp)).filter((e) => e.seq > before);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'coordination.work.released',
        actor: 'system',
        subject: item.id,
        payload: { action: 'release', from: 'offered', to: 'queued', offeredTo: null },
      });
      const reason = (events[0]?.payload as { reason?: string }).reason ?? '';
      expect(reason).toMatch(/offer .*timed out/);
      expect(reason).toContain("'ann'");
      expect(reason).toContain(deadline);
      expect(await get(item.id)).toMatchObject({
        state: 'queued',
        offeredTo: null,
        leaseExpiresAt: null,
        declinedBy: ['ann'],
      });

      const [next] = await cp.dispatchOffers();
      expect(next).toMatchObject({ id: item.id, offeredTo: 'dan' });
      expect(await cp.dispatchOffers()).toEqual([]);
    });

    it('pausing an offered item is no decline: resumed, it is offered to the same actor again', async () => {
      await useActors(push('ann', { triage: 2 }, 2));
      const item = await create();
      expect((await cp.dispatchOffers()).map((o) => o.offeredTo)).toEqual(['ann']);
      await cp.transitionWork(SYSTEM, item.id, 'pause');
      expect(await cp.transitionWork(SYSTEM, item.id, 'resume')).toMatchObject({
        state: 'queued',
        declinedBy: [],
      });
      expect((await cp.dispatchOffers()).map((o) => o.offeredTo)).toEqual(['ann']);
    });

    it('dispatching again with nothing new offers nothing and writes nothing', async () => {
      await useActors(push('ann', { triage: 2 }, 5), pull('cat', { triage: 2 }, 5));
      expect(await cp.dispatchOffers()).toEqual([]);
      await create();
      await create();
      expect(await cp.dispatchOffers()).toHaveLength(2);
      const seq = await cp.latestSeq(SYSTEM);
      expect(await cp.dispatchOffers()).toEqual([]);
      expect(await cp.dispatchOffers()).toEqual([]);
      expect(await cp.latestSeq(SYSTEM)).toBe(seq);

      // Without any push actor there is nothing to do at all.
      for (const item of await offeredTo('ann')) await cp.transitionWork(SYSTEM, item.id, 'cancel');
      await useActors(pull('cat', { triage: 2 }, 5));
      await create();
      const seq2 = await cp.latestSeq(SYSTEM);
      expect(await cp.dispatchOffers()).toEqual([]);
      expect(await cp.latestSeq(SYSTEM)).toBe(seq2);
    });

    it('the coordination timer offers queued work by itself', async () => {
      await useActors(push('ann', { triage: 2 }, 2));
      const item = await create();
      const errors: unknown[] = [];
      const stop = startCoordinationTimer(cp, 10, (error) => errors.push(error));
      try {
        const deadline = Date.now() + 5000;
        while ((await get(item.id)).state !== 'offered' && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      } finally {
        await stop();
      }
      expect(errors).toEqual([]);
      expect(await get(item.id)).toMatchObject({ state: 'offered', offeredTo: 'ann' });
      const offered = (await eventsAbout(cp, item.id)).filter(
        (e) => e.type === 'coordination.work.offered',
      );
      expect(offered).toHaveLength(1);
    });
  });
}
