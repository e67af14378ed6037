import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { SYSTEM } from '../../src/core/principal.js';
import { createAnomalyDetector } from '../../src/monitoring/anomaly/create-anomaly-detector.js';
import { DEFAULT_DETECTOR_SETTINGS } from '../../src/monitoring/detector-settings.js';
import type { NewMetricPoint } from '../../src/monitoring/record-metric-points.js';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import {
  beforeAllOrFail,
  DIALECTS,
  disposeOpened,
  openTestControlPlane,
} from '../support/dialects.js';
import { expectDomainError, seedOrg } from './fixtures.js';

const START = Date.parse('2026-03-02T00:00:00.000Z');
const MINUTE = 60_000;

/** A daily-ish wave with a little deterministic noise: what a healthy business metric looks like. */
function healthy(i: number): number {
  return 100 + 10 * Math.sin((2 * Math.PI * i) / 60) + ((i * 7919) % 13) / 13;
}

const point = (i: number, value: number): NewMetricPoint => ({
  name: 'orders_placed',
  kind: 'gauge',
  value,
  labels: { domain: 'ops', region: 'eu' },
  at: new Date(START + i * MINUTE).toISOString(),
});

for (const dialect of DIALECTS) {
  describe(`custom metric series and their anomalies [${dialect}]`, () => {
    const clock = new ManualClock(new Date(START + 600 * MINUTE).toISOString());
    let cp: ControlPlane;

    beforeAllOrFail(async () => {
      cp = (await openTestControlPlane(dialect, { clock })).cp;
      await seedOrg(cp);
    });
    afterAll(disposeOpened);

    it('scores each point as one detector fed the whole series would, across requests', async () => {
      const values = Array.from({ length: 400 }, (_, i) => healthy(i));
      values.push(400); // the jump
      const recorded = [];
      for (let from = 0; from < values.length; from += 100)
        recorded.push(
          ...(await cp.monitoring.recordMetrics(
            SYSTEM,
            values.slice(from, from + 100).map((v, j) => point(from + j, v)),
          )),
        );
      // The state kept between requests is the detector's whole memory: nothing lost in storage.
      const detector = createAnomalyDetector();
      const expected = values.map((v, i) => detector.update(START + i * MINUTE, v));
      expect(recorded.map((r) => r.score)).toEqual(expected);

      const jump = recorded.at(-1);
      expect(jump?.score).toBeGreaterThanOrEqual(DEFAULT_DETECTOR_SETTINGS.anomalyThreshold);
      expect(recorded.slice(0, -1).every((r) => r.exceptionId === null)).toBe(true);

      const [anomaly] = await cp.monitoring.list(SYSTEM, { alertname: 'MetricAnomaly', limit: 10 });
      expect(anomaly).toMatchObject({
        id: jump?.exceptionId,
        state: 'open',
        source: 'detector:metric_anomaly',
        labels: { metric: 'orders_placed', domain: 'ops', region: 'eu', severity: 'warning' },
        details: { series: 'orders_placed{domain="ops",region="eu"}', value: 400 },
      });
      // Routed like any other: no route, so the owners of its domain hear of it.
      expect(anomaly?.escalations[0]?.notified).toEqual(['ann']);

      const [series] = await cp.monitoring.listSeries(SYSTEM, { name: 'orders_placed', limit: 5 });
      expect(series).toMatchObject({ points: 401, lastValue: 400, quietPoints: 0, kind: 'gauge' });
    });

    it('resolves the anomaly itself after a run of normal points', async () => {
      const more = Array.from({ length: DEFAULT_DETECTOR_SETTINGS.anomalyClearPoints }, (_, j) =>
        point(401 + j, healthy(401 + j)),
      );
      const recorded = await cp.monitoring.recordMetrics(SYSTEM, more);
      expect(recorded.every((r) => r.exceptionId === null)).toBe(true);
      const [anomaly] = await cp.monitoring.list(SYSTEM, { alertname: 'MetricAnomaly', limit: 10 });
      expect(anomaly).toMatchObject({ state: 'resolved', resolution: 'cleared' });
    });

    it('records a late point without scoring it: the detector never learns from the future', async () => {
      const before = await cp.monitoring.listSeries(SYSTEM, { name: 'orders_placed', limit: 1 });
      const [late] = await cp.monitoring.recordMetrics(SYSTEM, [point(3, 100)]);
      expect(late).toMatchObject({ score: null, reason: 'out of order', exceptionId: null });
      const after = await cp.monitoring.listSeries(SYSTEM, { name: 'orders_placed', limit: 1 });
      expect(after[0]?.points).toBe(before[0]?.points);
      const events = await cp.listEvents(SYSTEM, {
        types: ['monitoring.metric.recorded'],
        subject: 'orders_placed{domain="ops",region="eu"}',
        order: 'desc',
        limit: 1,
      });
      expect(events[0]?.payload).toMatchObject({ value: 100, at: point(3, 100).at });
    });

    it('refuses a batch with a bad point whole, naming the field', async () => {
      const seqBefore = await cp.latestSeq(SYSTEM);
      const good: NewMetricPoint = { name: 'revenue', kind: 'counter', value: 5 };
      const cases: [NewMetricPoint, string][] = [
        [{ name: 'bad name', kind: 'gauge', value: 1 }, 'points.1.name'],
        [{ name: 'work_done_total', kind: 'counter', value: 1 }, 'points.1.name'],
        [{ name: 'refunds', kind: 'counter', value: -1 }, 'points.1.value'],
        [{ name: 'nps', kind: 'gauge', value: Number.NaN }, 'points.1.value'],
        [
          { name: 'nps', kind: 'gauge', value: 1, labels: { 'bad-label': 'x' } },
          'points.1.labels.bad-label',
        ],
        [{ name: 'nps', kind: 'gauge', value: 1, at: 'yesterday' }, 'points.1.at'],
        [{ name: 'nps', kind: 'gauge', value: 1, at: '2030-01-01T00:00:00Z' }, 'points.1.at'],
      ];
      for (const [bad, path] of cases) {
        const error = await expectDomainError(
          cp.monitoring.recordMetrics(SYSTEM, [good, bad]),
          'validation_failed',
        );
        expect(error.issues.map((i) => i.path)).toEqual([path]);
      }
      // A series keeps the kind it was first reported as.
      const conflict = await expectDomainError(
        cp.monitoring.recordMetrics(SYSTEM, [good, { ...point(500, 1), kind: 'counter' }]),
        'conflict',
      );
      expect(conflict.issues.map((i) => i.path)).toEqual(['points.1.kind']);
      expect(await cp.latestSeq(SYSTEM)).toBe(seqBefore);
      expect(await cp.monitoring.listSeries(SYSTEM, { name: 'revenue', limit: 1 })).toEqual([]);
    });

    it('watches arrivals per domain and minute, and raises a burst as an anomaly', async () => {
      const arrivals = async (n: number) => {
        for (let k = 0; k < n; k++) await cp.createWork(SYSTEM, { typeId: 'ticket', title: 't' });
      };
      clock.set(new Date(START + 2000 * MINUTE + 5_000).toISOString());
      for (let minute = 0; minute < 200; minute++) {
        await arrivals(minute % 3);
        clock.advance(MINUTE);
        // Every half hour is enough: each pass catches up on the minutes closed since the last.
        if (minute % 30 === 29) expect(await cp.monitoring.observeBuiltinSeries()).not.toEqual([]);
      }
      await cp.monitoring.observeBuiltinSeries();
      const arrived = 'work_arrived_total{domain="ops"}';
      const [series] = await cp.monitoring.listSeries(SYSTEM, {
        name: 'work_arrived_total',
        limit: 1,
      });
      expect(series).toMatchObject({
        key: arrived,
        origin: 'builtin',
        kind: 'counter',
        // Watched from the first pass on, which scored only the minute just closed: 200 - 29.
        points: 171,
      });
      // The last closed minute had 199 % 3 = 1 arrival.
      expect(series?.lastValue).toBe(1);
      expect(await cp.monitoring.observeBuiltinSeries()).toEqual([]);

      await arrivals(40);
      clock.advance(MINUTE);
      const [burst] = (await cp.monitoring.observeBuiltinSeries()).filter(
        (p) => p.series === arrived,
      );
      expect(burst?.score).toBeGreaterThanOrEqual(DEFAULT_DETECTOR_SETTINGS.anomalyThreshold);
      const anomalies = await cp.monitoring.list(SYSTEM, {
        alertname: 'MetricAnomaly',
        active: true,
        limit: 10,
      });
      expect(anomalies.map((e) => e.labels)).toEqual([
        {
          alertname: 'MetricAnomaly',
          severity: 'warning',
          metric: 'work_arrived_total',
          domain: 'ops',
        },
      ]);
      // Built-in points count events already in the log: they are not logged again.
      const logged = await cp.listEvents(SYSTEM, {
        types: ['monitoring.metric.recorded'],
        subject: arrived,
        limit: 1,
      });
      expect(logged).toEqual([]);
    });

    it('lets a viewer read series but not report them', async () => {
      const viewer = { kind: 'token', tokenId: 't', role: 'viewer', actorId: null } as const;
      await expectDomainError(cp.monitoring.recordMetrics(viewer, [point(999, 1)]), 'forbidden');
      expect(await cp.monitoring.listSeries(viewer, { origin: 'custom', limit: 10 })).toHaveLength(
        1,
      );
    });
  });
}
