import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { OrgConfigInput } from '../../src/core/org-config.js';
import { SYSTEM, type Principal } from '../../src/core/principal.js';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import {
  beforeAllOrFail,
  DIALECTS,
  disposeOpened,
  openTestControlPlane,
} from '../support/dialects.js';
import {
  applyDocument,
  clearBacklog,
  expectDomainError,
  orgDocument,
  SKILLED_ACTORS,
} from './fixtures.js';

const operator: Principal = { kind: 'cli', user: 'olga' };
const bob: Principal = { kind: 'token', tokenId: 't-bob', role: 'agent', actorId: 'bob' };

const POLICIES = `@id("agents-work")
permit(
  principal is Actor,
  action in [Action::"claim", Action::"start", Action::"fail", Action::"release"],
  resource is WorkItem
)
when { principal.kind == "agent" && principal in resource.domain };

@id("completions")
permit(principal is Actor, action == Action::"complete", resource is WorkItem)
when { resource.priority != "high" };

@id("high-completions") @mode("approval")
permit(principal is Actor, action == Action::"complete", resource is WorkItem)
when { resource.priority == "high" };

@id("critical-is-for-people")
forbid(principal is Actor, action == Action::"claim", resource is WorkItem)
when { resource.priority == "critical" };

// Overflows on every item that was ever assigned: an evaluation error, which must deny.
@id("broken-arithmetic")
forbid(principal is Actor, action == Action::"fail", resource is WorkItem)
when { resource.attempts + 9223372036854775807 > 1 };
`;

const withPolicies = (text: string | null): OrgConfigInput => ({
  ...orgDocument(SKILLED_ACTORS),
  ...(text === null ? {} : { policies: [{ name: 'ops.cedar', text }] }),
});

for (const dialect of DIALECTS) {
  describe(`authority policies on agent actions [${dialect}]`, () => {
    const clock = new ManualClock('2026-03-02T09:00:00.000Z');
    let cp: ControlPlane;

    beforeAllOrFail(async () => {
      cp = (await openTestControlPlane(dialect, { clock })).cp;
      await applyDocument(cp, withPolicies(POLICIES));
    });
    afterAll(disposeOpened);

    const ticket = (priorityClass: 'normal' | 'high' | 'critical') =>
      cp.createWork(operator, { typeId: 'ticket', title: priorityClass, priorityClass });

    it('stores the policies with the organization: export applies back unchanged', async () => {
      const exported = await cp.exportConfig(SYSTEM);
      expect(exported?.policies).toEqual([{ name: 'ops.cedar', text: POLICIES }]);
      const again = await cp.applyConfigDocument(SYSTEM, exported, 'test');
      expect(again.applied).toBe(false);
    });

    it('lets an agent do what the policies allow', async () => {
      const item = await ticket('normal');
      const claimed = await cp.claimWork(bob, undefined);
      expect(claimed.claimed?.id).toBe(item.id);
      await cp.transitionWork(bob, item.id, 'start');
      expect((await cp.transitionWork(bob, item.id, 'complete')).state).toBe('done');
    });

    it('refuses a claim a forbid covers, and changes nothing', async () => {
      const item = await ticket('critical');
      const before = await cp.latestSeq(SYSTEM);
      const error = await expectDomainError(cp.claimWork(bob, undefined), 'forbidden');
      expect(error.message).toMatch(/denied by critical-is-for-people/);
      expect(await cp.latestSeq(SYSTEM)).toBe(before);
      expect((await cp.getWork(SYSTEM, item.id)).state).toBe('queued');
      await clearBacklog(cp);
    });

    it('passes over an item the policies refuse, leaving it for others, instead of blocking', async () => {
      const critical = await ticket('critical');
      const normal = await ticket('normal');
      // The critical item heads the queue; bob may not claim it, so he gets the next one.
      const claimed = await cp.claimWork(bob, undefined);
      expect(claimed.claimed?.id).toBe(normal.id);
      expect((await cp.getWork(SYSTEM, critical.id)).state).toBe('queued');
      await cp.transitionWork(bob, normal.id, 'start');
      await cp.transitionWork(bob, normal.id, 'complete');
      await clearBacklog(cp);
    });

    it('refuses a completion that needs approval, and changes nothing', async () => {
      const item = await ticket('high');
      await cp.claimWork(bob, undefined);
      await cp.transitionWork(bob, item.id, 'start');
      const before = await cp.latestSeq(SYSTEM);
      const error = await expectDomainError(
        cp.transitionWork(bob, item.id, 'complete'),
        'approval_required',
      );
      expect(error.details).toMatchObject({
        action: 'complete',
        policies: [{ id: 'high-completions', annotations: { mode: 'approval' } }],
      });
      expect(await cp.latestSeq(SYSTEM)).toBe(before);
      expect((await cp.getWork(SYSTEM, item.id)).state).toBe('in_progress');
    });

    it('denies an action whose policy cannot be evaluated', async () => {
      const [item] = (await cp.listWork(SYSTEM, { ownerId: 'bob', limit: 10 })).filter(
        (w) => w.state === 'in_progress',
      );
      if (item === undefined) throw new Error('expected bob to hold an item');
      const error = await expectDomainError(cp.transitionWork(bob, item.id, 'fail'), 'forbidden');
      expect(error.details.evaluationErrors).toEqual([
        expect.stringMatching(/broken-arithmetic: .*overflow/),
      ]);
      // People are not governed by the policies.
      await cp.transitionWork(operator, item.id, 'cancel');
    });

    it('follows the revision in force: without policies, token roles alone decide again', async () => {
      await applyDocument(cp, withPolicies(null));
      const updates = await cp.listEvents(SYSTEM, { types: ['core.authority.updated'], limit: 10 });
      expect(updates.at(-1)?.payload).toEqual({ actions: [], policies: [] });
      const item = await ticket('critical');
      expect((await cp.claimWork(bob, undefined)).claimed?.id).toBe(item.id);
      const check = await cp.checkAuthority(operator, {
        actorId: 'bob',
        action: 'claim',
        resource: { type: 'WorkItem', id: item.id },
      });
      expect(check).toMatchObject({ decision: 'allow', configured: false });
    });
  });
}
