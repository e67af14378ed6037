import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { Principal } from '../../src/core/principal.js';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import {
  beforeAllOrFail,
  DIALECTS,
  disposeOpened,
  openTestControlPlane,
} from '../support/dialects.js';
import { applyDocument, expectDomainError, orgDocument, SKILLED_ACTORS } from './fixtures.js';

const operator: Principal = { kind: 'cli', user: 'olga' };
const bob: Principal = { kind: 'token', tokenId: 't-bob', role: 'agent', actorId: 'bob' };
const ann: Principal = { kind: 'token', tokenId: 't-ann', role: 'operator', actorId: 'ann' };

const POLICIES = `@id("agents-work")
permit(
  principal is Actor,
  action in [Action::"claim", Action::"start", Action::"fail", Action::"release"],
  resource is WorkItem
)
when { principal.kind == "agent" && principal in resource.domain };

@id("completions") @mode("approval") @expires("1h")
permit(principal is Actor, action == Action::"complete", resource is WorkItem)
when { principal in resource.domain };

@id("refunds") @mode("approval")
permit(principal is Actor, action == Action::"refund", resource is Domain)
when { principal in resource };
`;

for (const dialect of DIALECTS) {
  describe(`approvals: stored, routed, decided and spent once [${dialect}]`, () => {
    const clock = new ManualClock('2026-03-02T09:00:00.000Z');
    let cp: ControlPlane;

    beforeAllOrFail(async () => {
      cp = (await openTestControlPlane(dialect, { clock })).cp;
      await applyDocument(cp, {
        ...orgDocument(SKILLED_ACTORS),
        actions: [{ id: 'refund', appliesTo: ['domain'], context: { amount: 'Long' } }],
        policies: [{ name: 'policies/ops.cedar', text: POLICIES }],
        receivers: [
          {
            name: 'ops-oncall',
            escalation: {
              steps: [
                { notify: ['ann'], escalate_after: '10m' },
                { notify: ['@domain-owners'], escalate_after: '10m' },
              ],
            },
          },
        ],
        route: { receiver: 'ops-oncall', group_wait: '0s' },
      });
    });
    afterAll(disposeOpened);

    it('routes a pending approval as an exception, escalates it, and closes it when decided', async () => {
      const item = await cp.createWork(operator, { typeId: 'ticket', title: 'one' });
      await cp.claimWork(bob, undefined);
      await cp.transitionWork(bob, item.id, 'start');
      const approval = await cp.approvals.request(bob, {
        action: 'complete',
        resource: { type: 'WorkItem', id: item.id },
        arguments: { reason: 'done' },
      });
      expect(approval).toMatchObject({
        state: 'pending',
        approvers: ['ann'],
        expiresAt: '2026-03-02T10:00:00.000Z',
        arguments: { reason: 'done' },
      });
      const stored = await cp.approvals.get(operator, approval.id);
      expect(stored).toEqual(approval);
      const exception = await cp.monitoring.get(operator, approval.exceptionId ?? '');
      expect(exception).toMatchObject({
        state: 'open',
        receivers: ['ops-oncall'],
        labels: { alertname: 'ApprovalPending', domain: 'ops', action: 'complete' },
      });
      clock.advance(11 * 60_000);
      const moved = await cp.monitoring.escalate();
      expect(moved.map((e) => e.id)).toContain(exception.id);
      const escalated = await cp.monitoring.get(operator, exception.id);
      expect(escalated.history.map((e) => e.type)).toContain('monitoring.exception.notified');
      expect(escalated.escalations[0]?.step).toBe(1);

      await cp.approvals.approve(ann, approval.id, { reason: 'ok' });
      expect((await cp.monitoring.get(operator, exception.id)).state).toBe('resolved');
      const done = await cp.transitionWork(bob, item.id, 'complete', {
        reason: 'done',
        approvalId: approval.id,
      });
      expect(done.state).toBe('done');
      expect(await cp.approvals.get(operator, approval.id)).toMatchObject({
        state: 'used',
        usedAt: clock.now().toISOString(),
        version: 3,
      });
    });

    it('spends an approval once when two uses race', async () => {
      const approval = await cp.approvals.request(bob, {
        action: 'refund',
        resource: { type: 'Domain', id: 'ops' },
        arguments: { amount: 10 },
      });
      await cp.approvals.approve(ann, approval.id);
      const perform = () =>
        cp.approvals.perform(bob, {
          action: 'refund',
          resource: { type: 'Domain', id: 'ops' },
          arguments: { amount: 10 },
          approvalId: approval.id,
        });
      const results = await Promise.allSettled([perform(), perform(), perform()]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const used = await cp.listEvents(operator, {
        types: ['supervision.approval.used', 'supervision.action.performed'],
        subject: undefined,
        limit: 100,
      });
      expect(used.filter((e) => e.subject === approval.id)).toHaveLength(1);
    });

    it('expires pending approvals at their time, lists by state with a cursor', async () => {
      const asked = [];
      for (const amount of [1, 2, 3])
        asked.push(
          await cp.approvals.request(bob, {
            action: 'refund',
            resource: { type: 'Domain', id: 'ops' },
            arguments: { amount },
          }),
        );
      const next = await cp.approvals.nextExpiry();
      expect(next?.toISOString()).toBe(asked[0]?.expiresAt);
      expect(await cp.approvals.expireDue()).toEqual([]);
      clock.advance(24 * 3600 * 1000);
      const expired = await cp.approvals.expireDue();
      expect(expired.map((a) => a.id)).toEqual(asked.map((a) => a.id));
      expect(await cp.approvals.nextExpiry()).toBeNull();
      const page1 = await cp.approvals.list(operator, { state: 'expired', limit: 2 });
      const page2 = await cp.approvals.list(operator, {
        state: 'expired',
        limit: 2,
        after: page1.at(-1)?.id,
      });
      expect([...page1, ...page2].map((a) => a.id)).toEqual(asked.map((a) => a.id));
      const refused = await expectDomainError(
        cp.approvals.approve(ann, asked[0]?.id ?? ''),
        'illegal_transition',
      );
      expect(refused.message).toMatch(/is expired/);
    });
  });
}
