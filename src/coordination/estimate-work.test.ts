import { describe, expect, it } from 'vitest';
import type { WorkType } from '../core/model.js';
import type { WorkStats } from '../core/ports/work-stats-store.js';
import { accumulateWorkStats } from '../core/accumulate-work-stats.js';
import { betaMean, estimateActor, estimateType, LEARNING, shrunkMean } from './estimate-work.js';

const TYPE: WorkType = {
  id: 'ticket',
  domainId: 'ops',
  name: 'Ticket',
  description: '',
  requiredSkills: {},
  expectedDurationSeconds: 1800,
  slaSeconds: 4 * 3600,
  maxAttempts: 3,
  stages: [],
};

/** Figures after these attempts, oldest first: a number is a completion in that many seconds. */
function learned(attempts: readonly (number | 'fail')[], actorId: string | null = null) {
  let stats: WorkStats | null = null;
  for (const a of attempts) {
    stats = accumulateWorkStats(
      stats,
      { typeId: 'ticket', actorId },
      {
        typeId: 'ticket',
        actorId: 'ann',
        outcome: a === 'fail' ? 'failed' : 'completed',
        durationSeconds: a === 'fail' ? null : a,
        decay: LEARNING.decay,
        at: '2026-01-01T00:00:00.000Z',
      },
    );
  }
  return stats;
}

describe('learning priors', () => {
  it('shrinks a mean towards the prior by its pseudo-observations', () => {
    expect(shrunkMean(1800, 3, 0, 0)).toBe(1800);
    // One observation of 600 s against three of the prior's 1800 s.
    expect(shrunkMean(1800, 3, 1, 600)).toBe(1500);
    // Much evidence: close to the observed mean.
    expect(shrunkMean(1800, 3, 1000, 600_000)).toBeCloseTo(603.6, 1);
  });

  it('takes a success rate as the mean of a Beta posterior', () => {
    expect(betaMean(0.9, 3, 0, 0)).toBeCloseTo(0.9);
    expect(betaMean(0.9, 3, 0, 1)).toBeCloseTo(2.7 / 4);
    expect(betaMean(0.9, 3, 7, 0)).toBeCloseTo(9.7 / 10);
    expect(betaMean(0.5, 2, 500, 500)).toBeCloseTo(0.5);
  });

  it('estimates a type by its configured duration until work is completed', () => {
    expect(estimateType(TYPE, null)).toEqual({
      expectedSeconds: 1800,
      successRate: LEARNING.successPrior,
      completions: 0,
      failures: 0,
    });
    const one = estimateType(TYPE, learned([600]));
    expect(one.expectedSeconds).toBe((3 * 1800 + 600) / 4);
    expect(one.completions).toBe(1);
    // Many completions: the configured figure keeps only its share against the decayed weight.
    const many = estimateType(TYPE, learned(Array.from({ length: 500 }, () => 600)));
    const weight = 1 / (1 - LEARNING.decay);
    expect(many.expectedSeconds).toBeCloseTo((3 * 1800 + weight * 600) / (3 + weight), 3);
  });

  it('follows a change: recent durations weigh more than old ones', () => {
    const before = Array.from({ length: 40 }, () => 600);
    const after = Array.from({ length: 14 }, () => 3000);
    const estimate = estimateType(TYPE, learned([...before, ...after])).expectedSeconds;
    const undecayedMean = (40 * 600 + 14 * 3000) / 54;
    // Fourteen observations move the estimate about half way, more than an undecayed mean.
    expect(estimate).toBeGreaterThan(undecayedMean);
    expect(estimate).toBeGreaterThan(1500);
    expect(estimate).toBeLessThan(3000);
  });

  it('lowers the success rate with failures, and lets it recover', () => {
    const failing = estimateType(TYPE, learned(['fail', 'fail', 600]));
    expect(failing.successRate).toBeLessThan(0.65);
    expect(failing.failures).toBe(2);
    // Failures measure no duration.
    expect(failing.expectedSeconds).toBe((3 * 1800 + 600) / 4);
    const recovered = estimateType(
      TYPE,
      learned(['fail', 'fail', ...Array.from({ length: 60 }, () => 600)]),
    );
    expect(recovered.successRate).toBeGreaterThan(0.95);
  });

  it("shrinks an actor's estimate towards the type's", () => {
    const typeEstimate = estimateType(TYPE, learned([1200, 1200, 1200]));
    expect(estimateActor(typeEstimate, null)).toEqual({
      ...typeEstimate,
      completions: 0,
      failures: 0,
    });
    const fast = estimateActor(typeEstimate, learned([300], 'ann'));
    expect(fast.expectedSeconds).toBeCloseTo((3 * typeEstimate.expectedSeconds + 300) / 4);
    const unreliable = estimateActor(typeEstimate, learned(['fail'], 'ann'));
    expect(unreliable.successRate).toBeCloseTo((3 * typeEstimate.successRate) / 4);
  });
});

describe('accumulateWorkStats', () => {
  it('counts every attempt and decays the weights of older ones', () => {
    const stats = learned([600, 'fail', 1200]);
    expect(stats).toMatchObject({ completions: 2, failures: 1 });
    const d = LEARNING.decay;
    expect(stats?.durationWeight).toBeCloseTo(d + 1);
    expect(stats?.durationSum).toBeCloseTo(600 * d + 1200);
    expect(stats?.successWeight).toBeCloseTo(d * d + 1);
    expect(stats?.failureWeight).toBeCloseTo(d);
  });
});
