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
const tokenOf = (actorId: string): Principal => ({
  kind: 'token',
  tokenId: `t-${actorId}`,
  role: 'agent',
  actorId,
});
const bob = tokenOf('bob');
const cat = tokenOf('cat');

for (const dialect of DIALECTS) {
  describe(`halts: agents stopped by people, from the next request on [${dialect}]`, () => {
    const clock = new ManualClock('2026-03-02T09:00:00.000Z');
    let cp: ControlPlane;

    beforeAllOrFail(async () => {
      cp = (await openTestControlPlane(dialect, { clock })).cp;
      await applyDocument(cp, {
        ...orgDocument(SKILLED_ACTORS),
        receivers: [
          {
            name: 'ops-oncall',
            escalation: {
              steps: [
                { notify: ['dan'], escalate_after: '10m' },
                { notify: ['ann'], escalate_after: '10m' },
              ],
            },
          },
        ],
        route: { receiver: 'ops-oncall', group_wait: '0s' },
      });
    });
    afterAll(disposeOpened);

    it('sends a halted agent’s work back to the queue and refuses its next request', async () => {
      const first = await cp.createWork(operator, { typeId: 'ticket', title: 'one' });
      const claimed = await cp.claimWork(bob, undefined);
      expect(claimed.claimed?.id).toBe(first.id);
      await cp.transitionWork(bob, first.id, 'start');

      const { halt, requeued } = await cp.halt(
        operator,
        { kind: 'actor', id: 'bob' },
        'wrong refunds',
      );
      expect(requeued).toEqual([first.id]);
      expect(halt).toMatchObject({ haltedBy: 'cli:olga', reason: 'wrong refunds', liftedAt: null });
      const back = await cp.getWork(operator, first.id);
      expect(back).toMatchObject({ state: 'queued', ownerId: null });
      const release = back.history.at(-1);
      expect(release).toMatchObject({
        type: 'coordination.work.released',
        actor: 'cli:olga',
        payload: { reason: 'halted: wrong refunds' },
      });
      const applied = await cp.listEvents(operator, {
        types: ['supervision.halt.applied'],
        limit: 5,
      });
      expect(applied.map((e) => e.payload)).toEqual([
        { scope: { kind: 'actor', id: 'bob' }, reason: 'wrong refunds', requeued: [first.id] },
      ]);

      // Its own token: every write refused, naming the halt; reads still answer.
      const before = await cp.latestSeq(operator);
      const refused = await expectDomainError(cp.claimWork(bob, undefined), 'forbidden');
      expect(refused.message).toMatch(
        /'bob' is halted \(agent 'bob', by cli:olga: wrong refunds\)/,
      );
      await expectDomainError(cp.heartbeat(bob, 'bob'), 'forbidden');
      await expectDomainError(cp.createWork(bob, { typeId: 'ticket', title: 'x' }), 'forbidden');
      await expectDomainError(
        cp.monitoring.recordMetrics(bob, [{ name: 'refunds', kind: 'counter', value: 1 }]),
        'forbidden',
      );
      expect(await cp.listWork(bob, { limit: 10 })).not.toEqual([]);
      // Nobody gives it work either.
      await expectDomainError(cp.claimWork(operator, 'bob'), 'forbidden');
      await expectDomainError(
        cp.transitionWork(operator, first.id, 'assign', { actorId: 'bob' }),
        'forbidden',
      );
      expect(await cp.latestSeq(operator)).toBe(before);

      // Others carry on: cat takes the item back from the queue.
      expect((await cp.claimWork(cat, undefined)).claimed?.id).toBe(first.id);
    });

    it('halts a domain’s agents or all of them, once per scope, and never a person', async () => {
      const { halt: domainHalt, requeued } = await cp.halt(
        operator,
        { kind: 'domain', id: 'ops' },
        'incident',
      );
      expect(requeued).toHaveLength(1);
      await expectDomainError(cp.claimWork(cat, undefined), 'forbidden');
      await expectDomainError(
        cp.halt(operator, { kind: 'domain', id: 'ops' }, 'again'),
        'conflict',
      );
      const person = await expectDomainError(
        cp.halt(operator, { kind: 'actor', id: 'ann' }, 'no'),
        'validation_failed',
      );
      expect(person.issues.map((i) => i.path)).toEqual(['scope.id']);
      await expectDomainError(
        cp.halt(operator, { kind: 'domain', id: 'nowhere' }, 'no'),
        'unknown_reference',
      );
      // Agents never halt anything, nor lift a halt.
      await expectDomainError(cp.halt(cat, { kind: 'all' }, 'me too'), 'forbidden');
      const all = await cp.halt(operator, { kind: 'all' }, 'stop the line');
      expect(
        (await cp.listHalts(operator, { active: true, limit: 10 })).map((h) => h.scope.kind),
      ).toEqual(['actor', 'domain', 'all']);

      await cp.liftHalt(operator, domainHalt.id, 'resolved');
      await expectDomainError(cp.liftHalt(operator, domainHalt.id, 'twice'), 'illegal_transition');
      // The line is still stopped.
      await expectDomainError(cp.claimWork(cat, undefined), 'forbidden');
      await cp.liftHalt(operator, all.halt.id, 'resolved');
      expect((await cp.claimWork(cat, undefined)).claimed).not.toBeNull();
      // bob's own halt still holds.
      await expectDomainError(cp.claimWork(bob, undefined), 'forbidden');
      expect((await cp.listHalts(operator, { limit: 10 })).map((h) => h.liftedBy)).toEqual([
        'cli:olga',
        'cli:olga',
        null,
      ]);
    });

    it('passes a halted agent over in an escalation step', async () => {
      await cp.halt(operator, { kind: 'actor', id: 'dan' }, 'misrouted pages');
      const { exception } = await cp.monitoring.raise(operator, 'manual', {
        labels: { alertname: 'Manual', severity: 'warning', domain: 'ops' },
        summary: 'look',
        details: {},
      });
      const detail = await cp.monitoring.get(operator, exception.id);
      const notified = detail.history
        .filter((e) => e.type === 'monitoring.exception.notified')
        .map((e) => e.payload);
      expect(notified).toMatchObject([
        { step: 0, targets: [], skipped: [{ actorId: 'dan', reason: 'halted' }] },
        { step: 1, targets: ['ann'] },
      ]);
    });
  });
}
