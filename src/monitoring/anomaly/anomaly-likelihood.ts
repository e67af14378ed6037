import { normalTail } from './normal-tail.js';

/**
 * Numenta's anomaly likelihood: how improbable the recent average of raw scores is, judged
 * against the distribution of that average over a long history. A detector whose raw score is
 * always high (a noisy series) thereby stops alarming, and one whose raw score is usually zero
 * alarms when it rises — the raw score's meaning is learned per series.
 */
export interface AnomalyLikelihoodOptions {
  /** Raw scores ignored at the start, while the underlying model is still learning. */
  learningPeriod: number;
  /** Averages collected before the first estimate; the likelihood is 0.5 until then. */
  estimationSamples: number;
  /** How many past averages the distribution is estimated from. */
  historicWindow: number;
  /** The short moving average of raw scores that is judged. */
  averagingWindow: number;
}

export const DEFAULT_LIKELIHOOD_OPTIONS: AnomalyLikelihoodOptions = {
  learningPeriod: 150,
  estimationSamples: 150,
  historicWindow: 8640,
  averagingWindow: 10,
};

export interface AnomalyLikelihoodState {
  seen: number;
  /** Ring of past averages (at most `historicWindow`), with their running sums. */
  history: number[];
  historyHead: number;
  sum: number;
  sumSquares: number;
  /** Ring of the last `averagingWindow` raw scores. */
  recent: number[];
  recentHead: number;
  recentSum: number;
}

export function createAnomalyLikelihoodState(): AnomalyLikelihoodState {
  return {
    seen: 0,
    history: [],
    historyHead: 0,
    sum: 0,
    sumSquares: 0,
    recent: [],
    recentHead: 0,
    recentSum: 0,
  };
}

/** Numenta's floors: a series whose raw score never moves must not make every wobble certain. */
const MIN_MEAN = 0.03;
const MIN_VARIANCE = 0.0003;

/**
 * Feeds one raw score in [0, 1]; returns the probability that the recent average is *not*
 * anomalous, i.e. the upper tail P(average ≥ observed) under the estimated normal distribution
 * (1 while learning). Small is alarming.
 */
export function updateAnomalyLikelihood(
  state: AnomalyLikelihoodState,
  raw: number,
  options: AnomalyLikelihoodOptions,
): number {
  state.seen++;
  if (state.recent.length < options.averagingWindow) {
    state.recent.push(raw);
  } else {
    state.recentSum -= state.recent[state.recentHead] ?? 0;
    state.recent[state.recentHead] = raw;
    state.recentHead = (state.recentHead + 1) % options.averagingWindow;
  }
  state.recentSum += raw;
  const average = state.recentSum / state.recent.length;
  if (state.seen <= options.learningPeriod) return 1;

  let tail = 1;
  if (state.history.length >= options.estimationSamples) {
    const n = state.history.length;
    const mean = Math.max(MIN_MEAN, state.sum / n);
    const variance = Math.max(MIN_VARIANCE, state.sumSquares / n - (state.sum / n) ** 2);
    tail = average <= mean ? 1 : normalTail((average - mean) / Math.sqrt(variance));
  }

  if (state.history.length < options.historicWindow) {
    state.history.push(average);
  } else {
    const old = state.history[state.historyHead] ?? 0;
    state.sum -= old;
    state.sumSquares -= old * old;
    state.history[state.historyHead] = average;
    state.historyHead = (state.historyHead + 1) % options.historicWindow;
    // Running sums drift by rounding; recompute them once per full turn of the ring.
    if (state.historyHead === 0) {
      state.sum = 0;
      state.sumSquares = 0;
      for (const v of state.history) {
        state.sum += v;
        state.sumSquares += v * v;
      }
      state.sum -= average;
      state.sumSquares -= average * average;
    }
  }
  state.sum += average;
  state.sumSquares += average * average;
  return tail;
}

/** Numenta's log scale: a tail of 1e-10 (or less) maps to 1, a tail of 0.5 to about 0.03. */
export function logLikelihoodScore(tail: number): number {
  return Math.min(1, Math.max(0, Math.log(tail + 1e-10) / Math.log(1e-10)));
}
