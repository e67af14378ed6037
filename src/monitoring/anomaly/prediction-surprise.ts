/**
 * How surprising a value is to the best of four simple predictors — the smoothed level, the last
 * value, the same time of day, the same time of week — judged against that predictor's own recent
 * errors. The answer is a conformal p-value: the share of recent points whose error was at least
 * as large, so it means the same on a calm series and a noisy one. A value beyond every recent
 * error gets a p-value below 1/(n+1), shrinking as a power of how far beyond it is: the tail
 * index measured on the largest recent errors, but never steeper than the square (see
 * `tailIndex`).
 */
export interface PredictionSurpriseOptions {
  /** Weight of the newest value in the smoothed level. */
  levelAlpha: number;
  /** Weight of the newest value in a time-of-day or time-of-week slot. */
  slotAlpha: number;
  /** Weight of the newest error in each predictor's typical error. */
  errorAlpha: number;
  /** Width of a time slot. */
  slotMinutes: number;
  /** Recent errors each predictor is judged against. */
  history: number;
  /** The smallest typical error, as a share of the range seen: below it, error is rounding. */
  errorFloor: number;
  /** Largest recent errors the tail index is measured on (0: always the square). */
  tailPoints: number;
  /** The steepest tail assumed beyond the largest recent error (2: the p-value falls with the square). */
  maxTailIndex: number;
}

export const DEFAULT_PREDICTION_SURPRISE_OPTIONS: PredictionSurpriseOptions = {
  levelAlpha: 0.1,
  slotAlpha: 0.15,
  errorAlpha: 0.02,
  slotMinutes: 5,
  history: 1000,
  errorFloor: 0.01,
  tailPoints: 50,
  maxTailIndex: 2,
};

export const PREDICTORS = ['level', 'last value', 'time of day', 'time of week'] as const;
export type Predictor = (typeof PREDICTORS)[number];

export interface PredictionSurpriseState {
  seen: number;
  level: number;
  last: number;
  min: number;
  max: number;
  /** Smoothed value per time-of-day slot and per time-of-week slot (null: not seen yet). */
  daily: (number | null)[];
  weekly: (number | null)[];
  /** Each predictor's typical absolute error (robust exponential average). */
  errors: number[];
  /** Each predictor's recent normalized errors: rings of at most `history`, sharing one head. */
  zs: number[][];
  head: number;
}

const DAY_MS = 86_400_000;

export function createPredictionSurpriseState(
  options: PredictionSurpriseOptions,
): PredictionSurpriseState {
  const slots = Math.ceil(DAY_MS / (options.slotMinutes * 60_000));
  return {
    seen: 0,
    level: 0,
    last: 0,
    // Set by the first point (Infinity would not survive JSON).
    min: 0,
    max: 0,
    daily: new Array<number | null>(slots).fill(null),
    weekly: new Array<number | null>(slots * 7).fill(null),
    errors: PREDICTORS.map(() => 0),
    zs: PREDICTORS.map(() => []),
    head: 0,
  };
}

export interface Surprise {
  /** Conformal p-value of the value under the predictor that has been best lately (1 at first). */
  p: number;
  predictor: Predictor;
  /** The value's error in units of that predictor's typical error. */
  z: number;
  /** The value's absolute error under that predictor. */
  error: number;
}

/** The flattest tail assumed: below 1 the errors would have no mean. */
const MIN_TAIL_INDEX = 1;

/**
 * The tail index α of the recent errors (Hill's estimator on the `points` largest): beyond the
 * largest error the p-value falls as `(largest / z)^α`. A series whose errors come with a heavy
 * tail (bursts, spikes of every size) has a small α, so a value a little beyond the largest is
 * not yet very surprising there; a light tail would make it very surprising, but α is held at
 * `max` at most — a thousand errors say little about how fast the tail thins beyond them.
 * Called only when a value beats every recent error, so its sort is rare.
 */
export function tailIndex(history: readonly number[], points: number, max: number): number {
  if (points <= 0 || history.length <= points) return max;
  const sorted = [...history].sort((a, b) => b - a);
  const threshold = sorted[points] ?? 0;
  if (threshold <= 0) return max;
  let sum = 0;
  for (let i = 0; i < points; i++) sum += Math.log((sorted[i] ?? threshold) / threshold);
  if (sum <= 0) return max;
  return Math.min(max, Math.max(MIN_TAIL_INDEX, points / sum));
}

export function updatePredictionSurprise(
  state: PredictionSurpriseState,
  timestampMs: number,
  value: number,
  options: PredictionSurpriseOptions,
): Surprise {
  const slotMs = options.slotMinutes * 60_000;
  const daySlots = state.daily.length;
  const daySlot = Math.floor((((timestampMs % DAY_MS) + DAY_MS) % DAY_MS) / slotMs) % daySlots;
  // Which weekday is slot 0 does not matter, only that the week repeats.
  const weekSlot = (((Math.floor(timestampMs / DAY_MS) % 7) + 7) % 7) * daySlots + daySlot;
  state.seen++;
  if (state.seen === 1) {
    state.level = value;
    state.last = value;
  }
  const day = state.daily[daySlot] ?? null;
  const week = state.weekly[weekSlot] ?? null;
  const predictions = [state.level, state.last, day ?? state.level, week ?? day ?? state.level];

  let best = 0;
  for (let m = 1; m < PREDICTORS.length; m++)
    if ((state.errors[m] ?? 0) < (state.errors[best] ?? 0)) best = m;
  // A flat series has no typical error; a small share of the range seen stands in for it.
  const floor = Math.max(1e-9, options.errorFloor * (state.max - state.min));
  const n = state.zs[0]?.length ?? 0;
  let p = 1;
  let bestZ = 0;
  let bestError = 0;
  for (let m = 0; m < PREDICTORS.length; m++) {
    const error = Math.abs(value - (predictions[m] ?? value));
    const typical = state.errors[m] ?? 0;
    const z = error / Math.max(floor, typical);
    const history = state.zs[m] ?? [];
    if (m === best && n > 0) {
      let above = 0;
      let largest = 0;
      for (const past of history) {
        if (past >= z) above++;
        if (past > largest) largest = past;
      }
      p = (above + 1) / (n + 1);
      if (above === 0 && z > largest && largest > 0)
        p *= (largest / z) ** tailIndex(history, options.tailPoints, options.maxTailIndex);
      bestZ = z;
      bestError = error;
    }
    if (n < options.history) history.push(z);
    else history[state.head] = z;
    // Clipped, so one wild value does not teach the predictor that wild values are normal.
    const clipped = typical > 0 ? Math.min(error, 6 * typical) : error;
    state.errors[m] = state.seen <= 2 ? error : typical + options.errorAlpha * (clipped - typical);
  }
  if (n >= options.history) state.head = (state.head + 1) % options.history;

  state.level += options.levelAlpha * (value - state.level);
  state.last = value;
  state.daily[daySlot] = day === null ? value : day + options.slotAlpha * (value - day);
  state.weekly[weekSlot] = week === null ? value : week + options.slotAlpha * (value - week);
  state.min = state.seen === 1 ? value : Math.min(state.min, value);
  state.max = state.seen === 1 ? value : Math.max(state.max, value);
  return { p, predictor: PREDICTORS[best] ?? 'level', z: bestZ, error: bestError };
}
