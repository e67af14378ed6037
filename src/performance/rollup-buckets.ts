/**
 * Rollup buckets are UTC minutes, hours and days, named by the prefix of the ISO 8601 time
 * they start at (`2025-03-01T10:05`, `2025-03-01T10`, `2025-03-01`): names sort as times do, so
 * a range of buckets is a range of strings.
 */

export const RESOLUTIONS = ['minute', 'hour', 'day'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

const PREFIX: Record<Resolution, number> = { minute: 16, hour: 13, day: 10 };
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The bucket of `time` (ISO 8601 UTC as Date writes it) at a resolution. */
export function bucketOf(time: string, resolution: Resolution): string {
  return time.slice(0, PREFIX[resolution]);
}

/** A range of buckets of one resolution: names from `from` (inclusive) to `to` (exclusive). */
export interface BucketRange {
  resolution: Resolution;
  from: string;
  to: string;
}

const name = (ms: number, resolution: Resolution) =>
  bucketOf(new Date(ms).toISOString(), resolution);
const floorTo = (ms: number, step: number) => Math.floor(ms / step) * step;
const ceilTo = (ms: number, step: number) => Math.ceil(ms / step) * step;

/**
 * The fewest buckets that tile [from, to), both bounds taken down to the minute: whole days in
 * the middle, hours and then minutes at the edges. A 30-day window costs at most 30 days, 46
 * hours and 118 minutes of buckets per series, however many events it holds.
 *
 * Minute buckets are kept from `minutesFromMs` on (an hour's start; see `minutesKeptFrom`): a
 * bound before it widens to the hours it falls in (the start down, the end up to the hour), and
 * that edge is read from hour buckets.
 */
export function coverWindow(
  fromMs: number,
  toMs: number,
  minutesFromMs = -Infinity,
): BucketRange[] {
  const a = fromMs < minutesFromMs ? floorTo(fromMs, HOUR_MS) : floorTo(fromMs, MINUTE_MS);
  const b = toMs < minutesFromMs ? ceilTo(toMs, HOUR_MS) : floorTo(toMs, MINUTE_MS);
  if (!(a < b)) return [];
  const ranges: BucketRange[] = [];
  const push = (resolution: Resolution, from: number, to: number) => {
    if (from < to)
      ranges.push({ resolution, from: name(from, resolution), to: name(to, resolution) });
  };
  const ah = ceilTo(a, HOUR_MS);
  const ad = ceilTo(a, DAY_MS);
  const bh = floorTo(b, HOUR_MS);
  const bd = floorTo(b, DAY_MS);
  if (ad <= bd) {
    push('minute', a, ah);
    push('hour', ah, ad);
    push('day', ad, bd);
    push('hour', bd, bh);
    push('minute', bh, b);
  } else if (ah <= bh) {
    push('minute', a, ah);
    push('hour', ah, bh);
    push('minute', bh, b);
  } else {
    push('minute', a, b);
  }
  return ranges;
}

/**
 * The end of a window that should include now: the start of the next minute, since windows are
 * cut at minutes and the current minute's events would otherwise be left out.
 */
export function windowEndingNow(now: Date): string {
  return new Date(ceilTo(now.getTime() + 1, MINUTE_MS)).toISOString();
}

/**
 * The start of the oldest minute buckets kept at `nowMs` when they are kept for `retentionMs`:
 * the hour that many milliseconds ago began (pruning and reading agree on it, so a query never
 * reads minutes that may have gone). -Infinity when they are kept for ever.
 */
export function minutesKeptFrom(nowMs: number, retentionMs: number): number {
  return Number.isFinite(retentionMs) ? floorTo(nowMs - retentionMs, HOUR_MS) : -Infinity;
}

/** The name of the bucket starting at `ms`. */
export function bucketName(ms: number, resolution: Resolution): string {
  return name(ms, resolution);
}
