import { describe, expect, it } from 'vitest';
import { bucketOf, coverWindow, minutesKeptFrom, windowEndingNow } from './rollup-buckets.js';

const ms = (iso: string) => Date.parse(iso);

describe('rollup buckets', () => {
  it('names buckets by the prefix of the time they start at', () => {
    const t = '2026-03-02T10:05:42.123Z';
    expect(bucketOf(t, 'minute')).toBe('2026-03-02T10:05');
    expect(bucketOf(t, 'hour')).toBe('2026-03-02T10');
    expect(bucketOf(t, 'day')).toBe('2026-03-02');
  });

  it('tiles a window with days in the middle, hours and minutes at the edges', () => {
    expect(coverWindow(ms('2026-03-01T22:58:30Z'), ms('2026-03-04T01:02:10Z'))).toEqual([
      { resolution: 'minute', from: '2026-03-01T22:58', to: '2026-03-01T23:00' },
      { resolution: 'hour', from: '2026-03-01T23', to: '2026-03-02T00' },
      { resolution: 'day', from: '2026-03-02', to: '2026-03-04' },
      { resolution: 'hour', from: '2026-03-04T00', to: '2026-03-04T01' },
      { resolution: 'minute', from: '2026-03-04T01:00', to: '2026-03-04T01:02' },
    ]);
  });

  it('uses hours within a day and minutes within an hour; nothing for an empty window', () => {
    expect(coverWindow(ms('2026-03-02T09:51:00Z'), ms('2026-03-02T11:39:30Z'))).toEqual([
      { resolution: 'minute', from: '2026-03-02T09:51', to: '2026-03-02T10:00' },
      { resolution: 'hour', from: '2026-03-02T10', to: '2026-03-02T11' },
      { resolution: 'minute', from: '2026-03-02T11:00', to: '2026-03-02T11:39' },
    ]);
    expect(coverWindow(ms('2026-03-02T09:51:00Z'), ms('2026-03-02T09:53:00Z'))).toEqual([
      { resolution: 'minute', from: '2026-03-02T09:51', to: '2026-03-02T09:53' },
    ]);
    expect(coverWindow(ms('2026-03-02T09:51:10Z'), ms('2026-03-02T09:51:50Z'))).toEqual([]);
    expect(coverWindow(ms('2026-03-01T00:00:00Z'), ms('2026-03-31T00:00:00Z'))).toEqual([
      { resolution: 'day', from: '2026-03-01', to: '2026-03-31' },
    ]);
  });

  it('ends a window at now after the current minute', () => {
    expect(windowEndingNow(new Date('2026-03-02T10:05:42Z'))).toBe('2026-03-02T10:06:00.000Z');
    expect(windowEndingNow(new Date('2026-03-02T10:05:00Z'))).toBe('2026-03-02T10:06:00.000Z');
  });

  it('reads edges older than the minutes kept from hour buckets', () => {
    const kept = ms('2026-03-02T10:00:00Z');
    // Both edges before the horizon: widened to the hours they fall in.
    expect(coverWindow(ms('2026-03-02T07:25:00Z'), ms('2026-03-02T09:40:00Z'), kept)).toEqual([
      { resolution: 'hour', from: '2026-03-02T07', to: '2026-03-02T10' },
    ]);
    // Only the start before it: the end keeps its minutes.
    expect(coverWindow(ms('2026-03-02T09:25:00Z'), ms('2026-03-02T10:40:00Z'), kept)).toEqual([
      { resolution: 'hour', from: '2026-03-02T09', to: '2026-03-02T10' },
      { resolution: 'minute', from: '2026-03-02T10:00', to: '2026-03-02T10:40' },
    ]);
    // At or after it: unchanged.
    expect(coverWindow(ms('2026-03-02T10:25:00Z'), ms('2026-03-02T10:40:00Z'), kept)).toEqual([
      { resolution: 'minute', from: '2026-03-02T10:25', to: '2026-03-02T10:40' },
    ]);
  });

  it('keeps minutes from the start of the hour the retention reaches back to', () => {
    expect(minutesKeptFrom(ms('2026-03-09T10:25:00Z'), 7 * 86_400_000)).toBe(
      ms('2026-03-02T10:00:00Z'),
    );
    expect(minutesKeptFrom(ms('2026-03-09T10:25:00Z'), Infinity)).toBe(-Infinity);
  });
});
