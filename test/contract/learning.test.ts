import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PushDecision } from '../../src/coordination/dispatch-offers.js';
import { LEARNING } from '../../src/coordination/estimate-work.js';
import { rebuildWorkStats } from '../../src/coordination/rebuild-work-stats.js';
import { ManualClock } from '../../src/core/clock.js';
import type { WorkItem } from '../../src/core/model.js';
import { orgConfigSchema, toOrgModel, type OrgConfigInput } from '../../src/core/org-config.js';
import { SYSTEM } from '../../src/core/principal.js';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import { DIALECTS, disposeOpened, openTestControlPlane } from '../support/dialects.js';
import { allEvents, eventsAbout, type ActorInput } from './fixtures.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const actor = (id: string, mode: 'push' | 'pull', costPerHour = 0): ActorInput => ({
  id,
  kind: 'agent',
  name: id,
  domains: ['ops'],
  skills: { triage: 2 },
  capacity: 10,
  mode,
  costPerHour,
});

/** Two work types alike but for their names: both expected to take 30 minutes. */
function org(actors: ActorInput[]): OrgConfigInput {
  const type = (id: string) => ({
    id,
    domain: 'ops',
    name: id,
    requiredSkills: { triage: 2 },
    expectedDuration: '30m',
    sla: '8h',
    maxAttempts: 5,
  });
  return {
    apiVersion: 'autonomy/v1',
    kind: 'Organization',
    metadata: { name: 'Learning' },
    domains: [{ id: 'ops', name: 'Operations' }],
    actors,
    workTypes: [type('ticket'), type('refund')],
  };
}

for (const dialect of DIALECTS) {
  describe(`learning from ended work [${dialect}]`, () => {
    let cp: ControlPlane;
    let clock: ManualClock;

    beforeEach(async () => {
      clock = new ManualClock('2026-03-02T09:00:00.000Z');
      cp = (await openTestControlPlane(dialect, { clock })).cp;
    });
    afterEach(disposeOpened);

    const useOrg = async (...actors: ActorInput[]) => {
      const result = await cp.applyConfig(
        SYSTEM,
        toOrgModel(orgConfigSchema.parse(org(actors))),
        'test',
      );
      expect(result.applied).toBe(true);
    };
    const create = (typeId = 'ticket', extra: { dueAt?: string } = {}) =>
      cp.createWork(SYSTEM, { typeId, title: `a ${typeId}`, ...extra });
    const offerDecision = async (id: string): Promise<PushDecision> =>
      ((await eventsAbout(cp, id)).at(-1)?.payload as { decision: PushDecision }).decision;
    /** An attempt by `actorId` taking `minutes` from start to its end. */
    const attempt = async (
      actorId: string,
      minutes: number,
      end: 'complete' | 'fail' = 'complete',
      typeId = 'ticket',
    ): Promise<WorkItem> => {
      const item = await create(typeId);
      await cp.transitionWork(SYSTEM, item.id, 'assign', { actorId });
      await cp.transitionWork(SYSTEM, item.id, 'start');
      clock.advance(minutes * MINUTE);
      return cp.transitionWork(SYSTEM, item.id, end);
    };

    it('learns durations and outcomes per work type and per actor as work ends', async () => {
      await useOrg(actor('ann', 'pull'), actor('bob', 'pull'));
      const before = await cp.learnedEstimates(SYSTEM, 'ticket');
      expect(before).toMatchObject({
        configuredSeconds: 1800,
        estimate: { expectedSeconds: 1800, completions: 0, failures: 0 },
        stats: null,
        actors: [],
      });

      const done = await attempt('ann', 10);
      expect(done).toMatchObject({ state: 'done', startedAt: '2026-03-02T09:00:00.000Z' });
      // The completion records the attempt it ended, for the log to be the truth.
      const completed = (await eventsAbout(cp, done.id)).at(-1);
      expect(completed).toMatchObject({
        type: 'coordination.work.completed',
        payload: {
          attempt: {
            typeId: 'ticket',
            actorId: 'ann',
            startedAt: '2026-03-02T09:00:00.000Z',
            durationSeconds: 600,
          },
        },
      });
      const one = await cp.learnedEstimates(SYSTEM, 'ticket');
      expect(one.stats).toMatchObject({ completions: 1, failures: 0, durationWeight: 1 });
      expect(one.stats?.durationSum).toBeCloseTo(600);
      // One 10-minute completion against three pseudo-observations of the configured 30.
      expect(one.estimate.expectedSeconds).toBeCloseTo((3 * 1800 + 600) / 4);
      expect(one.actors.map((a) => a.actorId)).toEqual(['ann']);
      expect(one.actors[0]?.estimate.expectedSeconds).toBeCloseTo(
        (3 * one.estimate.expectedSeconds + 600) / 4,
      );

      // A failure counts against the actor's and the type's success rate, and measures nothing.
      const failed = await attempt('bob', 5, 'fail');
      expect(failed.state).toBe('queued');
      expect(
        (await eventsAbout(cp, failed.id)).find((e) => e.type === 'coordination.work.failed'),
      ).toMatchObject({ payload: { attempt: { actorId: 'bob', durationSeconds: null } } });
      const two = await cp.learnedEstimates(SYSTEM, 'ticket');
      expect(two.stats).toMatchObject({ completions: 1, failures: 1, durationWeight: 1 });
      expect(two.stats?.successWeight).toBeCloseTo(LEARNING.decay);
      expect(two.stats?.failureWeight).toBeCloseTo(1);
      expect(two.estimate.successRate).toBeLessThan(one.estimate.successRate);
      const bob = two.actors.find((a) => a.actorId === 'bob');
      expect(bob?.stats).toMatchObject({ completions: 0, failures: 1 });
      expect(bob?.estimate.successRate).toBeLessThan(two.estimate.successRate);
      // Other types learn nothing from tickets.
      expect((await cp.learnedEstimates(SYSTEM, 'refund')).stats).toBeNull();
    });

    it('keeps figures the event log alone rebuilds', async () => {
      await useOrg(actor('ann', 'pull'), actor('bob', 'pull'));
      await attempt('ann', 12);
      await attempt('bob', 40);
      await attempt('ann', 3, 'fail');
      await attempt('bob', 25, 'complete', 'refund');
      await attempt('ann', 7);
      const rebuilt = rebuildWorkStats(await allEvents(cp), LEARNING.decay);
      const stored = [
        ...(await Promise.all(
          ['ticket', 'refund'].map(async (typeId) => {
            const learned = await cp.learnedEstimates(SYSTEM, typeId);
            return [learned.stats, ...learned.actors.map((a) => a.stats)];
          }),
        )),
      ].flat();
      const key = (s: { typeId: string; actorId: string | null } | null) =>
        `${s?.typeId ?? ''}/${s?.actorId ?? ''}`;
      expect(stored.map(key).sort()).toEqual(rebuilt.map(key).sort());
      for (const figures of rebuilt) {
        const match = stored.find((s) => key(s) === key(figures));
        expect(match).toMatchObject({
          completions: figures.completions,
          failures: figures.failures,
          updatedAt: figures.updatedAt,
        });
        for (const field of [
          'durationWeight',
          'durationSum',
          'successWeight',
          'failureWeight',
        ] as const) {
          expect(match?.[field]).toBeCloseTo(figures[field], 9);
        }
      }
    });

    it('loses no observation when work of one type ends concurrently', async () => {
      await useOrg(actor('ann', 'pull'), actor('bob', 'pull'));
      const items: WorkItem[] = [];
      for (let i = 0; i < 8; i += 1) {
        const item = await create();
        const actorId = i % 2 === 0 ? 'ann' : 'bob';
        await cp.transitionWork(SYSTEM, item.id, 'assign', { actorId });
        items.push(await cp.transitionWork(SYSTEM, item.id, 'start'));
      }
      clock.advance(20 * MINUTE);
      await Promise.all(items.map((i) => cp.transitionWork(SYSTEM, i.id, 'complete')));
      const learned = await cp.learnedEstimates(SYSTEM, 'ticket');
      expect(learned.stats?.completions).toBe(8);
      expect(learned.actors.map((a) => a.stats.completions)).toEqual([4, 4]);
      const weight = (1 - LEARNING.decay ** 8) / (1 - LEARNING.decay);
      expect(learned.stats?.durationWeight).toBeCloseTo(weight, 9);
      expect(learned.stats?.durationSum).toBeCloseTo(weight * 1200, 6);
    });

    it('offers work to the actor learned to be faster on its type', async () => {
      await useOrg(actor('ann', 'push'), actor('bob', 'push'));
      for (let i = 0; i < 3; i += 1) {
        await attempt('ann', 90);
        await attempt('bob', 10);
      }
      const item = await create();
      const [offer] = await cp.dispatchOffers();
      expect(offer).toMatchObject({ id: item.id, offeredTo: 'bob' });
      const decision = await offerDecision(item.id);
      const [bob, ann] = decision.candidates;
      expect(bob).toMatchObject({ actorId: 'bob', fit: 1, free: 1, cost: 1 });
      expect(ann).toMatchObject({ actorId: 'ann', fit: 1, free: 1, cost: 1 });
      expect(bob?.speed).toBeGreaterThan(0.5);
      expect(ann?.speed).toBeLessThan(0.5);
      expect(bob?.learned.completions).toBe(3);
      expect(bob?.learned.expectedSeconds).toBeLessThan(ann?.learned.expectedSeconds ?? 0);
      expect(decision.estimate.completions).toBe(6);

      // The explanation of the offered item shows the recorded decision, parts and all.
      const explanation = await cp.explainWork(SYSTEM, item.id);
      expect(explanation.offer).toMatchObject({ actorId: 'bob', decision: { mode: 'push' } });
      expect(explanation.offer?.decision).toEqual(decision);
    });

    it('offers work to the actor learned to be more reliable on its type', async () => {
      await useOrg(actor('ann', 'push'), actor('bob', 'push'));
      // Equally fast, but ann's attempts fail half the time.
      for (let i = 0; i < 3; i += 1) {
        await attempt('ann', 20);
        await attempt('ann', 20, 'fail');
        await attempt('bob', 20);
      }
      // A queued item neither failed: the explanation scores both as matching would now.
      const item = await create();
      const explained = await cp.explainWork(SYSTEM, item.id);
      expect(explained.match?.candidates.map((c) => c.actorId)).toEqual(['bob', 'ann']);
      const [bob, ann] = explained.match?.candidates ?? [];
      expect(bob?.success).toBeGreaterThan(ann?.success ?? 1);
      expect(ann?.learned).toMatchObject({ completions: 3, failures: 3 });

      // The failed items went back to the queue; only the new one is left for an offer to bob.
      const offers = await cp.dispatchOffers(10);
      expect(offers.find((o) => o.id === item.id)).toMatchObject({ offeredTo: 'bob' });
    });

    it('offers work to the cheaper actor when all else is equal', async () => {
      await useOrg(actor('ann', 'push', 120), actor('bob', 'push', 40));
      const item = await create();
      const [offer] = await cp.dispatchOffers();
      expect(offer).toMatchObject({ id: item.id, offeredTo: 'bob' });
      const decision = await offerDecision(item.id);
      expect(decision.candidates.map((c) => [c.actorId, c.cost, c.learned.expectedCost])).toEqual([
        ['bob', 1, 20],
        ['ann', 1 / 3, 60],
      ]);
      expect((await cp.getActor(SYSTEM, 'ann')).costPerHour).toBe(120);
    });

    it('keeps queue order right across types when a type is learned to take longer', async () => {
      await useOrg(actor('ann', 'pull'));
      const at = clock.now().getTime();
      // The refund is due 20 minutes sooner: ahead while both types expect 30 minutes.
      const ticket = await create('ticket', { dueAt: new Date(at + 6 * HOUR).toISOString() });
      const refund = await create('refund', {
        dueAt: new Date(at + 6 * HOUR - 20 * MINUTE).toISOString(),
      });
      const keys = [ticket.priority, refund.priority];
      const explainTotal = async (w: WorkItem) =>
        (await cp.explainWork(SYSTEM, w.id)).priority.total;
      expect(await explainTotal(refund)).toBeGreaterThan(await explainTotal(ticket));

      // Tickets turn out to take two hours each (done by hand, outside the queue).
      for (let i = 0; i < 3; i += 1) await attempt('ann', 120);
      const learned = await cp.learnedEstimates(SYSTEM, 'ticket');
      expect(learned.estimate.expectedSeconds).toBeGreaterThan(3600);
      // Nothing was rescored…
      expect((await cp.getWork(SYSTEM, ticket.id)).priority).toBe(keys[0]);
      expect((await cp.getWork(SYSTEM, refund.id)).priority).toBe(keys[1]);
      // …yet the ticket now has less slack, comes first, and the claim agrees with explain.
      const ticketExplained = await cp.explainWork(SYSTEM, ticket.id);
      expect(ticketExplained.estimate?.expectedSeconds).toBeCloseTo(
        learned.estimate.expectedSeconds,
      );
      expect(ticketExplained.priority.total).toBeGreaterThan(await explainTotal(refund));
      const first = await cp.claimWork(SYSTEM, 'ann');
      expect(first.claimed?.id).toBe(ticket.id);
      expect(first.claimed === null ? null : first.decision.estimate.completions).toBe(3);
      expect((await cp.claimWork(SYSTEM, 'ann')).claimed?.id).toBe(refund.id);
    });

    it('offers across types in the order learned durations give', async () => {
      await useOrg(actor('ann', 'pull'), { ...actor('pam', 'push'), capacity: 1 });
      const at = clock.now().getTime();
      const ticket = await create('ticket', { dueAt: new Date(at + 6 * HOUR).toISOString() });
      const refund = await create('refund', {
        dueAt: new Date(at + 6 * HOUR - 20 * MINUTE).toISOString(),
      });
      for (let i = 0; i < 3; i += 1) await attempt('ann', 120);
      const [offer] = await cp.dispatchOffers();
      expect(offer).toMatchObject({ id: ticket.id, offeredTo: 'pam' });
      expect((await cp.getWork(SYSTEM, refund.id)).state).toBe('queued');
    });
  });
}
