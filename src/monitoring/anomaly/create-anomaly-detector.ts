import {
  createAnomalyLikelihoodState,
  DEFAULT_LIKELIHOOD_OPTIONS,
  logLikelihoodScore,
  updateAnomalyLikelihood,
  type AnomalyLikelihoodOptions,
  type AnomalyLikelihoodState,
} from './anomaly-likelihood.js';
import {
  createContextNoveltyState,
  DEFAULT_CONTEXT_NOVELTY_OPTIONS,
  updateContextNovelty,
  type ContextNoveltyOptions,
  type ContextNoveltyState,
} from './context-novelty.js';
import { fisherCombination } from './fisher-combination.js';
import {
  createPredictionSurpriseState,
  DEFAULT_PREDICTION_SURPRISE_OPTIONS,
  updatePredictionSurprise,
  type PredictionSurpriseOptions,
  type PredictionSurpriseState,
  type Predictor,
} from './prediction-surprise.js';

/** Which part of the detector produced the last score. */
export type AnomalyReason =
  /** Too few points seen to judge. */
  | 'learning'
  /** Nothing unusual. */
  | 'normal'
  /** The value left the range of every value seen before. */
  | 'out of range'
  /** One value far from what the best predictor expected. */
  | 'spike'
  /** Values off their prediction for several points: a level shift or a change of variance. */
  | 'sustained deviation'
  /** A run of values the series has never produced before: a changed pattern. */
  | 'new pattern'
  /** Unusual, but no more than an alarm just raised: held down so one event alarms once. */
  | 'held down';

export interface AnomalyDetectorOptions {
  prediction: PredictionSurpriseOptions;
  context: ContextNoveltyOptions;
  likelihood: AnomalyLikelihoodOptions;
  /** A new extreme counts as out of range when beyond the old range by this share of it. */
  breakoutTolerance: number;
  /** Points seen before a new extreme can count as out of range. */
  breakoutAfter: number;
  /** Points over which a score not clearly above an earlier one is held down. */
  holdRows: number;
  /** Factor applied to a held-down score. */
  holdDamp: number;
  /** How far above the highest recent score a score must be to pass (1.1: 10% above). */
  holdMargin: number;
  /**
   * Extra tolerance while the range is young: `breakoutEarly / points seen` is added to
   * `breakoutTolerance`, since a range drawn from few points is still growing.
   */
  breakoutEarly: number;
  /** A point scores as a spike only when off its prediction by this share of the range seen. */
  minEffect: number;
  /**
   * Also judge a material point by both views at once (Fisher's method on its p-value and the
   * window's): a value somewhat off its prediction in a stretch already somewhat unusual.
   */
  jointEvidence: boolean;
}

export const DEFAULT_ANOMALY_DETECTOR_OPTIONS: AnomalyDetectorOptions = {
  prediction: DEFAULT_PREDICTION_SURPRISE_OPTIONS,
  context: DEFAULT_CONTEXT_NOVELTY_OPTIONS,
  likelihood: DEFAULT_LIKELIHOOD_OPTIONS,
  breakoutTolerance: 0.03,
  breakoutAfter: 150,
  holdRows: 300,
  holdDamp: 0.5,
  holdMargin: 1.1,
  breakoutEarly: 10,
  minEffect: 0.1,
  jointEvidence: true,
};

/** Everything the detector knows about one series: plain data, safe to store as JSON. */
export interface AnomalyDetectorState {
  version: 1;
  seen: number;
  min: number;
  max: number;
  prediction: PredictionSurpriseState;
  context: ContextNoveltyState;
  likelihood: AnomalyLikelihoodState;
  /** Scores of the last `holdRows` points, a ring. */
  recentScores: number[];
  recentHead: number;
  reason: AnomalyReason;
  predictor: Predictor;
}

export interface AnomalyDetector {
  /** Scores the next point in [0, 1], from this point and the ones before it only. */
  update(timestampMs: number, value: number): number;
  /** Why the last score is what it is. */
  readonly reason: AnomalyReason;
  /** The predictor the last point was judged by. */
  readonly predictor: Predictor;
  /** A copy of the state, to persist and later pass to `createAnomalyDetector`. */
  snapshot(): AnomalyDetectorState;
}

/** Options are merged one level deep, so `{ likelihood: { averagingWindow: 5 } }` works. */
export interface AnomalyDetectorOverrides {
  prediction?: Partial<PredictionSurpriseOptions>;
  context?: Partial<ContextNoveltyOptions>;
  likelihood?: Partial<AnomalyLikelihoodOptions>;
  breakoutTolerance?: number;
  breakoutAfter?: number;
  holdRows?: number;
  holdDamp?: number;
  holdMargin?: number;
  breakoutEarly?: number;
  minEffect?: number;
  jointEvidence?: boolean;
}

export function resolveAnomalyDetectorOptions(
  overrides: AnomalyDetectorOverrides = {},
): AnomalyDetectorOptions {
  const d = DEFAULT_ANOMALY_DETECTOR_OPTIONS;
  return {
    ...d,
    ...overrides,
    prediction: { ...d.prediction, ...overrides.prediction },
    context: { ...d.context, ...overrides.context },
    likelihood: { ...d.likelihood, ...overrides.likelihood },
  };
}

export function createAnomalyDetectorState(options: AnomalyDetectorOptions): AnomalyDetectorState {
  return {
    version: 1,
    seen: 0,
    // Set by the first point (Infinity would not survive JSON).
    min: 0,
    max: 0,
    prediction: createPredictionSurpriseState(options.prediction),
    context: createContextNoveltyState(),
    likelihood: createAnomalyLikelihoodState(),
    recentScores: [],
    recentHead: 0,
    reason: 'learning',
    predictor: 'level',
  };
}

/**
 * A streaming anomaly detector for one series. Each point is scored from three views, each a
 * tail probability turned into a score by Numenta's log scale (a probability of 1e-10 scores 1):
 *
 * - the point itself: how surprising the value is to the best of four simple predictors;
 * - the last few points: Numenta's anomaly likelihood of a raw score (the larger of that surprise
 *   and the novelty of the run of values, see `updateContextNovelty`), which catches changes no
 *   single point reveals;
 * - the range: a value beyond every value seen before (Numenta's "spatial anomaly") scores 0.99.
 *
 * A material point is also judged by the first two together (Fisher's method on their p-values).
 * The highest view wins; a score not `holdMargin` above every score of the last `holdRows` points
 * is damped, so one event raises one alarm and a slowly rising score does not alarm at each step. Memory is bounded: rings of fixed size and at most
 * `context.capacity` remembered contexts.
 */
export function createAnomalyDetector(
  overrides: AnomalyDetectorOverrides = {},
  restore?: AnomalyDetectorState,
): AnomalyDetector {
  const o = resolveAnomalyDetectorOptions(overrides);
  const s = restore === undefined ? createAnomalyDetectorState(o) : structuredClone(restore);

  return {
    get reason() {
      return s.reason;
    },
    get predictor() {
      return s.predictor;
    },
    snapshot: () => structuredClone(s),
    update(timestampMs: number, value: number): number {
      s.seen++;
      const surprise = updatePredictionSurprise(s.prediction, timestampMs, value, o.prediction);
      const novelty = updateContextNovelty(s.context, value, o.context);
      s.predictor = surprise.predictor;

      const range = s.max - s.min;
      const tolerance = o.breakoutTolerance + o.breakoutEarly / s.seen;
      const outOfRange =
        s.seen > o.breakoutAfter &&
        range > 0 &&
        (value > s.max + tolerance * range || value < s.min - tolerance * range);
      s.min = s.seen === 1 ? value : Math.min(s.min, value);
      s.max = s.seen === 1 ? value : Math.max(s.max, value);

      const deviation = 1 - surprise.p;
      const tail = updateAnomalyLikelihood(
        s.likelihood,
        Math.max(novelty, deviation),
        o.likelihood,
      );
      if (s.seen <= o.likelihood.learningPeriod) {
        s.reason = 'learning';
        return 0;
      }
      const windowScore = logLikelihoodScore(tail);
      // Statistically surprising but immaterial (a tenth of the range) is not worth an alarm.
      const material = surprise.error >= o.minEffect * range;
      const pointScore = material ? logLikelihoodScore(surprise.p) : 0;
      // Neither view alone may be conclusive when both are moderately surprised: a holiday's
      // hour off its weekly slot, in a day already off its usual course. The two are not
      // independent (the point is one of the points averaged), so the joint p-value leans
      // optimistic; it is therefore taken only for a material point, like the spike.
      const jointScore =
        material && o.jointEvidence ? logLikelihoodScore(fisherCombination(surprise.p, tail)) : 0;
      let score = Math.max(windowScore, pointScore, jointScore);
      s.reason =
        score < 0.3
          ? 'normal'
          : pointScore >= windowScore
            ? 'spike'
            : novelty > deviation
              ? 'new pattern'
              : 'sustained deviation';
      if (outOfRange && score < 0.99) {
        score = 0.99;
        s.reason = 'out of range';
      }

      if (o.holdRows > 0) {
        let recentMax = 0;
        for (const r of s.recentScores) if (r > recentMax) recentMax = r;
        if (s.recentScores.length < o.holdRows) s.recentScores.push(score);
        else {
          s.recentScores[s.recentHead] = score;
          s.recentHead = (s.recentHead + 1) % o.holdRows;
        }
        if (score <= recentMax * o.holdMargin) {
          if (score >= 0.3) s.reason = 'held down';
          score *= o.holdDamp;
        }
      }
      return score;
    },
  };
}
