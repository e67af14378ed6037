import { describe, expect, it } from 'vitest';
import { formatPrometheusDuration, parsePrometheusDuration } from './prometheus-duration.js';

describe('Prometheus durations', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['4h', 14_400_000],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
    ['1y', 31_536_000_000],
    ['1h30m', 5_400_000],
    ['1d2h3m4s5ms', 93_784_005],
    ['500ms', 500],
    ['0', 0],
    ['0s', 0],
    [0, 0],
  ])('reads %s', (text, ms) => {
    expect(parsePrometheusDuration(text)).toBe(ms);
  });

  it.each(['', '5', '1.5h', '30m1h', '1h1h', '-5m', '5 m', 'ms', 30])('refuses %s', (text) => {
    expect(parsePrometheusDuration(text)).toBeNull();
  });

  it('prints the shortest form, years and weeks only when exact', () => {
    expect(formatPrometheusDuration(0)).toBe('0s');
    expect(formatPrometheusDuration(30_000)).toBe('30s');
    expect(formatPrometheusDuration(5_400_000)).toBe('1h30m');
    expect(formatPrometheusDuration(604_800_000)).toBe('1w');
    expect(formatPrometheusDuration(90 * 86_400_000)).toBe('90d');
    expect(formatPrometheusDuration(1500)).toBe('1s500ms');
    for (const text of ['4h', '3h', '1d2h3m4s5ms', '2w', '1y'])
      expect(formatPrometheusDuration(parsePrometheusDuration(text) ?? -1)).toBe(text);
  });
});
