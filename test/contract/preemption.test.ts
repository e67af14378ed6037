import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { PreemptionDecision } from '../../src/coordination/preempt-for-critical.js';
import { ManualClock } from '../../src/core/clock.js';
import type { PriorityClass, WorkItem } from '../../src/core/model.js';
import type { OrgConfigInput } from '../../src/core/org-config.js';
import { SYSTEM } from '../../src/core/principal.js';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import {
  beforeAllOrFail,
  DIALECTS,
  disposeOpened,
  openTestControlPlane,
  type TestControlPlane,
} from '../support/dialects.js';
import { applyDocument, clearBacklog, eventsAbout, expectDomainError } from './fixtures.js';

/**
 * Ops allows preemption, sales does not. Ann (pull, room for two) and Pam (push, room for one)
 * handle incidents and chores in ops; Sal (room for one) handles leads and deals in sales.
 */
const PREEMPTION_ORG: OrgConfigInput = {
  apiVersion: 'autonomy/v1',
  kind: 'Organization',
  metadata: { name: 'Preemption' },
  domains: [
    { id: 'ops', name: 'Operations', preemption: true },
    { id: 'sales', name: 'Sales' },
  ],
  actors: [
    { id: 'ann', kind: 'human', name: 'Ann', domains: ['ops'], skills: { sre: 4 }, capacity: 2 },
    {
      id: 'pam',
      kind: 'agent',
      name: 'Pam',
      domains: ['ops'],
      skills: { sre: 4 },
      capacity: 1,
      mode: 'push',
    },
    { id: 'sal', kind: 'human', name: 'Sal', domains: ['sales'], skills: { crm: 3 }, capacity: 1 },
  ],
  workTypes: [
    {
      id: 'incident',
      domain: 'ops',
      name: 'Incident',
      requiredSkills: { sre: 3 },
      expectedDuration: '1h',
      sla: '2h',
    },
    {
      id: 'chore',
      domain: 'ops',
      name: 'Chore',
      requiredSkills: { sre: 1 },
      expectedDuration: '1h',
      sla: '1d',
    },
    {
      id: 'deal',
      domain: 'sales',
      name: 'Deal',
      requiredSkills: { crm: 2 },
      expectedDuration: '1h',
      sla: '1d',
    },
  ],
};

for (const dialect of DIALECTS) {
  describe(`preemption [${dialect}]`, () => {
    const clock = new ManualClock('2026-03-02T09:00:00.000Z');
    let t: TestControlPlane;
    let cp: ControlPlane;

    const add = (typeId: string, priorityClass: PriorityClass = 'normal') =>
      cp.createWork(SYSTEM, { typeId, title: `a ${priorityClass} ${typeId}`, priorityClass });
    /** A new item of `typeId` assigned to `actorId` (and started, if asked). */
    const held = async (
      typeId: string,
      actorId: string,
      priorityClass: PriorityClass = 'normal',
      started = false,
    ): Promise<WorkItem> => {
      const item = await add(typeId, priorityClass);
      const assigned = await cp.transitionWork(SYSTEM, item.id, 'assign', { actorId });
      return started ? cp.transitionWork(SYSTEM, item.id, 'start') : assigned;
    };
    const setStatus = (id: string, status: 'available' | 'away') =>
      cp.setActorStatus(SYSTEM, id, status);

    beforeAllOrFail(async () => {
      t = await openTestControlPlane(dialect, { clock });
      cp = t.cp;
      await applyDocument(cp, PREEMPTION_ORG);
    });
    beforeEach(async () => {
      await clearBacklog(cp);
      await setStatus('ann', 'available');
      // Pam is away unless a test needs her, so Ann's load alone decides.
      await setStatus('pam', 'away');
      await setStatus('sal', 'available');
      clock.advance(60_000);
    });
    afterAll(disposeOpened);

    it('takes back the lowest-priority unstarted work and gives the critical item its actor, in one transaction', async () => {
      const low = await held('chore', 'ann', 'low');
      const normal = await held('chore', 'ann', 'normal');
      const before = await cp.latestSeq(SYSTEM);

      const critical = await add('incident', 'critical');

      expect(critical).toMatchObject({ state: 'assigned', ownerId: 'ann' });
      const preempted = await cp.getWork(SYSTEM, low.id);
      expect(preempted).toMatchObject({
        state: 'queued',
        ownerId: null,
        priority: low.priority,
        failedBy: [],
        declinedBy: [],
      });
      expect((await cp.getWork(SYSTEM, normal.id)).ownerId).toBe('ann');
      // Created, preempted, assigned: three events, one after the other.
      const events = (await cp.listEvents(SYSTEM, { afterSeq: before, limit: 10 })).map((e) => [
        e.type,
        e.subject,
        e.actor,
      ]);
      expect(events).toEqual([
        ['coordination.work.created', critical.id, 'system'],
        ['coordination.work.preempted', low.id, 'system'],
        ['coordination.work.assigned', critical.id, 'system'],
      ]);
      const [preemptedEvent] = (await eventsAbout(cp, low.id)).filter(
        (e) => e.type === 'coordination.work.preempted',
      );
      expect(preemptedEvent?.payload).toMatchObject({
        action: 'preempt',
        from: 'assigned',
        to: 'queued',
        ownerId: null,
        preemptedFor: critical.id,
        preemptedFrom: 'ann',
        reason: `preempted from 'ann' to make room for critical item '${critical.id}'`,
      });
      const assigned = (await eventsAbout(cp, critical.id)).find(
        (e) => e.type === 'coordination.work.assigned',
      );
      const decision = (assigned?.payload as { decision: PreemptionDecision }).decision;
      expect(decision).toMatchObject({
        mode: 'preemption',
        preempted: low.id,
        from: 'ann',
        eligible: ['ann'],
      });
      // Back in the queue by its own priority: the normal chore, released now, still goes first.
      await cp.transitionWork(SYSTEM, normal.id, 'release');
      const claim = await cp.claimWork(SYSTEM, 'ann');
      expect(claim.claimed?.id).toBe(normal.id);
      expect((await cp.verifyAudit(SYSTEM)).ok).toBe(true);
    });

    it('does not preempt while an eligible actor has free capacity', async () => {
      const chore = await held('chore', 'ann', 'low');
      const critical = await add('incident', 'critical');
      expect(critical.state).toBe('queued');
      expect((await cp.getWork(SYSTEM, chore.id)).state).toBe('assigned');
    });

    it('never takes back work in progress', async () => {
      const a = await held('chore', 'ann', 'low', true);
      const b = await held('chore', 'ann', 'low', true);
      const critical = await add('incident', 'critical');
      expect(critical.state).toBe('queued');
      expect((await cp.getWork(SYSTEM, a.id)).state).toBe('in_progress');
      expect((await cp.getWork(SYSTEM, b.id)).state).toBe('in_progress');
      expect(await cp.preemptForCritical()).toEqual([]);
    });

    it('never preempts critical work', async () => {
      const first = await held('incident', 'ann', 'critical');
      const second = await held('incident', 'ann', 'critical');
      const third = await add('incident', 'critical');
      expect(third.state).toBe('queued');
      for (const item of [first, second])
        expect((await cp.getWork(SYSTEM, item.id)).ownerId).toBe('ann');
      expect(await cp.preemptForCritical()).toEqual([]);
    });

    it('does not preempt when the domain does not allow it', async () => {
      const deal = await held('deal', 'sal', 'low');
      const critical = await add('deal', 'critical');
      expect(critical.state).toBe('queued');
      expect((await cp.getWork(SYSTEM, deal.id)).state).toBe('assigned');
      expect(await cp.preemptForCritical()).toEqual([]);
    });

    it('offers the critical item to an actor in push mode whose work it took back', async () => {
      await setStatus('ann', 'away');
      await setStatus('pam', 'available');
      const chore = await held('chore', 'pam', 'low');
      const critical = await add('incident', 'critical');
      expect(critical).toMatchObject({ state: 'offered', offeredTo: 'pam' });
      expect((await cp.getWork(SYSTEM, chore.id)).state).toBe('queued');
      const offered = (await eventsAbout(cp, critical.id)).find(
        (e) => e.type === 'coordination.work.offered',
      );
      expect(offered?.payload).toMatchObject({ decision: { mode: 'preemption', from: 'pam' } });
    });

    it('makes room on the coordination timer for a critical item queued when nobody could', async () => {
      await held('chore', 'ann', 'low');
      const chore = await held('chore', 'ann', 'normal');
      await setStatus('ann', 'away');
      const critical = await add('incident', 'critical');
      expect(critical.state).toBe('queued');
      await setStatus('ann', 'available');
      expect(await cp.preemptForCritical()).toEqual([critical.id]);
      expect(await cp.getWork(SYSTEM, critical.id)).toMatchObject({
        state: 'assigned',
        ownerId: 'ann',
      });
      expect((await cp.getWork(SYSTEM, chore.id)).ownerId).toBe('ann');
      // Nothing left to do: a second pass writes nothing.
      const seq = await cp.latestSeq(SYSTEM);
      expect(await cp.preemptForCritical()).toEqual([]);
      expect(await cp.latestSeq(SYSTEM)).toBe(seq);
    });

    it('explains the preemption on both items', async () => {
      const low = await held('chore', 'ann', 'low');
      await held('chore', 'ann', 'normal');
      const critical = await add('incident', 'critical');

      const given = await cp.explainWork(SYSTEM, critical.id);
      expect(given.owner?.decision).toMatchObject({ mode: 'preemption', preempted: low.id });
      expect(given.summary).toContain(`in place of '${low.id}', preempted`);

      const taken = await cp.explainWork(SYSTEM, low.id);
      expect(taken.preempted).toEqual({
        for: critical.id,
        from: 'ann',
        at: clock.now().toISOString(),
      });
      expect(taken.summary).toContain(
        `taken back from 'ann' at ${clock.now().toISOString()} to make room for critical item '${critical.id}'`,
      );
      // Once someone holds it again, the preemption is history, not the explanation.
      await cp.transitionWork(SYSTEM, low.id, 'assign', { actorId: 'pam' });
      expect((await cp.explainWork(SYSTEM, low.id)).preempted).toBeNull();
    });
  });

  describe(`configuring preemption [${dialect}]`, () => {
    let t: TestControlPlane;
    let cp: ControlPlane;
    beforeAllOrFail(async () => {
      t = await openTestControlPlane(dialect);
      cp = t.cp;
    });
    afterAll(disposeOpened);

    it('defaults to no preemption, exports the setting, and names the path of a bad one', async () => {
      const error = await expectDomainError(
        cp.applyConfigDocument(
          SYSTEM,
          {
            ...PREEMPTION_ORG,
            domains: [
              { id: 'ops', name: 'Operations', preemption: 'yes' },
              { id: 'sales', name: 'Sales' },
            ],
          },
          'test',
        ),
        'invalid_config',
      );
      expect(error.issues.map((i) => i.path)).toEqual(['domains.0.preemption']);

      await applyDocument(cp, PREEMPTION_ORG);
      expect((await cp.getDomain(SYSTEM, 'ops')).preemption).toBe(true);
      expect((await cp.getDomain(SYSTEM, 'sales')).preemption).toBe(false);
      const exported = await cp.exportConfig(SYSTEM);
      expect(exported?.domains?.map((d) => [d.id, d.preemption])).toEqual([
        ['ops', true],
        ['sales', false],
      ]);
      expect((await cp.applyConfigDocument(SYSTEM, exported, 'export')).applied).toBe(false);
    });
  });
}
