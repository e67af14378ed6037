import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binOf, binValue, quantileOf, RELATIVE_ERROR } from './log-histogram.js';

const histogram = (values: readonly number[]) => {
  const bins = new Map<number, number>();
  for (const v of values) bins.set(binOf(v), (bins.get(binOf(v)) ?? 0) + 1);
  return bins;
};

/** The nearest-rank quantile of the values themselves. */
const exact = (values: readonly number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] ?? Number.NaN;
};

describe('log histogram', () => {
  it('stands for every value of a bin within the relative error', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1e9, noNaN: true }), (v) => {
        expect(Math.abs(binValue(binOf(v)) - v)).toBeLessThanOrEqual(v * RELATIVE_ERROR * 1.000001);
      }),
    );
  });

  it('reads quantiles within the relative error of the exact nearest-rank quantile', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.5, max: 1e7, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.constantFrom(0.5, 0.9, 0.99),
        (values, q) => {
          const expected = exact(values, q);
          const read = quantileOf(histogram(values), q) ?? Number.NaN;
          expect(Math.abs(read - expected)).toBeLessThanOrEqual(
            expected * RELATIVE_ERROR * 1.000001,
          );
        },
      ),
    );
  });

  it('keeps zero apart and reads nothing from empty bins', () => {
    expect(binValue(binOf(0))).toBe(0);
    expect(quantileOf(histogram([0, 0, 5]), 0.5)).toBe(0);
    expect(quantileOf(new Map(), 0.5)).toBeNull();
  });
});
