import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { orgConfigSchema, toOrgModel, type OrgConfigInput } from '../../src/core/org-config.js';
import { SYSTEM, type Principal } from '../../src/core/principal.js';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import {
  beforeAllOrFail,
  DIALECTS,
  disposeOpened,
  openTestControlPlane,
} from '../support/dialects.js';
import { eventsAbout, expectDomainError } from './fixtures.js';

const MINUTE = 60_000;

const ORG: OrgConfigInput = {
  apiVersion: 'autonomy/v1',
  kind: 'Organization',
  metadata: { name: 'Monitoring' },
  domains: [{ id: 'ops', name: 'Operations', owners: ['olga'] }],
  actors: [
    { id: 'olga', kind: 'human', name: 'Olga', domains: ['ops'], capacity: 5 },
    { id: 'pete', kind: 'human', name: 'Pete', domains: ['ops'], capacity: 5 },
    { id: 'bot', kind: 'agent', name: 'Bot', domains: ['ops'], skills: { triage: 3 }, capacity: 5 },
    {
      id: 'bot2',
      kind: 'agent',
      name: 'Bot 2',
      domains: ['ops'],
      skills: { triage: 3 },
      capacity: 5,
    },
  ],
  workTypes: [
    {
      id: 'ticket',
      domain: 'ops',
      name: 'Ticket',
      requiredSkills: { triage: 2 },
      expectedDuration: '20m',
      sla: '8h',
    },
  ],
  receivers: [
    {
      name: 'ops-oncall',
      escalation: {
        steps: [
          { notify: ['@domain-owners'], escalate_after: '10m' },
          { notify: ['pete'], escalate_after: '10m' },
        ],
      },
    },
  ],
  route: {
    receiver: 'ops-oncall',
    group_wait: '0s',
    routes: [{ matchers: ['alertname="HeartbeatLost"'], receiver: 'pete' }],
  },
};

const pete: Principal = { kind: 'cli', user: 'pete' };

for (const dialect of DIALECTS) {
  describe(`monitoring: a stalled agent's work, end to end [${dialect}]`, () => {
    const clock = new ManualClock('2026-03-02T09:00:00.000Z');
    let cp: ControlPlane;

    beforeAllOrFail(async () => {
      // The lease outlasts the story: here monitoring, not lease expiry, notices the stall.
      cp = (await openTestControlPlane(dialect, { clock, leaseSeconds: 4 * 3600 })).cp;
      await cp.applyConfig(SYSTEM, toOrgModel(orgConfigSchema.parse(ORG)), 'test');
    });
    afterAll(disposeOpened);

    const stalls = async () =>
      (await cp.monitoring.list(SYSTEM, { alertname: 'WorkStalled', limit: 100 })).filter(
        (e) => e.labels.actor === 'bot',
      );

    it('raises, routes, escalates, is acknowledged, and resolves itself once coordination moves the work', async () => {
      const item = await cp.createWork(SYSTEM, { typeId: 'ticket', title: 'Printer on fire' });
      const claimed = await cp.claimWork(SYSTEM, 'bot');
      expect(claimed.claimed?.id).toBe(item.id);
      await cp.heartbeat(SYSTEM, 'bot');
      await cp.transitionWork(SYSTEM, item.id, 'start');

      // A quarter of the 20 minutes expected: up to 5 minutes of silence is fine.
      clock.advance(4 * MINUTE);
      await cp.monitoring.evaluate();
      expect(await stalls()).toEqual([]);

      // The heartbeat stops for 6 minutes: a stall, routed to the domain's owner.
      clock.advance(2 * MINUTE);
      await cp.monitoring.evaluate();
      const [stall] = await stalls();
      expect(stall).toMatchObject({
        state: 'open',
        source: 'detector:stalled_work',
        labels: { alertname: 'WorkStalled', domain: 'ops', work_type: 'ticket', work: item.id },
        receivers: ['ops-oncall'],
        routes: ['route'],
      });
      if (stall === undefined) throw new Error('no stall');
      expect(stall.summary).toMatch(/no sign of life from bot for 6m/);
      expect(stall.escalations[0]).toMatchObject({ step: 0, notified: ['olga'] });
      expect((await cp.monitoring.inbox(SYSTEM, 'olga', { limit: 10 }))[0]).toMatchObject({
        exceptionId: stall.id,
        reason: 'opened',
      });
      // The agent itself went quiet too: that exception goes to its own route.
      const lost = await cp.monitoring.list(SYSTEM, { alertname: 'HeartbeatLost', limit: 10 });
      expect(lost.map((e) => e.receivers)).toEqual([['pete']]);

      // Seen again: still one exception, nothing new sent.
      clock.advance(MINUTE);
      await cp.monitoring.evaluate();
      expect(await stalls()).toHaveLength(1);
      expect(await cp.monitoring.escalate()).toEqual([]);

      // Nobody acknowledges within 10 minutes: the next step reaches pete.
      clock.advance(9 * MINUTE);
      const escalated = await cp.monitoring.escalate();
      expect(escalated.map((e) => e.id)).toContain(stall.id);
      const afterStep = await cp.monitoring.get(SYSTEM, stall.id);
      expect(afterStep.escalations[0]).toMatchObject({ step: 1, notified: ['pete'] });
      expect(
        afterStep.history
          .filter((e) => e.type === 'monitoring.exception.notified')
          .map((e) => (e.payload as { step: number; targets: string[] }).targets),
      ).toEqual([['olga'], ['pete']]);

      // Pete takes it on: no more steps, ever.
      const acked = await cp.monitoring.acknowledge(pete, stall.id, 'looking');
      expect(acked).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'cli:pete' });
      await expectDomainError(cp.monitoring.acknowledge(pete, stall.id), 'illegal_transition');
      clock.advance(60 * MINUTE);
      expect(await cp.monitoring.escalate()).toEqual([]);

      // He takes the agent out of rotation: coordination moves the work, and bot2 takes it.
      await cp.setActorStatus(SYSTEM, 'bot', 'offline');
      const reclaimed = await cp.claimWork(SYSTEM, 'bot2');
      expect(reclaimed.claimed?.id).toBe(item.id);
      await cp.heartbeat(SYSTEM, 'bot2');

      // The condition cleared: the exception resolves itself, and says so to whoever it reached.
      await cp.monitoring.evaluate();
      const resolved = await cp.monitoring.get(SYSTEM, stall.id);
      expect(resolved).toMatchObject({
        state: 'resolved',
        resolution: 'cleared',
        resolvedBy: 'system',
      });
      expect(resolved.history.map((e) => e.type)).toEqual([
        'monitoring.exception.opened',
        'monitoring.exception.notified',
        'monitoring.exception.notified',
        'monitoring.exception.acknowledged',
        'monitoring.exception.resolved',
      ]);
      const peteInbox = await cp.monitoring.inbox(SYSTEM, 'pete', { limit: 10 });
      expect(peteInbox.some((n) => n.exceptionId === stall.id && n.reason === 'resolved')).toBe(
        true,
      );
      expect((await cp.monitoring.list(SYSTEM, { active: true, limit: 100 })).length).toBe(0);
      expect((await eventsAbout(cp, item.id)).map((e) => e.type)).toContain(
        'coordination.work.released',
      );
    });
  });
}
