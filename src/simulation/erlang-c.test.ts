import { describe, expect, it } from 'vitest';
import { erlangC, probabilityWaitWithin } from './erlang-c.js';
import { scenarioSchema } from './scenario.js';
import { simulate } from './simulate.js';

describe('Erlang C', () => {
  it('matches published values', () => {
    // Two servers at one erlang: C = 1/3. Ten servers at 8 erlangs: C ≈ 0.409 (tables).
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 10);
    expect(erlangC(10, 8)).toBeCloseTo(0.4092, 4);
    expect(erlangC(1, 0.5)).toBeCloseTo(0.5, 10);
    // Saturated: everyone waits.
    expect(erlangC(3, 3)).toBe(1);
    // 100 servers do not overflow.
    expect(erlangC(100, 95)).toBeGreaterThan(0);
    expect(erlangC(100, 95)).toBeLessThan(1);
  });

  it('gives the share served within t: 1 − C·e^(−(cμ − λ)t)', () => {
    const lambda = 8 / 600;
    const mu = 1 / 600;
    expect(probabilityWaitWithin(10, lambda, mu, 0)).toBeCloseTo(1 - erlangC(10, 8), 10);
    expect(probabilityWaitWithin(10, lambda, mu, 60)).toBeCloseTo(
      1 - erlangC(10, 8) * Math.exp(-(10 * mu - lambda) * 60),
      10,
    );
    expect(probabilityWaitWithin(10, lambda, mu, 1e9)).toBeCloseTo(1, 10);
  });
});

/**
 * The simulator against queueing theory: two interchangeable actors, Poisson arrivals,
 * exponential work with a mean of 10 minutes, first come first served. The share of items
 * assigned within a minute of arriving must match Erlang C within 1.5 points at each load.
 * Near saturation a queue remembers its past for a long time, so a run's estimate wanders far
 * from the truth unless it is long: the runs get longer as the load rises. Two servers rather
 * than ten: the estimate settles with about a third as many items (measured over seeds; see
 * docs/scenarios.md).
 */
describe('the simulator on M/M/c queues', () => {
  const SERVERS = 2;
  const MEAN_SECONDS = 600;
  const TARGET_SECONDS = 60;

  const cases = [
    { load: 0.7, items: 60_000 },
    { load: 0.85, items: 60_000 },
    { load: 0.95, items: 150_000 },
  ];

  for (const { load, items } of cases) {
    it(`waits as Erlang C predicts at ρ = ${load}`, async () => {
      const lambda = (load * SERVERS) / MEAN_SECONDS;
      const scenario = scenarioSchema.parse({
        apiVersion: 'autonomy/v1',
        kind: 'Scenario',
        metadata: { name: `mmc-${load}` },
        duration: Math.ceil(items / lambda),
        warmup: '1d',
        drain: '1d',
        actors: [{ group: 'servers', count: SERVERS, kind: 'agent', skills: { work: 1 } }],
        workTypes: [
          {
            id: 'job',
            requiredSkills: { work: 1 },
            duration: { distribution: 'exponential', mean: MEAN_SECONDS },
            deadline: '1d',
            arrivals: { perHour: lambda * 3600 },
          },
        ],
      });
      const report = await simulate(scenario, {
        policy: 'fifo',
        seed: 1,
        waitTargets: [TARGET_SECONDS],
      });
      const simulated = (report.waitingWithin[String(TARGET_SECONDS)] ?? 0) * 100;
      const theory = probabilityWaitWithin(SERVERS, lambda, 1 / MEAN_SECONDS, TARGET_SECONDS) * 100;
      expect(Math.abs(simulated - theory)).toBeLessThanOrEqual(1.5);
      expect(report.utilization.servers).toBeCloseTo(load, 1);
    }, 300_000);
  }
});
