import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fisherCombination } from './fisher-combination.js';

describe('fisherCombination', () => {
  it('is the chi-squared tail with 4 degrees of freedom of −2 Σ ln p', () => {
    // −2 (ln 0.01 + ln 0.01) = 18.42; P(χ²₄ ≥ 18.42) = 0.001021 (tables).
    expect(fisherCombination(0.01, 0.01)).toBeCloseTo(0.001021, 5);
    expect(fisherCombination(1, 1)).toBe(1);
    expect(fisherCombination(0, 0.5)).toBe(0);
  });

  it('makes two moderate surprises together more surprising than either', () => {
    expect(fisherCombination(1e-3, 1e-2)).toBeLessThan(1e-3);
  });

  it('never makes one piece of evidence more surprising alone, and stays a probability', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-12, max: 1, noNaN: true }),
        fc.double({ min: 1e-12, max: 1, noNaN: true }),
        (p1, p2) => {
          const c = fisherCombination(p1, p2);
          expect(c).toBeGreaterThanOrEqual(0);
          expect(c).toBeLessThanOrEqual(1);
          expect(c).toBeCloseTo(fisherCombination(p2, p1), 12);
          expect(fisherCombination(p1, 1)).toBeGreaterThanOrEqual(p1);
        },
      ),
    );
  });
});
