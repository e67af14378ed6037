import { describe, expect, it } from 'vitest';
import {
  createAnomalyLikelihoodState,
  DEFAULT_LIKELIHOOD_OPTIONS,
  logLikelihoodScore,
  updateAnomalyLikelihood,
} from './anomaly-likelihood.js';

const options = { ...DEFAULT_LIKELIHOOD_OPTIONS, learningPeriod: 20, estimationSamples: 50 };

describe('anomaly likelihood', () => {
  it('is 1 while learning, and small when raw scores rise above their usual level', () => {
    const state = createAnomalyLikelihoodState();
    const tails: number[] = [];
    for (let i = 0; i < 500; i++)
      tails.push(updateAnomalyLikelihood(state, 0.2 + 0.1 * Math.sin(i), options));
    expect(tails.slice(0, 70).every((t) => t === 1)).toBe(true);
    expect(Math.min(...tails.slice(70))).toBeGreaterThan(0.001);
    let lowest = 1;
    for (let i = 0; i < 10; i++)
      lowest = Math.min(lowest, updateAnomalyLikelihood(state, 1, options));
    expect(lowest).toBeLessThan(1e-6);
  });

  it('learns that a noisy raw score is normal', () => {
    const state = createAnomalyLikelihoodState();
    let lowest = 1;
    for (let i = 0; i < 3000; i++) {
      const tail = updateAnomalyLikelihood(state, (i * 7919) % 13 === 0 ? 1 : 0.5, options);
      if (i > 500) lowest = Math.min(lowest, tail);
    }
    expect(lowest).toBeGreaterThan(1e-4);
  });

  it('maps tails to Numenta’s log scale', () => {
    expect(logLikelihoodScore(1e-10)).toBeCloseTo(0.97, 2);
    expect(logLikelihoodScore(0)).toBe(1);
    expect(logLikelihoodScore(1)).toBe(0);
    expect(logLikelihoodScore(1e-5)).toBeCloseTo(0.5, 5);
  });
});
