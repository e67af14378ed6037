import type { RollupEntry } from './ports/rollup-store.js';

/** An empty entry: a histogram's with no bins yet, a counter's or gauge's without them. */
export const emptyEntry = (histogram: boolean): RollupEntry => ({
  count: 0,
  sum: 0,
  bins: histogram ? {} : null,
  lastValue: null,
  lastAt: null,
});

/**
 * Adds `more` into `entry` and returns it: counts and sums add, bins add bin by bin, a gauge
 * keeps the newer value, `more`'s on a tie (it was folded later). The one arithmetic of every
 * rollup store.
 */
export function addEntry(entry: RollupEntry, more: Readonly<RollupEntry>): RollupEntry {
  entry.count += more.count;
  entry.sum += more.sum;
  if (more.bins !== null) {
    const bins = (entry.bins ??= {});
    for (const bin in more.bins) bins[bin] = (bins[bin] ?? 0) + (more.bins[bin] ?? 0);
  }
  if (more.lastAt !== null && (entry.lastAt === null || more.lastAt >= entry.lastAt)) {
    entry.lastAt = more.lastAt;
    entry.lastValue = more.lastValue;
  }
  return entry;
}

/** A copy sharing nothing with `entry` (bins included), to keep or add to. */
export const copyEntry = (entry: Readonly<RollupEntry>): RollupEntry => ({
  ...entry,
  bins: entry.bins === null ? null : { ...entry.bins },
});
