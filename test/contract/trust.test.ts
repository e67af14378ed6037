import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { OrgConfigInput } from '../../src/core/org-config.js';
import type { Principal } from '../../src/core/principal.js';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import {
  beforeAllOrFail,
  DIALECTS,
  disposeOpened,
  openTestControlPlane,
} from '../support/dialects.js';
import { applyDocument, expectDomainError, orgDocument, TEST_ACTORS } from './fixtures.js';

const operator: Principal = { kind: 'cli', user: 'olga' };
const bob: Principal = { kind: 'token', tokenId: 't-bob', role: 'agent', actorId: 'bob' };
const DAY_MS = 86_400_000;

/** Agents work in their domain; refunds alone only from trust level 2 in work. */
export const TRUST_POLICIES = `
@id("agents-work")
permit (principal is Actor, action in [Action::"claim", Action::"start", Action::"complete", Action::"fail", Action::"release"], resource is WorkItem)
when { principal.kind == "agent" && principal in resource.domain };

@id("trusted-refunds")
permit (principal is Actor, action == Action::"refund", resource is Domain)
when { principal in resource && principal.trust.work >= 2 };
`;

export function trustDocument(): OrgConfigInput {
  return {
    ...orgDocument(TEST_ACTORS),
    actions: [{ id: 'refund', appliesTo: ['domain'], class: 'refund' }],
    policies: [{ name: 'work.cedar', text: TRUST_POLICIES }],
    trust: {
      halfLife: '30d',
      initial: { bob: { work: 1 } },
      promotions: [
        { to: 2, minAttempts: 2.5, minSuccessRate: 0.9, cleanDays: 1 },
        { to: 3, minAttempts: 2.5, minSuccessRate: 0.9, cleanDays: 1, automatic: true },
      ],
      incidents: { demoteTo: 0 },
    },
  };
}

for (const dialect of DIALECTS) {
  describe(`trust: earned levels decide, promotions, the circuit breaker [${dialect}]`, () => {
    const clock = new ManualClock('2026-03-02T09:00:00.000Z');
    let cp: ControlPlane;

    beforeAllOrFail(async () => {
      cp = (await openTestControlPlane(dialect, { clock })).cp;
      await applyDocument(cp, trustDocument());
    });
    afterAll(disposeOpened);

    const refund = () =>
      cp.checkAuthority(operator, {
        actorId: 'bob',
        action: 'refund',
        resource: { type: 'Domain', id: 'ops' },
      });

    async function doWork(n: number): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const item = await cp.createWork(operator, { typeId: 'ticket', title: `t${i}` });
        expect((await cp.claimWork(bob, undefined)).claimed?.id).toBe(item.id);
        await cp.transitionWork(bob, item.id, 'start');
        clock.advance(60_000);
        await cp.transitionWork(bob, item.id, 'complete');
        ids.push(item.id);
      }
      return ids;
    }

    it('starts at the file’s initial level, which a policy gated on level 2 denies', async () => {
      const [entry] = await cp.trust.list(operator, { actorId: 'bob', class: 'work' });
      expect(entry).toMatchObject({ level: 1, setAt: null, evidence: null, domainId: 'ops' });
      expect((await refund()).decision).toBe('deny');
    });

    it('folds completed work into the record and proposes the promotion once clean days pass', async () => {
      const done = await doWork(3);
      await cp.trust.catchUp();
      let [entry] = await cp.trust.list(operator, { actorId: 'bob', class: 'work' });
      expect(entry?.evidence?.counts.successes).toBeCloseTo(3, 3);
      expect(entry?.next).toMatchObject({
        to: 2,
        unmet: expect.stringContaining('clean days') as unknown,
      });
      expect(entry?.pendingPromotion).toBeNull();

      clock.advance(DAY_MS);
      expect(await cp.trust.evaluate()).toEqual({ promoted: 0, proposed: 1 });
      // Evaluated again: one pending promotion is enough.
      expect(await cp.trust.evaluate()).toEqual({ promoted: 0, proposed: 0 });
      [entry] = await cp.trust.list(operator, { actorId: 'bob', class: 'work' });
      expect(entry?.level).toBe(1);
      const [pending] = await cp.trust.promotions(operator, { state: 'pending' });
      expect(pending).toMatchObject({
        actorId: 'bob',
        domainId: 'ops',
        class: 'work',
        from: 1,
        to: 2,
      });
      expect(entry?.pendingPromotion).toBe(pending?.id);
      // Three attempts a day old at a 30-day half-life.
      expect(pending?.evidence.counts.attempts).toBeCloseTo(3 * Math.pow(0.5, 1 / 30), 3);
      expect(done).toHaveLength(3);
    });

    it('applies an approved promotion, after which the same policy allows; then promotes automatically', async () => {
      const [pending] = await cp.trust.promotions(operator, { state: 'pending' });
      await expectDomainError(
        cp.trust.decidePromotion(bob, pending?.id ?? '', 'approved', 'me'),
        'forbidden',
      );
      const approved = await cp.trust.decidePromotion(
        operator,
        pending?.id ?? '',
        'approved',
        'good record',
      );
      expect(approved).toMatchObject({ state: 'approved', decidedBy: 'cli:olga' });
      await expectDomainError(
        cp.trust.decidePromotion(operator, pending?.id ?? '', 'approved', 'again'),
        'illegal_transition',
      );
      const check = await refund();
      expect(check.decision).toBe('allow');
      expect(check.policies.map((p) => p.id)).toEqual(['trusted-refunds']);

      // Level 3 is automatic under the same rule: the timer applies it.
      expect(await cp.trust.evaluate()).toEqual({ promoted: 1, proposed: 0 });
      const changes = await cp.listEvents(operator, {
        types: ['supervision.trust.changed'],
        limit: 10,
      });
      expect(changes.map((e) => e.payload)).toMatchObject([
        { actorId: 'bob', from: 1, to: 2, cause: 'approved_promotion', promotionId: pending?.id },
        { from: 2, to: 3, cause: 'promotion', evidence: { rule: { to: 3, automatic: true } } },
      ]);
    });

    it('demotes at once on an incident, and counts it in the record', async () => {
      const result = await cp.trust.recordIncident(operator, {
        actorId: 'bob',
        reason: 'refunded the wrong customer',
      });
      expect(result).toMatchObject({ domainId: 'ops', class: 'work', from: 3, to: 0 });
      expect((await refund()).decision).toBe('deny');
      // The claim policy does not read trust: bob still works, and its level is 0 now.
      await cp.trust.catchUp();
      const detail = await cp.trust.detail(operator, 'bob');
      const work = detail.entries.find((e) => e.class === 'work');
      expect(work).toMatchObject({ level: 0, setBy: 'cli:olga' });
      expect(work?.evidence?.counts.incidents).toBe(1);
      expect(work?.evidence?.cleanDays).toBe(0);
      expect(detail.marks[0]).toMatchObject({
        kind: 'incident',
        reason: 'refunded the wrong customer',
      });
      expect(detail.changes[0]?.payload).toMatchObject({ cause: 'incident', to: 0 });
    });

    it('records a reversal against the agent that completed the item', async () => {
      const [item] = await doWork(1);
      const reversal = await cp.trust.recordReversal(operator, {
        workItemId: item ?? '',
        reason: 'the customer was charged twice',
      });
      expect(reversal).toMatchObject({
        actorId: 'bob',
        domainId: 'ops',
        class: 'work',
        workItemId: item,
      });
      await cp.trust.catchUp();
      const [record] = await cp.trust.list(operator, { actorId: 'bob', class: 'work' });
      expect(record?.evidence?.counts.reversals).toBeCloseTo(1, 9);
      // 4 successes minus 1 reversal over 4 attempts, decayed alike.
      expect(record?.evidence?.successRate).toBeCloseTo(0.75, 2);
    });

    it('refuses bad reports and changes nothing', async () => {
      const before = await cp.latestSeq(operator);
      await expectDomainError(
        cp.trust.recordIncident(operator, { actorId: 'ann', reason: 'x' }),
        'validation_failed',
      );
      await expectDomainError(
        cp.trust.recordIncident(operator, { actorId: 'nobody', reason: 'x' }),
        'unknown_reference',
      );
      await expectDomainError(
        cp.trust.recordIncident(operator, { actorId: 'bob', class: 'deploy', reason: 'x' }),
        'validation_failed',
      );
      await expectDomainError(
        cp.trust.recordIncident(bob, { actorId: 'bob', reason: 'x' }),
        'forbidden',
      );
      expect(await cp.latestSeq(operator)).toBe(before);
    });

    it('lets a person set a level with a reason', async () => {
      const set = await cp.trust.setLevel(operator, {
        actorId: 'bob',
        domainId: 'ops',
        class: 'refund',
        level: 4,
        reason: 'trusted for refunds after review',
      });
      expect(set).toMatchObject({ from: 0, to: 4 });
      const [entry] = await cp.trust.list(operator, { actorId: 'bob', class: 'refund' });
      expect(entry).toMatchObject({ level: 4, setReason: 'trusted for refunds after review' });
    });

    it('rebuilds the records from the log to the same values, keeping the levels', async () => {
      await cp.trust.catchUp();
      const before = await cp.trust.list(operator, {});
      await cp.trust.rebuild(operator);
      expect(await cp.trust.list(operator, {})).toEqual(before);
    });
  });
}

/** Whole-number rules, met by exactly that many fresh successes (decay makes them 2.9999…). */
function wholeNumberDocument(): OrgConfigInput {
  const base = trustDocument();
  return {
    ...base,
    trust: {
      halfLife: '30d',
      initial: { bob: { work: 1 } },
      promotions: [
        { to: 2, minAttempts: 3, minSuccessRate: 1, cleanDays: 0, automatic: true },
        { to: 3, minAttempts: 5, minSuccessRate: 1, cleanDays: 0 },
      ],
      incidents: { demoteTo: 0 },
    },
  };
}

for (const dialect of DIALECTS) {
  describe(`trust: whole-number thresholds met by exactly that many successes [${dialect}]`, () => {
    const clock = new ManualClock('2026-03-02T09:00:00.000Z');
    let cp: ControlPlane;

    beforeAllOrFail(async () => {
      cp = (await openTestControlPlane(dialect, { clock })).cp;
      await applyDocument(cp, wholeNumberDocument());
    });
    afterAll(disposeOpened);

    /** `n` items claimed, started and completed by bob, a minute of work each. */
    async function complete(n: number): Promise<void> {
      for (let i = 0; i < n; i++) {
        const item = await cp.createWork(operator, { typeId: 'ticket', title: `w${i}` });
        expect((await cp.claimWork(bob, undefined)).claimed?.id).toBe(item.id);
        await cp.transitionWork(bob, item.id, 'start');
        clock.advance(60_000);
        await cp.transitionWork(bob, item.id, 'complete');
      }
    }
    const work = async () => (await cp.trust.list(operator, { actorId: 'bob', class: 'work' }))[0];

    it('promotes at the third success, as the record is folded, and not before', async () => {
      await complete(2);
      expect(await work()).toMatchObject({
        level: 1,
        next: { to: 2, unmet: '2.00 attempts of 3' },
      });
      await complete(1);
      await cp.trust.catchUp();
      const entry = await work();
      expect(entry?.evidence?.counts.attempts).toBeLessThan(3);
      expect(entry).toMatchObject({ level: 2, next: { to: 3, unmet: '3.00 attempts of 5' } });
      const [change] = await cp.listEvents(operator, {
        types: ['supervision.trust.changed'],
        limit: 10,
      });
      expect(change?.payload).toMatchObject({
        actorId: 'bob',
        from: 1,
        to: 2,
        cause: 'promotion',
        evidence: { successRate: 1, rule: { to: 2, minAttempts: 3 } },
      });
    });

    it('proposes a rule a person confirms at exactly its count, and only once', async () => {
      await complete(2);
      await cp.trust.catchUp();
      const [pending] = await cp.trust.promotions(operator, { state: 'pending' });
      expect(pending).toMatchObject({ actorId: 'bob', class: 'work', from: 2, to: 3 });
      expect(pending?.evidence.counts.attempts).toBeLessThan(5);
      expect(pending?.evidence.counts.attempts).toBeCloseTo(5, 3);
      // Still met on the timer minutes later; the pending promotion is not proposed again.
      clock.advance(5 * 60_000);
      expect(await cp.trust.evaluate()).toEqual({ promoted: 0, proposed: 0 });
      expect(await cp.trust.promotions(operator, { state: 'pending' })).toHaveLength(1);
    });
  });
}
