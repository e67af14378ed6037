import { describe, expect, it } from 'vitest';
import {
  createPredictionSurpriseState,
  DEFAULT_PREDICTION_SURPRISE_OPTIONS,
  tailIndex,
  updatePredictionSurprise,
} from './prediction-surprise.js';

const options = DEFAULT_PREDICTION_SURPRISE_OPTIONS;
const HOUR = 3_600_000;

describe('prediction surprise', () => {
  it('judges a daily square wave by the time of day, and its skipped step as surprising', () => {
    const state = createPredictionSurpriseState(options);
    const value = (hour: number) => (hour % 24 < 12 ? 0 : 10) + ((hour * 37) % 7) / 70;
    let last = { p: 1, predictor: 'level' as string, z: 0 };
    for (let h = 0; h < 24 * 20; h++)
      last = updatePredictionSurprise(state, h * HOUR, value(h), options);
    expect(['time of day', 'time of week']).toContain(last.predictor);
    // Day 21 fails to step up at noon.
    for (let h = 24 * 20; h < 24 * 20 + 12; h++)
      updatePredictionSurprise(state, h * HOUR, value(h), options);
    const skipped = updatePredictionSurprise(state, (24 * 20 + 12) * HOUR, 0, options);
    expect(skipped.p).toBeLessThan(0.01);
  });
});

describe('tail index', () => {
  // Quantiles of a Pareto distribution with index α, spread evenly: a sample without randomness.
  const pareto = (alpha: number, n: number) =>
    Array.from({ length: n }, (_, i) => (1 - (i + 0.5) / n) ** (-1 / alpha));

  it('measures a heavy tail from the largest errors', () => {
    expect(tailIndex(pareto(1.5, 1000), 50, 2)).toBeCloseTo(1.5, 1);
  });

  it('never assumes a tail steeper than the maximum, nor flatter than 1', () => {
    const light = Array.from({ length: 1000 }, (_, i) => i / 1000);
    expect(tailIndex(light, 50, 2)).toBe(2);
    expect(tailIndex(pareto(0.5, 1000), 50, 2)).toBe(1);
  });

  it('takes the maximum while there are too few errors, or when asked for none', () => {
    expect(tailIndex(pareto(1.5, 40), 50, 2)).toBe(2);
    expect(tailIndex(pareto(1.5, 1000), 0, 2)).toBe(2);
  });

  it('finds a value beyond every recent error less surprising after heavy-tailed errors', () => {
    // Errors of every size (a Pareto tail of index 1) versus errors spread evenly over [1, 3].
    const feed = (heavy: boolean) => {
      const state = createPredictionSurpriseState(options);
      for (let i = 0; i < 1200; i++) {
        const u = ((i * 0.6180339887) % 1) * 0.98 + 0.01;
        const size = heavy ? u ** -1 : 1 + 2 * u;
        updatePredictionSurprise(state, i * 60_000, 100 + (i % 2 === 0 ? size : -size), options);
      }
      return state;
    };
    const pOf = (heavy: boolean, tailPoints: number) => {
      const state = feed(heavy);
      return updatePredictionSurprise(state, 1200 * 60_000, 100 + 200, { ...options, tailPoints })
        .p;
    };
    expect(pOf(true, 50)).toBeGreaterThan(pOf(true, 0));
    expect(pOf(false, 50)).toBeCloseTo(pOf(false, 0), 12);
  });
});
