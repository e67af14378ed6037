import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { Principal } from '../../src/core/principal.js';
import { ControlPlane } from '../../src/runtime/control-plane.js';
import {
  beforeAllOrFail,
  DIALECTS,
  disposeOpened,
  openTestControlPlane,
} from '../support/dialects.js';
import {
  applyDocument,
  clearBacklog,
  eventsAbout,
  expectDomainError,
  orgDocument,
  SKILLED_ACTORS,
} from './fixtures.js';

const operator: Principal = { kind: 'cli', user: 'olga' };
const tokenOf = (actorId: string): Principal => ({
  kind: 'token',
  tokenId: `t-${actorId}`,
  role: 'agent',
  actorId,
});
const bob = tokenOf('bob');
const cat = tokenOf('cat');
const dan = tokenOf('dan');

const MINUTE = 60_000;

for (const dialect of DIALECTS) {
  describe(`controls: pauses, redirects, budgets and rate limits [${dialect}]`, () => {
    const clock = new ManualClock('2026-03-02T09:00:00.000Z');
    let cp: ControlPlane;
    /** On PostgreSQL another node on the same database; on SQLite the same one. */
    let other: ControlPlane;
    let secondNode: ControlPlane | null = null;

    beforeAllOrFail(async () => {
      const t = await openTestControlPlane(dialect, { clock });
      cp = t.cp;
      if (dialect === 'postgres')
        secondNode = await ControlPlane.open({ databaseUrl: t.url, leaseSeconds: 300 }, { clock });
      other = secondNode ?? cp;
      const base = orgDocument(SKILLED_ACTORS);
      await applyDocument(cp, {
        ...base,
        // dan does the triage too here, and costs 60 units an hour.
        actors: (base.actors ?? []).map((a) =>
          a.id === 'dan' ? { ...a, skills: { triage: 1 }, costPerHour: 60 } : a,
        ),
        actions: [{ id: 'refund', class: 'payments', appliesTo: ['domain'] }],
        budgets: [
          { agent: 'cat', actionsPerMinute: 3 },
          { agent: 'dan', costPerDay: 10, warnAt: 0.5 },
        ],
      });
    });
    afterAll(async () => {
      await secondNode?.close();
      await disposeOpened();
    });

    it('pauses one class of an agent’s actions from its next request, and lifts it', async () => {
      const item = await cp.createWork(operator, { typeId: 'ticket', title: 'one' });
      expect((await cp.claimWork(bob, undefined)).claimed?.id).toBe(item.id);

      const pause = await cp.controls.pause(operator, { actorId: 'bob', reason: 'odd answers' });
      expect(pause).toMatchObject({
        kind: 'pause',
        actorId: 'bob',
        actionClass: 'work',
        appliedBy: 'cli:olga',
        reason: 'odd answers',
        liftedAt: null,
      });
      const before = await cp.latestSeq(operator);
      const refused = await expectDomainError(
        cp.transitionWork(bob, item.id, 'start'),
        'forbidden',
      );
      expect(refused.message).toMatch(/'bob' may not start work: its 'work' actions are paused/);
      expect(refused.message).toMatch(/by cli:olga: odd answers/);
      expect(refused.details).toMatchObject({ pause: pause.id, appliedBy: 'cli:olga' });
      await expectDomainError(cp.claimWork(bob, undefined), 'forbidden');
      await expectDomainError(cp.createWork(bob, { typeId: 'ticket', title: 'x' }), 'forbidden');
      // Nobody gives it work either; it is not stopped: its heartbeat goes on, it keeps its item.
      const other = await cp.createWork(operator, { typeId: 'ticket', title: 'two' });
      const seq = await cp.latestSeq(operator);
      expect(seq).toBeGreaterThan(before);
      await expectDomainError(
        cp.transitionWork(operator, other.id, 'assign', { actorId: 'bob' }),
        'forbidden',
      );
      expect(await cp.latestSeq(operator)).toBe(seq);
      expect((await cp.heartbeat(bob, 'bob')).id).toBe('bob');
      expect((await cp.getWork(operator, item.id)).ownerId).toBe('bob');
      // Other agents go on.
      expect((await cp.claimWork(cat, undefined)).claimed?.id).toBe(other.id);
      await expectDomainError(
        cp.controls.pause(operator, { actorId: 'bob', reason: 'again' }),
        'conflict',
      );

      await cp.controls.liftPause(operator, pause.id, 'fixed');
      await expectDomainError(
        cp.controls.liftPause(operator, pause.id, 'twice'),
        'illegal_transition',
      );
      expect((await cp.transitionWork(bob, item.id, 'start')).state).toBe('in_progress');
      const events = await eventsAbout(cp, pause.id);
      expect(events.map((e) => [e.type, e.actor, e.payload])).toEqual([
        [
          'supervision.pause.applied',
          'cli:olga',
          { actorId: 'bob', actionClass: 'work', reason: 'odd answers' },
        ],
        [
          'supervision.pause.lifted',
          'cli:olga',
          { actorId: 'bob', actionClass: 'work', reason: 'fixed' },
        ],
      ]);
      await clearBacklog(cp);
    });

    it('pauses a custom action class: its checks answer deny, work goes on', async () => {
      const check = () =>
        cp.checkAuthority(bob, { action: 'refund', resource: { type: 'Domain', id: 'ops' } });
      expect((await check()).decision).toBe('allow');
      const pause = await cp.controls.pause(operator, {
        actorId: 'bob',
        actionClass: 'payments',
        reason: 'refund fraud',
      });
      const denied = await check();
      expect(denied).toMatchObject({
        decision: 'deny',
        pause: {
          id: pause.id,
          actionClass: 'payments',
          appliedBy: 'cli:olga',
          reason: 'refund fraud',
        },
      });
      expect(denied.reason).toMatch(/refund fraud/);
      await cp.createWork(operator, { typeId: 'ticket', title: 'work goes on' });
      expect((await cp.claimWork(bob, undefined)).claimed).not.toBeNull();
      await cp.controls.liftPause(operator, pause.id, 'cleared');
      expect((await check()).decision).toBe('allow');

      await expectDomainError(
        cp.controls.pause(operator, { actorId: 'bob', actionClass: 'nothing', reason: 'x' }),
        'unknown_reference',
      );
      const person = await expectDomainError(
        cp.controls.pause(operator, { actorId: 'ann', reason: 'x' }),
        'validation_failed',
      );
      expect(person.issues.map((i) => i.path)).toEqual(['actorId']);
      await expectDomainError(cp.controls.pause(bob, { actorId: 'cat', reason: 'x' }), 'forbidden');
      expect(
        (await cp.controls.listPauses(operator, { limit: 10 })).map((p) => p.liftReason),
      ).toEqual(['cleared', 'fixed']);
      expect(await cp.controls.listPauses(operator, { active: true, limit: 10 })).toEqual([]);
      await clearBacklog(cp);
    });

    it('refuses a custom action of a paused class on every node, recording nothing, until lifted', async () => {
      const refund = (on: ControlPlane) =>
        on.approvals.perform(bob, { action: 'refund', resource: { type: 'Domain', id: 'ops' } });
      const pause = await cp.controls.pause(operator, {
        actorId: 'bob',
        actionClass: 'payments',
        reason: 'double refunds',
      });
      const before = await cp.latestSeq(operator);
      const refused = await expectDomainError(refund(other), 'forbidden');
      expect(refused.message).toMatch(
        /'bob' may not refund: its 'payments' actions are paused \(.*by cli:olga: double refunds\)/,
      );
      expect(refused.details).toMatchObject({
        pause: pause.id,
        actionClass: 'payments',
        appliedBy: 'cli:olga',
        reason: 'double refunds',
      });
      // A person cannot ask on its behalf either; another agent's refunds go on.
      await expectDomainError(
        cp.approvals.request(operator, {
          actorId: 'bob',
          action: 'refund',
          resource: { type: 'Domain', id: 'ops' },
        }),
        'forbidden',
      );
      await expectDomainError(refund(cp), 'forbidden');
      expect(await cp.latestSeq(operator)).toBe(before);
      expect(
        await cp.approvals.perform(cat, {
          action: 'refund',
          resource: { type: 'Domain', id: 'ops' },
        }),
      ).toMatchObject({ actorId: 'cat', class: 'payments', decision: 'allow' });
      const map = await cp.approvals.actorAuthority(bob);
      expect(map.pauses).toEqual([
        {
          id: pause.id,
          actionClass: 'payments',
          appliedBy: 'cli:olga',
          reason: 'double refunds',
        },
      ]);
      expect(map.custom).toMatchObject([{ action: 'refund', decision: 'deny' }]);

      await cp.controls.liftPause(operator, pause.id, 'reconciled');
      expect(await refund(other)).toMatchObject({
        actorId: 'bob',
        action: 'refund',
        class: 'payments',
        decision: 'allow',
      });
      expect((await cp.approvals.actorAuthority(bob)).custom).toMatchObject([
        { action: 'refund', decision: 'allow' },
      ]);
      await clearBacklog(cp);
    });

    it('redirects an agent’s work to the queue, and gives it none until lifted', async () => {
      const held = await cp.createWork(operator, { typeId: 'ticket', title: 'held' });
      await cp.claimWork(bob, undefined);
      await cp.transitionWork(bob, held.id, 'start');
      const offered = await cp.createWork(operator, { typeId: 'ticket', title: 'offered' });
      await cp.transitionWork(operator, offered.id, 'offer', { actorId: 'bob' });

      const { redirect, moved } = await cp.controls.redirect(operator, {
        actorId: 'bob',
        reason: 'retraining',
      });
      expect(redirect).toMatchObject({ kind: 'redirect', to: null, appliedBy: 'cli:olga' });
      expect(moved).toEqual([
        { workItem: held.id, from: 'held', to: null },
        { workItem: offered.id, from: 'offered', to: null },
      ]);
      for (const id of [held.id, offered.id]) {
        const item = await cp.getWork(operator, id);
        expect(item).toMatchObject({ state: 'queued', ownerId: null, offeredTo: null });
        expect(item.history.at(-1)).toMatchObject({
          type: 'coordination.work.released',
          actor: 'cli:olga',
          payload: { reason: 'redirected: retraining' },
        });
      }
      // Never back to it while redirected: its claim and an operator's assignment are refused.
      const refused = await expectDomainError(cp.claimWork(bob, undefined), 'forbidden');
      expect(refused.message).toMatch(/its work is redirected to the queue .*retraining/);
      await expectDomainError(
        cp.transitionWork(operator, held.id, 'assign', { actorId: 'bob' }),
        'forbidden',
      );
      // Others take it; bob's other actions go on.
      expect((await cp.claimWork(cat, undefined)).claimed?.id).toBe(held.id);
      expect((await cp.heartbeat(bob, 'bob')).id).toBe('bob');
      await expectDomainError(
        cp.controls.redirect(operator, { actorId: 'bob', reason: 'twice' }),
        'conflict',
      );
      await cp.controls.liftRedirect(operator, redirect.id, 'retrained');
      expect((await cp.claimWork(bob, undefined)).claimed?.id).toBe(offered.id);
      const events = await eventsAbout(cp, redirect.id);
      expect(events.map((e) => e.type)).toEqual([
        'supervision.redirect.applied',
        'supervision.redirect.lifted',
      ]);
      expect(events[0]?.payload).toMatchObject({ actorId: 'bob', to: null, reason: 'retraining' });
      await clearBacklog(cp);
    });

    it('redirects to a named actor, or refuses the whole redirect when it cannot take it', async () => {
      const one = await cp.createWork(operator, { typeId: 'ticket', title: 'one' });
      const two = await cp.createWork(operator, { typeId: 'ticket', title: 'two' });
      await cp.claimWork(bob, undefined);
      await cp.claimWork(bob, undefined);
      // cat has room for one item only: nothing moves.
      const before = await cp.latestSeq(operator);
      await expectDomainError(
        cp.controls.redirect(operator, { actorId: 'bob', to: 'cat', reason: 'x' }),
        'capacity_exceeded',
      );
      expect(await cp.latestSeq(operator)).toBe(before);
      expect((await cp.getWork(operator, one.id)).ownerId).toBe('bob');
      await expectDomainError(
        cp.controls.redirect(operator, { actorId: 'bob', to: 'bob', reason: 'x' }),
        'validation_failed',
      );
      await expectDomainError(
        cp.controls.redirect(operator, { actorId: 'bob', to: 'nobody', reason: 'x' }),
        'unknown_reference',
      );

      const { redirect, moved } = await cp.controls.redirect(operator, {
        actorId: 'bob',
        to: 'ann',
        reason: 'needs a person',
      });
      expect(moved.map((m) => m.to)).toEqual(['ann', 'ann']);
      for (const id of [one.id, two.id]) {
        const item = await cp.getWork(operator, id);
        expect(item).toMatchObject({ state: 'assigned', ownerId: 'ann' });
        expect(
          item.history.slice(-2).map((e) => [e.type, (e.payload as { reason?: string }).reason]),
        ).toEqual([
          ['coordination.work.released', 'redirected: needs a person'],
          ['coordination.work.assigned', "redirected from 'bob': needs a person"],
        ]);
      }
      await cp.controls.liftRedirect(operator, redirect.id, 'done');
      await clearBacklog(cp);
    });

    it('rate-limits an agent’s work actions per minute, raising RateLimited once', async () => {
      clock.set('2026-03-02T10:00:10.000Z');
      for (let i = 0; i < 3; i++) await cp.claimWork(cat, undefined);
      const before = await cp.latestSeq(operator);
      const refused = await expectDomainError(cp.claimWork(cat, undefined), 'rate_limited');
      expect(refused.details).toMatchObject({ limit: 3, retryAfterSeconds: 50 });
      expect(await cp.latestSeq(operator)).toBe(before);
      const [usage] = (await cp.controls.budgets(operator, 'cat'))[0]?.usage ?? [];
      expect(usage).toMatchObject({ window: 'minute', used: 3, limit: 3 });
      const raised = await cp.monitoring.list(operator, { alertname: 'RateLimited', limit: 10 });
      expect(raised.map((e) => [e.labels.actor, e.source, e.state])).toEqual([
        ['cat', 'budget', 'open'],
      ]);
      // The next minute counts afresh.
      clock.set('2026-03-02T10:01:00.000Z');
      expect((await cp.claimWork(cat, undefined)).claimed).toBeNull();
      // Agents without a budget are not counted.
      for (let i = 0; i < 5; i++) await cp.claimWork(bob, undefined);
      expect(await cp.controls.budgets(operator, 'bob')).toEqual([]);
    });

    it('warns at the share of a cost budget, and stops new work once it is spent', async () => {
      clock.set('2026-03-02T11:00:00.000Z');
      const work = async (minutes: number) => {
        const item = await cp.createWork(operator, { typeId: 'ticket', title: 'costly' });
        expect((await cp.claimWork(dan, undefined)).claimed?.id).toBe(item.id);
        await cp.transitionWork(dan, item.id, 'start');
        clock.advance(minutes * MINUTE);
        return cp.transitionWork(dan, item.id, 'complete');
      };
      await work(4); // 4 units of 10
      expect(
        await cp.monitoring.list(operator, {
          source: 'budget',
          alertname: 'BudgetWarning',
          limit: 5,
        }),
      ).toEqual([]);
      await work(2); // 6: past the warning at half
      const warned = await cp.monitoring.list(operator, { alertname: 'BudgetWarning', limit: 5 });
      expect(warned.map((e) => [e.labels.actor, e.labels.severity, e.labels.period])).toEqual([
        ['dan', 'warning', '2026-03-02'],
      ]);
      // The last item runs over: it completes (the cost is incurred), and raises BudgetExceeded.
      expect((await work(5)).state).toBe('done');
      const exceeded = await cp.monitoring.list(operator, {
        alertname: 'BudgetExceeded',
        limit: 5,
      });
      expect(exceeded.map((e) => [e.labels.actor, e.labels.severity])).toEqual([
        ['dan', 'critical'],
      ]);
      const [day] = (await cp.controls.budgets(operator, 'dan'))[0]?.usage ?? [];
      expect(day).toMatchObject({ window: 'day', period: '2026-03-02', limit: 10 });
      expect(day?.used).toBeCloseTo(11, 6);

      // Spent: no new work, nothing changed; an operator's assignment is the operator's action.
      const queued = await cp.createWork(operator, { typeId: 'ticket', title: 'waits' });
      const before = await cp.latestSeq(operator);
      const refused = await expectDomainError(cp.claimWork(dan, undefined), 'budget_exhausted');
      expect(refused.details).toMatchObject({
        window: 'day',
        limit: 10,
        resetsAt: '2026-03-03T00:00:00.000Z',
      });
      expect(await cp.latestSeq(operator)).toBe(before);
      expect((await cp.getWork(operator, queued.id)).state).toBe('queued');
      // The next day it works again.
      clock.set('2026-03-03T08:00:00.000Z');
      expect((await cp.claimWork(dan, undefined)).claimed?.id).toBe(queued.id);
      await clearBacklog(cp);
    });

    it('counts in the store: concurrent actions on every node stay within the rate limit', async () => {
      clock.set('2026-03-03T12:00:00.000Z');
      await clearBacklog(cp);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? cp : other).claimWork(cat, undefined)),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(3);
      for (const o of outcomes)
        if (o.status === 'rejected')
          expect((o.reason as { code?: string }).code).toBe('rate_limited');
      // A pause applied through one node refuses the very next request through the other.
      clock.set('2026-03-03T12:01:00.000Z');
      const pause = await cp.controls.pause(operator, { actorId: 'cat', reason: 'look' });
      await expectDomainError(other.claimWork(cat, undefined), 'forbidden');
      await other.controls.liftPause(operator, pause.id, 'ok');
      expect((await cp.claimWork(cat, undefined)).claimed).toBeNull();
    });
  });
}
