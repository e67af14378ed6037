import type { WorkType } from '../core/model.js';
import type { WorkStats } from '../core/ports/work-stats-store.js';

/**
 * How learning weighs what it sees.
 *
 * Few observations say little, so every estimate starts from a prior worth `priorWeight`
 * observations and moves away from it as evidence comes in: a work type's expected duration
 * from its configured `expectedDuration`, its success rate from `successPrior`; an actor's
 * figures on a type from the type's learned ones (an actor nobody has seen yet is taken to be
 * typical). Older observations fade: each new one multiplies the weight of the others by
 * `decay`, so about the last 1 / (1 − decay) = 20 count and an estimate follows a change in
 * how work goes (half of the way after about 14 new observations). The prior keeps its weight,
 * so at most 3 / (3 + 20) ≈ 13 % of an estimate is the configured figure.
 */
export const LEARNING = {
  decay: 0.95,
  priorWeight: 3,
  /** Work given to actors with the skills it needs mostly succeeds. */
  successPrior: 0.9,
} as const;

/** What is expected of an attempt, from configuration and what was learned. */
export interface Estimate {
  /** Expected seconds from start to completion. */
  expectedSeconds: number;
  /** Chance an attempt completes rather than fails, 0–1. */
  successRate: number;
  /** Attempts observed (completed, failed): how much of the estimate is evidence. */
  completions: number;
  failures: number;
}

/**
 * The mean of observations with decayed `weight` and `sum`, shrunk towards `prior` as if it
 * had been observed `priorWeight` times: the prior with no evidence, the observed mean with a
 * lot of it.
 */
export function shrunkMean(prior: number, priorWeight: number, weight: number, sum: number) {
  return (prior * priorWeight + sum) / (priorWeight + weight);
}

/**
 * The posterior mean of a success rate under a Beta prior of mean `prior` worth `priorWeight`
 * attempts, after (decayed) `successes` and `failures`.
 */
export function betaMean(
  prior: number,
  priorWeight: number,
  successes: number,
  failures: number,
): number {
  return (prior * priorWeight + successes) / (priorWeight + successes + failures);
}

function estimateFrom(
  prior: { expectedSeconds: number; successRate: number },
  stats: WorkStats | null,
): Estimate {
  const w = LEARNING.priorWeight;
  return {
    expectedSeconds: shrunkMean(
      prior.expectedSeconds,
      w,
      stats?.durationWeight ?? 0,
      stats?.durationSum ?? 0,
    ),
    successRate: betaMean(
      prior.successRate,
      w,
      stats?.successWeight ?? 0,
      stats?.failureWeight ?? 0,
    ),
    completions: stats?.completions ?? 0,
    failures: stats?.failures ?? 0,
  };
}

/** A work type's estimate: its configured expected duration, corrected by completed work. */
export function estimateType(type: WorkType, stats: WorkStats | null): Estimate {
  return estimateFrom(
    { expectedSeconds: type.expectedDurationSeconds, successRate: LEARNING.successPrior },
    stats,
  );
}

/** An actor's estimate on a type: the type's, corrected by the actor's own attempts. */
export function estimateActor(typeEstimate: Estimate, stats: WorkStats | null): Estimate {
  return estimateFrom(typeEstimate, stats);
}
