import { describe, expect, it } from 'vitest';
import { normalTail } from './normal-tail.js';

describe('normalTail', () => {
  it('matches the standard normal table', () => {
    expect(normalTail(0)).toBeCloseTo(0.5, 7);
    expect(normalTail(1.959964)).toBeCloseTo(0.025, 6);
    expect(normalTail(-1.959964)).toBeCloseTo(0.975, 6);
    expect(normalTail(4.264891) / 1e-5).toBeCloseTo(1, 3);
    expect(normalTail(6.361341) / 1e-10).toBeCloseTo(1, 2);
  });
});
