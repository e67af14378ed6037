import { describe, expect, it } from 'vitest';
import type { KeyResult } from '../../core/objective-config.js';
import { evaluateKeyResult, keyResultWindow, leastSquares } from './evaluate-key-result.js';

// A 90-day period: 2,160 hours.
const kr = (overrides: Partial<KeyResult> = {}): KeyResult => ({
  id: 'throughput',
  name: 'Complete 900 refunds this quarter',
  metric: { name: 'work_completed_total', labels: { work_type: 'refund' } },
  start: 0,
  target: 900,
  periodStart: '2026-01-01T00:00:00.000Z',
  periodEnd: '2026-04-01T00:00:00.000Z',
  windowSeconds: null,
  ...overrides,
});
const DAY31 = new Date('2026-01-31T00:00:00Z'); // 720 hours in: a third of the period

describe('evaluateKeyResult', () => {
  it('without history forecasts the pace since the start: on track at exactly the target', () => {
    const evaluation = evaluateKeyResult(kr(), 300, [], DAY31);
    expect(evaluation).toEqual({
      status: 'on_track',
      reason: "on track: forecast 900.0 at the period's end, 100% of the way to 900",
      window: { from: '2026-01-01T00:00:00.000Z', to: '2026-01-31T00:00:00.000Z' },
      value: 300,
      progress: 1 / 3,
      expectedProgress: 1 / 3,
      forecast: 900,
      forecastProgress: 1,
      forecastMethod: 'pace',
    });
  });

  it('is at risk from 80% of the way and off track below', () => {
    expect(evaluateKeyResult(kr(), 299, [], DAY31)).toMatchObject({
      status: 'at_risk',
      forecast: 897,
    });
    expect(evaluateKeyResult(kr(), 240, [], DAY31)).toMatchObject({
      status: 'at_risk',
      forecast: 720,
      forecastProgress: 0.8,
    });
    expect(evaluateKeyResult(kr(), 239, [], DAY31)).toMatchObject({
      status: 'off_track',
      forecast: 717,
    });
  });

  it('fits a least-squares line through the history and the current value', () => {
    const history = [
      { at: '2026-01-11T00:00:00.000Z', value: 100 }, // hour 240
      { at: '2026-01-21T00:00:00.000Z', value: 220 }, // hour 480
      // Before the period and at or after now: not part of this period's trend.
      { at: '2025-12-31T00:00:00.000Z', value: 5000 },
      { at: '2026-01-31T00:00:00.000Z', value: 5000 },
    ];
    const evaluation = evaluateKeyResult(kr(), 300, history, DAY31);
    // Through (240, 100), (480, 220), (720, 300): slope 5/12 a hour, intercept 20/3.
    expect(evaluation.forecastMethod).toBe('least_squares');
    expect(evaluation.forecast).toBeCloseTo(20 / 3 + (5 / 12) * 2160, 9);
    expect(evaluation.forecastProgress).toBeCloseTo(2720 / 3 / 900, 9);
    expect(evaluation.status).toBe('on_track');
    expect(evaluation.progress).toBeCloseTo(1 / 3, 12);
  });

  it('works for a key result that should go down', () => {
    const cycle = kr({ start: 48, target: 24, windowSeconds: 7 * 86_400 });
    const evaluation = evaluateKeyResult(cycle, 36, [], new Date('2026-02-15T00:00:00Z'));
    // Half the period, half the way: the pace reaches 24 at the end.
    expect(evaluation).toMatchObject({
      status: 'on_track',
      progress: 0.5,
      expectedProgress: 0.5,
      forecast: 24,
      window: { from: '2026-02-08T00:00:00.000Z', to: '2026-02-15T00:00:00.000Z' },
    });
    expect(evaluateKeyResult(cycle, 40, [], new Date('2026-02-15T00:00:00Z'))).toMatchObject({
      status: 'off_track',
      forecast: 32,
    });
  });

  it('after the period judges the final value', () => {
    const evaluation = evaluateKeyResult(kr(), 850, [], new Date('2026-05-01T00:00:00Z'));
    expect(evaluation).toMatchObject({
      status: 'at_risk',
      forecast: 850,
      forecastMethod: 'final',
      expectedProgress: 1,
      window: { from: '2026-01-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' },
      reason: 'at risk: the period ended at 94% of the way to 900',
    });
  });

  it('says no_data without a value, and before the period starts', () => {
    expect(evaluateKeyResult(kr(), null, [], DAY31)).toMatchObject({
      status: 'no_data',
      progress: null,
      forecast: null,
      reason:
        'no data for work_completed_total from 2026-01-01T00:00:00.000Z to 2026-01-31T00:00:00.000Z',
    });
    expect(evaluateKeyResult(kr(), 10, [], new Date('2025-12-01T00:00:00Z'))).toMatchObject({
      status: 'no_data',
      window: null,
      reason: 'the period starts at 2026-01-01T00:00:00.000Z',
    });
  });
});

describe('keyResultWindow', () => {
  it('is the period so far, or the trailing window, capped at the period end', () => {
    expect(keyResultWindow(kr(), new Date('2026-06-01T00:00:00Z'))).toEqual({
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-04-01T00:00:00.000Z',
    });
    expect(
      keyResultWindow(kr({ windowSeconds: 86_400 }), new Date('2026-01-10T06:00:00Z')),
    ).toEqual({ from: '2026-01-09T06:00:00.000Z', to: '2026-01-10T06:00:00.000Z' });
  });
});

describe('leastSquares', () => {
  it('fits a line, and needs two distinct x', () => {
    expect(
      leastSquares([
        { x: 0, y: 1 },
        { x: 1, y: 3 },
        { x: 2, y: 5 },
      ]),
    ).toEqual({ slope: 2, intercept: 1 });
    expect(leastSquares([{ x: 1, y: 1 }])).toBeNull();
    expect(
      leastSquares([
        { x: 1, y: 1 },
        { x: 1, y: 2 },
      ]),
    ).toBeNull();
  });
});
