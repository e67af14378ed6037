import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { PullDecision } from '../../src/coordination/claim-work.js';
import type { WorkExplanation } from '../../src/coordination/explain-work.js';
import { ManualClock } from '../../src/core/clock.js';
import { TERMINAL_STATES, type WorkItem } from '../../src/core/model.js';
import { orgConfigSchema, toOrgModel, type OrgConfigInput } from '../../src/core/org-config.js';
import { SYSTEM, type Principal } from '../../src/core/principal.js';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import {
  beforeAllOrFail,
  DIALECTS,
  disposeOpened,
  openTestControlPlane,
  type TestControlPlane,
} from '../support/dialects.js';
import { allWork, expectDomainError, SKILLED_ACTORS } from './fixtures.js';

/**
 * Tickets need triage (ann, bob, cat), refunds need refunds (bob only), audits need accounting
 * (nobody). Cat holds one item at most; dan has no skills at all.
 */
const EXPLAIN_ORG: OrgConfigInput = {
  apiVersion: 'autonomy/v1',
  kind: 'Organization',
  metadata: { name: 'Explain' },
  domains: [{ id: 'ops', name: 'Operations' }],
  actors: [...SKILLED_ACTORS],
  workTypes: [
    {
      id: 'audit',
      domain: 'ops',
      name: 'Audit',
      requiredSkills: { accounting: 4 },
      expectedDuration: '2h',
      sla: '2d',
    },
    {
      id: 'refund',
      domain: 'ops',
      name: 'Refund',
      requiredSkills: { refunds: 3 },
      expectedDuration: '1h',
      sla: '1d',
    },
    {
      id: 'ticket',
      domain: 'ops',
      name: 'Ticket',
      requiredSkills: { triage: 2 },
      expectedDuration: '30m',
      sla: '4h',
      maxAttempts: 1,
    },
  ],
};

const HOUR_MS = 3_600_000;
const ACTORS = ['ann', 'bob', 'cat', 'dan'];

/** The candidates of an explanation, by actor id. */
const byActor = (explanation: WorkExplanation) =>
  Object.fromEntries(explanation.candidates.map((c) => [c.actorId, c]));

function expectPartsSumToTotal(explanation: WorkExplanation): void {
  const p = explanation.priority;
  expect(p.total).toBeCloseTo(p.class + p.value + p.blocks + p.age + p.slack, 6);
}

for (const dialect of DIALECTS) {
  describe(`explaining work [${dialect}]`, () => {
    let t: TestControlPlane;
    let cp: ControlPlane;
    const clock = new ManualClock('2026-03-02T09:00:00.000Z');

    const add = (typeId: string, extra: Partial<Parameters<ControlPlane['createWork']>[1]> = {}) =>
      cp.createWork(SYSTEM, { typeId, title: `a ${typeId}`, ...extra });
    const explain = async (item: WorkItem, as: Principal = SYSTEM) => {
      const explanation = await cp.explainWork(as, item.id);
      expect(explanation.itemId).toBe(item.id);
      expectPartsSumToTotal(explanation);
      return explanation;
    };

    beforeAllOrFail(async () => {
      t = await openTestControlPlane(dialect, { clock });
      cp = t.cp;
      const result = await cp.applyConfig(
        SYSTEM,
        toOrgModel(orgConfigSchema.parse(EXPLAIN_ORG)),
        'test',
      );
      expect(result.applied).toBe(true);
    });
    beforeEach(async () => {
      for (const item of await allWork(cp)) {
        if (!TERMINAL_STATES.includes(item.state))
          await cp.transitionWork(SYSTEM, item.id, 'cancel');
      }
      for (const actor of await cp.listActors(SYSTEM)) {
        if (actor.status !== 'available') await cp.setActorStatus(SYSTEM, actor.id, 'available');
      }
    });
    afterAll(disposeOpened);

    it('says no actor has the skills, and what each one lacks', async () => {
      const audit = await add('audit');
      const before = await cp.latestSeq(SYSTEM);
      const explanation = await explain(audit);
      expect(explanation).toMatchObject({
        state: 'queued',
        rank: 1,
        owner: null,
        waitingOn: [],
      });
      expect(explanation.summary).toMatch(/^no actor has the skills/);
      expect(explanation.summary).toContain('accounting ≥ 4');
      expect(explanation.candidates.map((c) => c.actorId).sort()).toEqual(ACTORS);
      for (const candidate of explanation.candidates) {
        expect(candidate.eligible).toBe(false);
        expect(candidate.reasons).toEqual(['lacks accounting ≥ 4 (has 0)']);
      }
      // Explaining is a read.
      expect(await cp.latestSeq(SYSTEM)).toBe(before);
    });

    it('says every skilled actor is saturated or unavailable, and why each one is', async () => {
      const refund = await add('refund');
      await cp.setActorStatus(SYSTEM, 'bob', 'away');
      const oneSkilled = await explain(refund);
      expect(oneSkilled.summary).toBe('all 1 actors with the skills are saturated or unavailable');
      expect(byActor(oneSkilled).bob).toEqual({
        actorId: 'bob',
        eligible: false,
        reasons: ['is away'],
      });
      expect(byActor(oneSkilled).ann?.reasons).toEqual(['lacks refunds ≥ 3 (has 0)']);

      const ticket = await add('ticket');
      const held = await add('ticket');
      await cp.transitionWork(SYSTEM, held.id, 'assign', { actorId: 'cat' });
      await cp.setActorStatus(SYSTEM, 'ann', 'offline');
      const threeSkilled = await explain(ticket);
      expect(threeSkilled.summary).toBe(
        'all 3 actors with the skills are saturated or unavailable',
      );
      expect(byActor(threeSkilled)).toEqual({
        ann: { actorId: 'ann', eligible: false, reasons: ['is offline'] },
        bob: { actorId: 'bob', eligible: false, reasons: ['is away'] },
        cat: {
          actorId: 'cat',
          eligible: false,
          reasons: [expect.stringMatching(/^at capacity \(1\b/)],
        },
        dan: { actorId: 'dan', eligible: false, reasons: ['lacks triage ≥ 2 (has 0)'] },
      });
      // The explanation agrees with what a claim finds.
      for (const actorId of ACTORS) {
        expect((await cp.claimWork(SYSTEM, actorId)).claimed).toBeNull();
      }
    });

    it('gives a queued item its rank in its own type and the actors that can claim it', async () => {
      const first = await add('ticket');
      clock.advance(1000);
      const critical = await add('ticket', { priorityClass: 'critical' });
      clock.advance(1000);
      const last = await add('ticket');
      // Another type's items do not count towards a ticket's rank.
      await add('refund', { priorityClass: 'critical' });

      const ranks = await Promise.all([first, critical, last].map((w) => explain(w)));
      expect(ranks.map((e) => e.rank)).toEqual([2, 1, 3]);
      const second = ranks[0] as WorkExplanation;
      expect(second.summary).toBe(
        'queued at position 2 of its type; 3 actors with the skills and free capacity can claim it',
      );
      expect(byActor(second)).toEqual({
        ann: { actorId: 'ann', eligible: true, reasons: [] },
        bob: { actorId: 'bob', eligible: true, reasons: [] },
        cat: { actorId: 'cat', eligible: true, reasons: [] },
        dan: { actorId: 'dan', eligible: false, reasons: ['lacks triage ≥ 2 (has 0)'] },
      });
      expect(second.owner).toBeNull();

      // Rank 1 is what the next claim of a ticket-only actor takes.
      const next = await cp.claimWork(SYSTEM, 'ann');
      expect(next.claimed?.id).toBe(critical.id);
      expect((await explain(first)).rank).toBe(1);
      expect((await explain(last)).rank).toBe(2);
    });

    it('lists what a blocked item waits on, with their states', async () => {
      const queued = await add('ticket');
      const held = await add('ticket');
      await cp.transitionWork(SYSTEM, held.id, 'assign', { actorId: 'bob' });
      const done = await add('ticket');
      await cp.transitionWork(SYSTEM, done.id, 'assign', { actorId: 'bob' });
      await cp.transitionWork(SYSTEM, done.id, 'start');
      await cp.transitionWork(SYSTEM, done.id, 'complete');
      const blocked = await add('ticket', { dependsOn: [queued.id, held.id, done.id] });
      expect(blocked.state).toBe('blocked');

      const explanation = await explain(blocked);
      expect(explanation).toMatchObject({
        state: 'blocked',
        rank: null,
        owner: null,
        candidates: [],
      });
      // In dependency order (ids), without the finished one.
      expect(explanation.waitingOn).toEqual([
        { id: queued.id, state: 'queued' },
        { id: held.id, state: 'assigned' },
      ]);
      expect(explanation.summary).toBe(
        `blocked by '${queued.id}' (queued), '${held.id}' (assigned)`,
      );

      // Each prerequisite gains five points per item waiting on it.
      const prerequisite = await explain(queued);
      expect(prerequisite.priority.blocks).toBe(5);
    });

    it('names the owner of a claimed item and the pull decision that gave it to them', async () => {
      const item = await add('ticket');
      const outcome = await cp.claimWork(SYSTEM, 'ann');
      expect(outcome.claimed?.id).toBe(item.id);
      const decision = (outcome as { decision: PullDecision }).decision;
      const held = await cp.getWork(SYSTEM, item.id);

      const explanation = await explain(item);
      expect(explanation).toMatchObject({
        state: 'assigned',
        rank: null,
        waitingOn: [],
        candidates: [],
        owner: { actorId: 'ann', leaseExpiresAt: held.leaseExpiresAt },
      });
      expect(explanation.owner?.decision).toEqual(decision);
      expect(explanation.owner?.decision?.mode).toBe('pull');
      expect(explanation.summary).toBe(
        `assigned: leased to 'ann' until ${held.leaseExpiresAt}; it pulled the item as its highest-priority eligible work`,
      );

      await cp.transitionWork(SYSTEM, item.id, 'start');
      const started = await explain(item);
      expect(started.summary).toMatch(/^in progress: leased to 'ann'/);
      expect(started.owner?.decision?.mode).toBe('pull');
    });

    it('says a hand-assigned item was assigned by hand, even after an earlier pull', async () => {
      const manual = await add('ticket');
      await cp.transitionWork(SYSTEM, manual.id, 'assign', { actorId: 'bob' });
      const explanation = await explain(manual);
      expect(explanation.owner).toMatchObject({ actorId: 'bob', decision: { mode: 'manual' } });
      expect(explanation.summary).toMatch(/it was assigned by hand$/);

      // Pulled, given back, then assigned by hand: the latest assignment is the one explained.
      const item = await add('ticket', { priorityClass: 'critical' });
      expect((await cp.claimWork(SYSTEM, 'ann')).claimed?.id).toBe(item.id);
      await cp.transitionWork(SYSTEM, item.id, 'release');
      await cp.transitionWork(SYSTEM, item.id, 'assign', { actorId: 'cat' });
      expect((await explain(item)).owner).toEqual({
        actorId: 'cat',
        leaseExpiresAt: (await cp.getWork(SYSTEM, item.id)).leaseExpiresAt,
        decision: { mode: 'manual' },
      });
    });

    it('shows the priority part by part, at the current time', async () => {
      const due = new Date(clock.now().getTime() + 10 * HOUR_MS).toISOString();
      const item = await add('ticket', { priorityClass: 'high', value: 9, dueAt: due });
      await add('ticket', { dependsOn: [item.id] });
      await add('ticket', { dependsOn: [item.id] });
      clock.advance(2 * HOUR_MS);

      const explained = await explain(item);
      const p = explained.priority;
      expect(p.class).toBe(100);
      expect(p.value).toBeCloseTo(10 * Math.log(10), 6);
      expect(p.blocks).toBe(10);
      expect(p.age).toBeCloseTo(2, 6);
      // 10h due − 2h gone − the expected hours = the slack, at 2 points per hour. Tickets
      // completed earlier in this suite (instantly) have taught that tickets go faster than the
      // configured 30 minutes.
      const estimate = explained.estimate;
      expect(estimate?.configuredSeconds).toBe(1800);
      expect(estimate?.expectedSeconds).toBeLessThan(1800);
      const expectedHours = (estimate?.expectedSeconds ?? 0) / 3600;
      expect(p.slack).toBeCloseTo(-2 * (8 - expectedHours), 6);
      expect(p.total).toBeCloseTo(100 + 10 * Math.log(10) + 10 + 2 + p.slack, 6);

      // An hour later the age and the lost slack have both grown; the rest has not.
      clock.advance(HOUR_MS);
      const later = (await explain(item)).priority;
      expect(later.age - p.age).toBeCloseTo(1, 6);
      expect(later.slack - p.slack).toBeCloseTo(2, 6);
      expect([later.class, later.value, later.blocks]).toEqual([p.class, p.value, p.blocks]);
    });

    it('counts an actor that failed or declined the item as unable to take it', async () => {
      const item = await add('ticket');
      await cp.transitionWork(SYSTEM, item.id, 'assign', { actorId: 'ann' });
      await cp.transitionWork(SYSTEM, item.id, 'fail');
      await cp.transitionWork(SYSTEM, item.id, 'retry');
      await cp.transitionWork(SYSTEM, item.id, 'offer', { actorId: 'bob' });
      await cp.transitionWork(SYSTEM, item.id, 'release', { reason: 'bob rejects the offer' });
      expect((await cp.getWork(SYSTEM, item.id)).state).toBe('queued');

      const candidates = byActor(await explain(item));
      expect(candidates.ann).toMatchObject({
        eligible: false,
        reasons: ['failed this item before'],
      });
      expect(candidates.cat).toMatchObject({ eligible: true });
      // Claims pass over an item the actor failed or declined; the explanation must agree.
      expect(await cp.claimWork(SYSTEM, 'ann')).toMatchObject({ claimed: null });
      expect(await cp.claimWork(SYSTEM, 'bob')).toMatchObject({ claimed: null });
      expect(candidates.bob?.eligible, 'bob declined the item: a claim passes it over').toBe(false);
      expect(candidates.bob?.reasons.join('; ')).toMatch(/declined/);
    });

    it('explains offered, paused and finished items', async () => {
      const offered = await add('ticket');
      await cp.transitionWork(SYSTEM, offered.id, 'offer', { actorId: 'bob' });
      const offer = await explain(offered);
      expect(offer).toMatchObject({ state: 'offered', rank: null, owner: null });
      expect(offer.summary).toMatch(/^offered to 'bob'/);
      expect(offer.summary).toMatch(/accept.*reject/);
      expect(offer.candidates.map((c) => c.actorId).sort()).toEqual(ACTORS);

      const paused = await cp.transitionWork(SYSTEM, (await add('ticket')).id, 'pause');
      expect((await explain(paused)).summary).toMatch(/^paused/);
      const cancelled = await cp.transitionWork(SYSTEM, (await add('ticket')).id, 'cancel');
      expect(await explain(cancelled)).toMatchObject({
        state: 'cancelled',
        summary: 'cancelled',
        rank: null,
        owner: null,
        candidates: [],
      });
    });

    it('lets every role read an explanation, and refuses unknown ids', async () => {
      const item = await add('ticket');
      const viewer: Principal = { kind: 'token', tokenId: 'v', role: 'viewer', actorId: null };
      expect((await explain(item, viewer)).state).toBe('queued');
      await expectDomainError(cp.explainWork(SYSTEM, 'w_missing'), 'not_found');
    });
  });
}
