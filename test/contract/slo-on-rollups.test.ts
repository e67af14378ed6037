import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { SYSTEM } from '../../src/core/principal.js';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import {
  beforeAllOrFail,
  DIALECTS,
  disposeOpened,
  openTestControlPlane,
} from '../support/dialects.js';
import { applyDocument, orgDocument } from './fixtures.js';

/*
 * An SLO measured from work the engine really did: events → rollups → SLI, error budget and
 * burn-rate alerts, exact, with no metric reader standing in.
 */

const MINUTE = 60_000;
const source = (query: string) => ({ metricSource: { type: 'autonomy', spec: { query } } });

for (const dialect of DIALECTS) {
  describe(`an SLO on the rollups of real work [${dialect}]`, () => {
    const clock = new ManualClock('2026-05-11T09:00:00.000Z');
    let cp: ControlPlane;

    beforeAllOrFail(async () => {
      cp = (await openTestControlPlane(dialect, { clock })).cp;
      await applyDocument(cp, {
        ...orgDocument(),
        slos: [
          {
            apiVersion: 'openslo/v1',
            kind: 'SLO',
            metadata: { name: 'tickets-on-time' },
            spec: {
              service: 'ops',
              indicator: {
                metadata: { name: 'on-time' },
                spec: {
                  ratioMetric: {
                    counter: true,
                    good: source('work_completed_within_sla_total{domain="ops"}'),
                    total: source('work_completed_with_due_total{domain="ops"}'),
                  },
                },
              },
              timeWindow: [{ duration: '28d', isRolling: true }],
              budgetingMethod: 'Occurrences',
              objectives: [{ displayName: '99% on time', target: 0.99 }],
            },
          },
        ],
      });
    });
    afterAll(disposeOpened);

    it('counts 8 of 10 on time: SLI 0.8, the budget 20 times spent, pages and a ticket raised', async () => {
      const dueAt = new Date(clock.now().getTime() + 60 * MINUTE).toISOString();
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) {
        const item = await cp.createWork(SYSTEM, { typeId: 'ticket', title: `t${i}`, dueAt });
        await cp.transitionWork(SYSTEM, item.id, 'assign', { actorId: 'bob' });
        await cp.transitionWork(SYSTEM, item.id, 'start');
        ids.push(item.id);
      }
      clock.advance(30 * MINUTE);
      for (const id of ids.slice(0, 8)) await cp.transitionWork(SYSTEM, id, 'complete');
      // Two finish a minute after their deadline.
      clock.advance(31 * MINUTE);
      for (const id of ids.slice(8)) await cp.transitionWork(SYSTEM, id, 'complete');
      // Windows are half-open, [from, now): measure a second later.
      clock.advance(1000);

      const slo = await cp.outcomes.getSlo(SYSTEM, 'tickets-on-time');
      expect(slo.total).toBe(10);
      const [objective] = slo.objectives;
      expect(objective?.sli).toBeCloseTo(0.8, 12);
      expect(objective?.errorBudget.allowed).toBe(0.01);
      expect(objective?.errorBudget.consumed).toBeCloseTo(20, 9);
      expect(objective?.errorBudget.remaining).toBeCloseTo(-19, 9);
      expect(objective?.status).toBe('breached');
      // The last 5 minutes hold only the two late ones (burn 100); the hour, all ten (burn 20).
      expect(objective?.burnRates['5m']).toBeCloseTo(100, 9);
      expect(objective?.burnRates['1h']).toBeCloseTo(20, 9);
      expect(objective?.alerts.map((a) => [a.severity, a.window, a.firing])).toEqual([
        ['page', '1h', true],
        ['page', '6h', true],
        ['ticket', '3d', true],
      ]);

      await cp.outcomes.evaluate();
      const raised = await cp.monitoring.list(SYSTEM, { alertname: 'SloBurnRate', limit: 10 });
      expect(raised.map((e) => [e.labels.severity, e.labels.window]).sort()).toEqual([
        ['critical', '1h'],
        ['critical', '6h'],
        ['warning', '3d'],
      ]);
    });
  });
}
