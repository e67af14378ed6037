import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { formatOrgDiff } from '../../src/core/diff-org-config.js';
import { orgConfigSchema, toOrgModel, type OrgConfigInput } from '../../src/core/org-config.js';
import type { KeyResultSnapshot } from '../../src/core/ports/outcome-store.js';
import { SYSTEM } from '../../src/core/principal.js';
import { FakeMetricReader } from '../support/fake-metric-reader.js';
import {
  DIALECTS,
  disposeOpened,
  openTestControlPlane,
  openTestStore,
  type TestControlPlane,
} from '../support/dialects.js';
import { allEvents, expectDomainError, orgDocument } from './fixtures.js';

/* SLOs and objectives survive apply and export, and are measured through the metric reader. */

const SLO = {
  apiVersion: 'openslo/v1',
  kind: 'SLO',
  metadata: { name: 'ticket-success', displayName: 'Tickets succeed' },
  spec: {
    service: 'ops',
    indicator: {
      metadata: { name: 'ticket-completions' },
      spec: {
        ratioMetric: {
          counter: true,
          good: {
            metricSource: {
              type: 'autonomy',
              spec: { query: 'work_completed_total{work_type="ticket"}' },
            },
          },
          total: {
            metricSource: {
              type: 'autonomy',
              spec: { query: 'work_ended_total{work_type="ticket"}' },
            },
          },
        },
      },
    },
    timeWindow: [{ duration: '28d', isRolling: true }],
    budgetingMethod: 'Occurrences',
    objectives: [{ displayName: '99%', target: 0.99 }],
  },
} as const;

const OBJECTIVE = {
  id: 'faster-tickets',
  name: 'Close tickets faster',
  owner: 'ann',
  period: { from: '2026-05-01', to: '2026-05-31' },
  keyResults: [
    {
      id: 'closed',
      name: 'Close 3,000 tickets in May',
      metric: 'work_completed_total{work_type="ticket"}',
      start: 0,
      target: 3000,
    },
  ],
};

const document = (extra: Partial<OrgConfigInput> = {}): OrgConfigInput => ({
  ...orgDocument(),
  slos: [SLO],
  objectives: [OBJECTIVE],
  ...extra,
});
const model = (extra: Partial<OrgConfigInput> = {}) =>
  toOrgModel(orgConfigSchema.parse(document(extra)));

const HOUR = 3_600_000;
const labels = { work_type: 'ticket' };

for (const dialect of DIALECTS) {
  describe(`outcomes [${dialect}]`, () => {
    let clock: ManualClock;
    let reader: FakeMetricReader;
    let t: TestControlPlane;

    beforeEach(async () => {
      clock = new ManualClock('2026-05-11T00:00:00.000Z');
      reader = new FakeMetricReader();
      t = await openTestControlPlane(dialect, { clock, metricReader: reader });
    });
    afterEach(disposeOpened);

    it('stores SLOs and objectives, shows them in the diff, audits them, and exports them back', async () => {
      const result = await t.cp.applyConfig(SYSTEM, model(), 'org.yaml');
      expect(formatOrgDiff(result.diff).slice(-2)).toEqual([
        '+ slo ticket-success',
        '+ objective faster-tickets',
      ]);
      const events = await allEvents(t.cp);
      expect(events.find((e) => e.type === 'core.slo.upserted')).toMatchObject({
        subject: 'ticket-success',
        payload: {
          name: 'ticket-success',
          displayName: 'Tickets succeed',
          service: 'ops',
          indicator: {
            name: 'ticket-completions',
            good: { name: 'work_completed_total', labels: { work_type: 'ticket' } },
            bad: null,
            total: { name: 'work_ended_total', labels: { work_type: 'ticket' } },
          },
          timeWindow: { kind: 'rolling', seconds: 28 * 86_400 },
          objectives: [{ name: '99%', target: 0.99 }],
        },
      });
      expect(events.find((e) => e.type === 'core.objective.upserted')).toMatchObject({
        subject: 'faster-tickets',
        payload: {
          owner: 'ann',
          keyResults: [
            {
              id: 'closed',
              periodStart: '2026-05-01T00:00:00.000Z',
              periodEnd: '2026-05-31T00:00:00.000Z',
              windowSeconds: null,
            },
          ],
        },
      });

      const exported = await t.cp.exportConfig(SYSTEM);
      const again = await t.cp.applyConfig(
        SYSTEM,
        toOrgModel(orgConfigSchema.parse(exported)),
        'export',
      );
      expect(again.applied).toBe(false);

      const changed = await t.cp.applyConfig(
        SYSTEM,
        model({
          slos: [{ ...SLO, spec: { ...SLO.spec, objectives: [{ target: 0.995 }] } }],
          objectives: [],
        }),
        'org.yaml',
      );
      expect(formatOrgDiff(changed.diff)).toEqual([
        '~ slo ticket-success (objectives)',
        '- objective faster-tickets',
      ]);
      expect((await allEvents(t.cp)).map((e) => e.type).slice(-3)).toEqual([
        'core.slo.upserted',
        'core.objective.removed',
        'core.config.applied',
      ]);
      const removed = await t.cp.applyConfig(SYSTEM, model({ slos: [], objectives: [] }), 'x');
      expect(formatOrgDiff(removed.diff)).toEqual(['- slo ticket-success']);
      expect(await t.cp.outcomes.listSlos(SYSTEM)).toEqual([]);
    });

    it('raises burn-rate exceptions through monitoring and resolves them when the burn stops', async () => {
      await t.cp.applyConfig(SYSTEM, model(), 'org.yaml');
      const now = clock.now().getTime();
      // A day of 1,000 tickets an hour, then an hour in which 30% fail (30x the 1% allowed).
      for (let h = -24; h < 0; h++) {
        reader.add('work_ended_total', labels, new Date(now + h * HOUR), 1000);
        reader.add('work_completed_total', labels, new Date(now + h * HOUR), 1000);
      }
      for (let m = 0; m < 60; m++) {
        const at = new Date(now + m * 60_000);
        reader.add('work_ended_total', labels, at, 100);
        reader.add('work_completed_total', labels, at, 70);
      }
      clock.advance(HOUR);
      const first = await t.cp.outcomes.evaluate();
      // 30x over the hour and 5m; 16x over 6h (1,800 bad of 11,000) and 30m; 6x over 3d.
      expect(first.burnRate.opened.map((e) => e.labels)).toEqual(
        [
          ['critical', '1h'],
          ['critical', '6h'],
          ['warning', '3d'],
        ].map(([severity, window]) => ({
          alertname: 'SloBurnRate',
          severity,
          slo: 'ticket-success',
          objective: '99%',
          service: 'ops',
          window,
        })),
      );
      expect(first.burnRate.opened[0]?.source).toBe('slo:burn_rate');
      const slo = await t.cp.outcomes.getSlo(SYSTEM, 'ticket-success');
      // Six times the budget spent over the window: breached, which outranks burning.
      expect(slo.status).toBe('breached');
      expect(slo.objectives[0]?.alerts.filter((a) => a.firing)).toHaveLength(3);
      // 1,800 bad of 30,000 over the day and the hour: 6% against 1% allowed.
      expect(slo.objectives[0]?.errorBudget.consumed).toBeCloseTo(6, 10);
      expect(slo.objectives[0]?.burnRates['1h']).toBeCloseTo(30, 10);

      // Seen again: still the same three exceptions.
      expect((await t.cp.outcomes.evaluate()).burnRate.ongoing).toBe(3);

      // Five clean minutes: the 5m window clears and the 1h page resolves itself; the 30m and
      // 6h windows still burn.
      for (let m = 60; m < 65; m++) {
        reader.add('work_ended_total', labels, new Date(now + m * 60_000), 100);
        reader.add('work_completed_total', labels, new Date(now + m * 60_000), 100);
      }
      clock.advance(5 * 60_000);
      const cleared = await t.cp.outcomes.evaluate();
      expect(cleared.burnRate.resolved.map((e) => e.labels.window)).toEqual(['1h']);
      const active = await t.cp.monitoring.list(SYSTEM, {
        active: true,
        source: 'slo:burn_rate',
        limit: 10,
      });
      expect(active.map((e) => e.labels.window).sort()).toEqual(['3d', '6h']);
    });

    it('snapshots key results at most hourly, records status changes, and forecasts from the history', async () => {
      await t.cp.applyConfig(SYSTEM, model(), 'org.yaml');
      // Ten days into a 30-day period with 900 closed: the pace reaches 2,700 (90%): at risk.
      reader.add('work_completed_total', labels, '2026-05-05T00:00:00Z', 900);
      const first = await t.cp.outcomes.evaluate();
      expect(first.snapshots).toEqual([
        {
          objectiveId: 'faster-tickets',
          keyResultId: 'closed',
          at: '2026-05-11T00:00:00.000Z',
          value: 900,
          progress: 0.3,
          forecast: 2700,
          status: 'at_risk',
        },
      ]);
      clock.advance(30 * 60_000);
      expect((await t.cp.outcomes.evaluate()).snapshots).toEqual([]);

      // A day later 1,100 more: the line through both snapshots reaches 3,000 and beyond.
      reader.add('work_completed_total', labels, '2026-05-11T12:00:00Z', 1100);
      clock.set('2026-05-12T00:00:00.000Z');
      const second = await t.cp.outcomes.evaluate();
      // Through (240 h, 900) and (264 h, 2000): 1,100 per 24 h, 45,833.3… a period's end.
      expect(second.snapshots[0]?.forecast).toBeCloseTo(900 + (1100 / 24) * (720 - 240), 9);
      expect(second.snapshots[0]?.status).toBe('on_track');
      const changes = (await allEvents(t.cp)).filter(
        (e) => e.type === 'performance.key_result.status_changed',
      );
      expect(changes.map((e) => [e.subject, (e.payload as { from: unknown }).from])).toEqual([
        ['faster-tickets/closed', null],
        ['faster-tickets/closed', 'at_risk'],
      ]);
      const objective = await t.cp.outcomes.getObjective(SYSTEM, 'faster-tickets');
      expect(objective.status).toBe('on_track');
      expect(objective.keyResults[0]?.history?.map((s) => s.value)).toEqual([900, 2000]);
      await expectDomainError(t.cp.outcomes.getObjective(SYSTEM, 'nope'), 'not_found');
      await expectDomainError(t.cp.outcomes.getSlo(SYSTEM, 'nope'), 'not_found');
    });
  });

  describe(`key result history store [${dialect}]`, () => {
    afterEach(disposeOpened);

    it('keeps snapshots in time order, replaces one at the same instant, and pages from the newest', async () => {
      const { store } = await openTestStore(dialect);
      const snap = (at: string, value: number): KeyResultSnapshot => ({
        objectiveId: 'o',
        keyResultId: 'k',
        at,
        value,
        progress: value / 10,
        forecast: value === 3 ? null : value * 2,
        status: 'on_track',
      });
      await store.transaction(async (tx) => {
        await tx.outcomes.recordSnapshot(snap('2026-01-03T00:00:00.000Z', 3));
        await tx.outcomes.recordSnapshot(snap('2026-01-01T00:00:00.000Z', 1));
        await tx.outcomes.recordSnapshot(snap('2026-01-02T00:00:00.000Z', 2));
        await tx.outcomes.recordSnapshot(snap('2026-01-02T00:00:00.000Z', 4));
        await tx.outcomes.recordSnapshot({
          ...snap('2026-01-05T00:00:00.000Z', 9),
          keyResultId: 'x',
        });
      });
      const values = (list: KeyResultSnapshot[]) => list.map((s) => s.value);
      expect(values(await store.read.outcomes.listSnapshots('o', 'k'))).toEqual([1, 4, 3]);
      expect(
        values(
          await store.read.outcomes.listSnapshots('o', 'k', { since: '2026-01-02T00:00:00.000Z' }),
        ),
      ).toEqual([4, 3]);
      expect(values(await store.read.outcomes.listSnapshots('o', 'k', { limit: 2 }))).toEqual([
        4, 3,
      ]);
      expect(await store.read.outcomes.latestSnapshot('o', 'k')).toEqual(
        snap('2026-01-03T00:00:00.000Z', 3),
      );
      expect(await store.read.outcomes.latestSnapshot('o', 'none')).toBeNull();
    });
  });
}

describe('outcomes before their events', () => {
  afterEach(disposeOpened);

  it('say no_data with the reason, and the evaluation raises nothing', async () => {
    const t = await openTestControlPlane('sqlite', {
      clock: new ManualClock('2026-05-11T00:00:00.000Z'),
    });
    await t.cp.applyConfig(SYSTEM, model(), 'org.yaml');
    const [slo] = await t.cp.outcomes.listSlos(SYSTEM);
    expect(slo).toMatchObject({ name: 'ticket-success', status: 'no_data' });
    expect(slo?.reason).toMatch(/^no events of work_\w+ in the budget window$/);
    const [objective] = await t.cp.outcomes.listObjectives(SYSTEM);
    expect(objective?.status).toBe('no_data');
    expect(objective?.keyResults[0]?.evaluation.reason).toMatch(/^no data for /);
    const evaluated = await t.cp.outcomes.evaluate();
    expect(evaluated.slos.map((e) => e.status)).toEqual(['no_data']);
    expect(evaluated.burnRate).toMatchObject({ opened: [], resolved: [], ongoing: 0 });
    expect(evaluated.snapshots).toEqual([]);
  });
});
