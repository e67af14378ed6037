import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('durations', () => {
  it.each([
    ['90s', 90],
    ['30m', 1800],
    ['4h', 14_400],
    ['2d', 172_800],
    ['1w', 604_800],
    ['1h30m', 5400],
    [120, 120],
  ])('parses %s', (input, seconds) => {
    expect(parseDuration(input)).toBe(seconds);
  });

  it.each(['', 'soon', '4x', '-1h', '0s', 0, -5])('rejects %s', (input) => {
    expect(parseDuration(input)).toBeNull();
  });

  it('formats back to the shortest exact form', () => {
    expect(formatDuration(14_400)).toBe('4h');
    expect(formatDuration(5400)).toBe('1h30m');
    expect(formatDuration(90_061)).toBe('1d1h1m1s');
    for (const s of [1, 59, 61, 3600, 86_399, 90_000])
      expect(parseDuration(formatDuration(s))).toBe(s);
  });
});
