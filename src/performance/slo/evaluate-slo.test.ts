import { describe, expect, it } from 'vitest';
import type { SloDefinition } from '../../core/slo-config.js';
import { FakeMetricReader } from '../../../test/support/fake-metric-reader.js';
import { burnRateSignals, SLO_BURN_RATE_SOURCE } from './burn-rate-signals.js';
import { evaluateSlo, readSlo, type SloEvaluation } from './evaluate-slo.js';

const slo = (target: number, indicator: 'good' | 'bad' = 'good'): SloDefinition => ({
  name: 'checkout-availability',
  displayName: 'Checkout availability',
  description: '',
  service: 'checkout',
  indicator: {
    name: 'checkout-success',
    good: indicator === 'good' ? { name: 'work_completed_total', labels: { domain: 'x' } } : null,
    bad: indicator === 'bad' ? { name: 'work_failed_total', labels: { domain: 'x' } } : null,
    total: { name: 'work_ended_total', labels: { domain: 'x' } },
  },
  timeWindow: { kind: 'rolling', seconds: 30 * 86_400 },
  objectives: [{ name: '99.9%', target }],
});

const T0 = Date.parse('2026-03-10T00:00:00Z');
const MINUTE = 60_000;
const labels = { domain: 'x', work_type: 'checkout' };

/**
 * 10,000 events a minute for three days before T0, all good; from T0 on a share `errorRatio`
 * of each minute's events is bad, up to `minutes` minutes (whole events, so sums are exact).
 */
function traffic(errorRatio: number, minutes: number): FakeMetricReader {
  const reader = new FakeMetricReader();
  for (let i = -3 * 1440; i < minutes; i++) {
    const at = new Date(T0 + i * MINUTE);
    const bad = i >= 0 ? Math.round(10_000 * errorRatio) : 0;
    reader.add('work_ended_total', labels, at, 10_000);
    reader.add('work_completed_total', labels, at, 10_000 - bad);
    reader.add('work_failed_total', labels, at, bad);
  }
  return reader;
}

async function evaluateAt(reader: FakeMetricReader, minute: number, definition = slo(0.999)) {
  return evaluateSlo(definition, await readSlo(reader, definition, new Date(T0 + minute * MINUTE)));
}

const alert = (evaluation: SloEvaluation, window: string) => {
  const found = evaluation.objectives[0]?.alerts.find((a) => a.window === window);
  if (found === undefined) throw new Error(`no alert for ${window}`);
  return found;
};

describe('evaluateSlo: error budget', () => {
  it('gives the SLI, the budget consumed and remaining over the window', async () => {
    const reader = new FakeMetricReader()
      .add('work_ended_total', labels, '2026-03-01T00:00:00Z', 6000)
      .add('work_ended_total', labels, '2026-03-09T00:00:00Z', 4000)
      .add('work_completed_total', labels, '2026-03-01T00:00:00Z', 5990)
      .add('work_completed_total', labels, '2026-03-09T00:00:00Z', 3985)
      // Older than the 28-day window: not counted.
      .add('work_ended_total', labels, '2026-01-01T00:00:00Z', 100_000);
    const definition: SloDefinition = {
      ...slo(0.99),
      timeWindow: { kind: 'rolling', seconds: 28 * 86_400 },
    };
    const evaluation = evaluateSlo(
      definition,
      await readSlo(reader, definition, new Date('2026-03-10T00:00:00Z')),
    );
    const objective = evaluation.objectives[0];
    expect(evaluation.total).toBe(10_000);
    expect(evaluation.budgetWindow).toEqual({
      from: '2026-02-10T00:00:00.000Z',
      to: '2026-03-10T00:00:00.000Z',
    });
    // 25 bad of 10,000: 0.25% of events, a quarter of the 1% allowed.
    expect(objective?.sli).toBeCloseTo(0.9975, 12);
    expect(objective?.errorBudget.allowed).toBe(0.01);
    expect(objective?.errorBudget.consumed).toBeCloseTo(0.25, 12);
    expect(objective?.errorBudget.remaining).toBeCloseTo(0.75, 12);
    expect(objective?.status).toBe('ok');
    expect(evaluation.status).toBe('ok');
  });

  it('counts bad events the same way as good ones', async () => {
    const reader = traffic(0.0005, 600);
    const good = await evaluateAt(reader, 600);
    const bad = await evaluateAt(reader, 600, slo(0.999, 'bad'));
    // 3,000 bad of 49,200,000 events over the whole window (3 days and 10 hours of traffic).
    expect(good.objectives[0]?.errorBudget.consumed).toBeCloseTo(3000 / 49_200_000 / 0.001, 12);
    expect(bad.objectives[0]?.errorBudget.consumed).toBeCloseTo(3000 / 49_200_000 / 0.001, 12);
  });

  it('is breached once more than the whole budget is spent', async () => {
    const evaluation = await evaluateAt(traffic(0.5, 600), 600);
    expect(evaluation.objectives[0]?.errorBudget.remaining).toBeLessThan(0);
    expect(evaluation.status).toBe('breached');
  });

  it('says no_data, not ok, when nothing was counted', async () => {
    const evaluation = await evaluateAt(new FakeMetricReader(), 0);
    expect(evaluation.status).toBe('no_data');
    expect(evaluation.reason).toBe('no events of work_ended_total in the budget window');
    expect(evaluation.objectives[0]).toMatchObject({
      status: 'no_data',
      sli: null,
      errorBudget: { allowed: 0.001, consumed: null, remaining: null },
    });
    expect(evaluation.objectives[0]?.alerts.every((a) => !a.firing)).toBe(true);
    expect(burnRateSignals(evaluation)).toEqual([]);
  });
});

describe('evaluateSlo: burn-rate alerts (SRE workbook windows)', () => {
  it('pages at 14.4x over 1h and 5m: fires at minute 44 of a 20x burn, not at 43', async () => {
    const reader = traffic(0.02, 44);
    const before = await evaluateAt(reader, 43);
    // 43 bad minutes of the last 60 at 20x: 20 × 43/60.
    expect(alert(before, '1h').longBurnRate).toBeCloseTo((20 * 43) / 60, 10);
    expect(alert(before, '1h').shortBurnRate).toBeCloseTo(20, 10);
    expect(alert(before, '1h').firing).toBe(false);
    expect(before.status).toBe('ok');

    const after = await evaluateAt(reader, 44);
    expect(alert(after, '1h').longBurnRate).toBeCloseTo((20 * 44) / 60, 10);
    expect(alert(after, '1h').shortBurnRate).toBeCloseTo(20, 10);
    expect(alert(after, '1h').firing).toBe(true);
    expect(after.status).toBe('burning');
    expect(after.objectives[0]?.burnRates['5m']).toBeCloseTo(20, 10);
    // The slower windows are not reached yet.
    expect(alert(after, '6h').firing).toBe(false);
    expect(alert(after, '3d').firing).toBe(false);
  });

  it('pages at 6x over 6h and 30m: fires at minute 309 of a 7x burn, not at 308', async () => {
    const reader = traffic(0.007, 309);
    const before = await evaluateAt(reader, 308);
    expect(alert(before, '6h').longBurnRate).toBeCloseTo((7 * 308) / 360, 10);
    expect(alert(before, '6h').shortBurnRate).toBeCloseTo(7, 10);
    expect(alert(before, '6h').firing).toBe(false);
    const after = await evaluateAt(reader, 309);
    expect(alert(after, '6h').longBurnRate).toBeCloseTo((7 * 309) / 360, 10);
    expect(alert(after, '6h').firing).toBe(true);
    // 7x never reaches the 14.4x page, and 309 minutes are short of the 1x ticket over 3d.
    expect(alert(after, '1h').firing).toBe(false);
    expect(alert(after, '3d').longBurnRate).toBeCloseTo((7 * 309) / 4320, 10);
    expect(alert(after, '3d').firing).toBe(false);
  });

  it('tickets at 1x over 3d and 6h: fires at minute 2542 of a 1.7x burn, not at 2541', async () => {
    const reader = traffic(0.0017, 2542);
    const before = await evaluateAt(reader, 2541);
    expect(alert(before, '3d').longBurnRate).toBeCloseTo((1.7 * 2541) / 4320, 10);
    expect(alert(before, '3d').shortBurnRate).toBeCloseTo(1.7, 10);
    expect(alert(before, '3d').firing).toBe(false);
    const after = await evaluateAt(reader, 2542);
    expect(alert(after, '3d').longBurnRate).toBeCloseTo((1.7 * 2542) / 4320, 10);
    expect(alert(after, '3d').firing).toBe(true);
    expect(alert(after, '6h').firing).toBe(false);
  });

  it('stops firing when the short window clears, though the long one still burns', async () => {
    // 60 bad minutes at 20x, then 5 clean minutes: the hour still burns 15x, the 5m window 0.
    const reader = traffic(0.02, 60);
    for (let i = 60; i < 65; i++) {
      reader.add('work_ended_total', labels, new Date(T0 + i * MINUTE), 10_000);
      reader.add('work_completed_total', labels, new Date(T0 + i * MINUTE), 10_000);
    }
    const evaluation = await evaluateAt(reader, 65);
    expect(alert(evaluation, '1h').longBurnRate).toBeCloseTo((20 * 55) / 60, 10);
    expect(alert(evaluation, '1h').shortBurnRate).toBe(0);
    expect(alert(evaluation, '1h').firing).toBe(false);
  });

  it('turns each firing alert into a signal with the labels routing matches on', async () => {
    const evaluation = await evaluateAt(traffic(0.02, 44), 44);
    const signals = burnRateSignals(evaluation);
    expect(SLO_BURN_RATE_SOURCE).toBe('slo:burn_rate');
    expect(signals).toHaveLength(1);
    expect(signals[0]?.labels).toEqual({
      alertname: 'SloBurnRate',
      severity: 'critical',
      slo: 'checkout-availability',
      objective: '99.9%',
      service: 'checkout',
      window: '1h',
    });
    expect(signals[0]?.summary).toBe(
      "SLO 'checkout-availability' (99.9%) burns its error budget at 14.7x over 1h and 20.0x over 5m (page above 14.4x)",
    );
    expect(signals[0]?.details).toMatchObject({ shortWindow: '5m', factor: 14.4, notify: 'page' });

    const ticket = burnRateSignals(await evaluateAt(traffic(0.0017, 2542), 2542));
    expect(ticket.map((s) => [s.labels.severity, s.labels.window])).toEqual([['warning', '3d']]);
  });
});
