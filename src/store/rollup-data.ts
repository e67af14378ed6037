import type { RollupEntry } from '../core/ports/rollup-store.js';

/** A rollup row's metrics by name. */
export type RollupData = Record<string, RollupEntry>;

/**
 * As stored: name → `[count, sum]`, `[count, sum, bins]` or `[count, sum, bins | null,
 * lastValue, lastAt]`. Arrays keep a row short; a row holds a label set's every metric.
 */
export type StoredEntry =
  | [number, number]
  | [number, number, Record<string, number>]
  | [number, number, Record<string, number> | null, number, string];

export function encodeRollupData(data: RollupData): string {
  const stored: Record<string, StoredEntry> = {};
  for (const name in data) {
    const e = data[name] as RollupEntry;
    stored[name] =
      e.lastAt !== null && e.lastValue !== null
        ? [e.count, e.sum, e.bins, e.lastValue, e.lastAt]
        : e.bins !== null
          ? [e.count, e.sum, e.bins]
          : [e.count, e.sum];
  }
  return JSON.stringify(stored);
}

/** A row's data as stored, for reads that only add it up (no entry objects made). */
export const parseRollupData = (text: string) => JSON.parse(text) as Record<string, StoredEntry>;

export function decodeRollupData(text: string): RollupData {
  const stored = parseRollupData(text);
  const data: RollupData = {};
  for (const name in stored) {
    const [count, sum, bins, lastValue, lastAt] = stored[name] as StoredEntry;
    data[name] = {
      count,
      sum,
      bins: bins ?? null,
      lastValue: lastValue ?? null,
      lastAt: lastAt ?? null,
    };
  }
  return data;
}
