import { describe, expect, it } from 'vitest';
import {
  createPredictionSurpriseState,
  DEFAULT_PREDICTION_SURPRISE_OPTIONS,
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
