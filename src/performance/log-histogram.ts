/**
 * Durations are kept as mergeable log-scale histograms (DDSketch's mapping): a value v > 0 falls
 * in bin ⌈log_γ v⌉ with γ = (1 + α) / (1 − α), and the bin stands for 2γ^i / (γ + 1), which is
 * within a relative error α of every value in it. Bins of any buckets add up, so a percentile
 * over a window costs the bins of its buckets, never its events, and is within α of the exact
 * nearest-rank percentile of the same values.
 */

/** The bound on relative error of every percentile read from the histograms (2%). */
export const RELATIVE_ERROR = 0.02;
const GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR);
const LOG_GAMMA = Math.log(GAMMA);

/** The bin of zero and negative values (a duration of nothing), read back as 0. */
export const ZERO_BIN = -1_000_000;

/** The bin a value falls in. */
export function binOf(value: number): number {
  if (!(value > 0)) return ZERO_BIN;
  return Math.ceil(Math.log(value) / LOG_GAMMA);
}

/** The value a bin stands for: within α of everything in it. */
export function binValue(bin: number): number {
  if (bin === ZERO_BIN) return 0;
  return (2 * GAMMA ** bin) / (GAMMA + 1);
}

/**
 * The q-quantile (0 < q ≤ 1) by nearest rank of the values the bins count: the value of the
 * bin holding the ⌈q·n⌉-th smallest. Null when the bins count nothing.
 */
export function quantileOf(bins: ReadonlyMap<number, number>, q: number): number | null {
  let total = 0;
  for (const count of bins.values()) total += count;
  if (total <= 0) return null;
  const rank = Math.max(1, Math.ceil(q * total - 1e-9));
  const ordered = [...bins.entries()].filter(([, c]) => c > 0).sort((a, b) => a[0] - b[0]);
  let seen = 0;
  for (const [bin, count] of ordered) {
    seen += count;
    if (seen >= rank) return binValue(bin);
  }
  const last = ordered.at(-1);
  return last === undefined ? null : binValue(last[0]);
}
