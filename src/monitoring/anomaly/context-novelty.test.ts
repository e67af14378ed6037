import { describe, expect, it } from 'vitest';
import {
  createContextNoveltyState,
  DEFAULT_CONTEXT_NOVELTY_OPTIONS,
  updateContextNovelty,
} from './context-novelty.js';

const options = DEFAULT_CONTEXT_NOVELTY_OPTIONS;
const pattern = [0, 1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1];

describe('context novelty', () => {
  it('falls to 0 on a repeating pattern and rises when the pattern breaks', () => {
    const state = createContextNoveltyState();
    const novelty: number[] = [];
    for (let i = 0; i < 600; i++)
      novelty.push(updateContextNovelty(state, pattern[i % pattern.length] ?? 0, options));
    expect(novelty.slice(300).every((n) => n === 0)).toBe(true);
    // The pattern stalls at its top: values seen before, in an order never seen.
    const broken = [7, 7, 7, 7].map((v) => updateContextNovelty(state, v, options));
    expect(Math.max(...broken)).toBeGreaterThan(0.5);
  });

  it('forgets its oldest contexts beyond its capacity', () => {
    const state = createContextNoveltyState();
    const small = { ...options, capacity: 50 };
    for (let i = 0; i < 2000; i++) updateContextNovelty(state, Math.sin(i) * (1 + i / 100), small);
    expect(state.seen.length).toBeLessThanOrEqual(50);
  });
});
