import type { TrustCounts } from '../core/trust.js';

/**
 * How much of a count observed at `from` is left at `to` with exponential decay of the given
 * half-life: 0.5^(Δt / half-life). Time never runs backwards here: a `to` before `from` keeps
 * everything (factor 1), so events folded slightly out of time order lose nothing.
 */
export function decayFactor(halfLifeSeconds: number, from: string, to: string): number {
  const seconds = (Date.parse(to) - Date.parse(from)) / 1000;
  if (!(seconds > 0)) return 1;
  return Math.pow(0.5, seconds / halfLifeSeconds);
}

/** Counts scaled by a decay factor. */
export function decayCounts(counts: TrustCounts, factor: number): TrustCounts {
  return {
    attempts: counts.attempts * factor,
    successes: counts.successes * factor,
    reversals: counts.reversals * factor,
    incidents: counts.incidents * factor,
  };
}
