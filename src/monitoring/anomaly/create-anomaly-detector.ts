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

export type AnomalyReason =
  | 'learning'
  | 'normal'
  | 'spike'
  | 'level shift'
  | 'out of range'
  | 'suppressed';

export interface AnomalyDetectorOptions {
  levelAlpha: number;
  bucketAlpha: number;
  errorAlpha: number;
  bucketMinutes: number;
  historySize: number;
  tailPower: number;
  breakoutTolerance: number;
  breakoutAfter: number;
  suppressRows: number;
  reportLevel: number;
  pointWeight: number;
  useSeasonal: boolean;
  models: number[];
  combine: 'best' | 'bonferroni';
  holdRows: number;
  suppressDamp: number;
  rawMode: 'uniform' | 'log';
  rawSource: 'residual' | 'context' | 'max' | 'mean';
  context: ContextNoveltyOptions;
  holdDamp: number;
  likelihood: AnomalyLikelihoodOptions;
}

export const DEFAULT_ANOMALY_DETECTOR_OPTIONS: AnomalyDetectorOptions = {
  levelAlpha: 0.3,
  bucketAlpha: 0.3,
  errorAlpha: 0.02,
  bucketMinutes: 5,
  historySize: 1000,
  tailPower: 2,
  breakoutTolerance: 0.02,
  breakoutAfter: 150,
  suppressRows: 0,
  reportLevel: 0.5,
  pointWeight: 1,
  useSeasonal: true,
  models: [0, 1, 2, 3],
  combine: 'best',
  holdRows: 300,
  suppressDamp: 0.5,
  rawMode: 'uniform',
  rawSource: 'max',
  context: DEFAULT_CONTEXT_NOVELTY_OPTIONS,
  holdDamp: 0.5,
  likelihood: DEFAULT_LIKELIHOOD_OPTIONS,
};

const MODELS = 4; // level, last value, time of day, time of week
const DAY_MS = 86_400_000;

export interface AnomalyDetectorState {
  version: 1;
  count: number;
  level: number;
  last: number;
  daily: (number | null)[];
  weekly: (number | null)[];
  errors: number[];
  zs: number[][];
  zHead: number;
  min: number;
  max: number;
  sinceReport: number;
  recentScores: number[];
  context: ContextNoveltyState;
  likelihood: AnomalyLikelihoodState;
  reason: AnomalyReason;
}

export interface AnomalyDetector {
  update(timestampMs: number, value: number): number;
  readonly reason: AnomalyReason;
  snapshot(): AnomalyDetectorState;
}

export function createAnomalyDetector(
  options: Partial<AnomalyDetectorOptions> = {},
  restore?: AnomalyDetectorState,
): AnomalyDetector {
  const o: AnomalyDetectorOptions = { ...DEFAULT_ANOMALY_DETECTOR_OPTIONS, ...options };
  const bucketMs = o.bucketMinutes * 60_000;
  const dayBuckets = Math.ceil(DAY_MS / bucketMs);
  const s: AnomalyDetectorState =
    restore === undefined
      ? {
          version: 1,
          count: 0,
          level: 0,
          last: 0,
          daily: new Array<number | null>(dayBuckets).fill(null),
          weekly: new Array<number | null>(dayBuckets * 7).fill(null),
          errors: new Array<number>(MODELS).fill(0),
          zs: Array.from({ length: MODELS }, () => []),
          zHead: 0,
          min: Infinity,
          max: -Infinity,
          sinceReport: Infinity,
          recentScores: [],
          context: createContextNoveltyState(),
          likelihood: createAnomalyLikelihoodState(),
          reason: 'learning',
        }
      : structuredClone(restore);

  return {
    get reason() {
      return s.reason;
    },
    snapshot: () => structuredClone(s),
    update(timestampMs: number, value: number): number {
      s.count++;
      const dayBucket = Math.floor((((timestampMs % DAY_MS) + DAY_MS) % DAY_MS) / bucketMs);
      // 1970-01-01 was a Thursday; which weekday is 0 does not matter, only that it repeats.
      const weekBucket = (Math.floor(timestampMs / DAY_MS) % 7 + 7) % 7 * dayBuckets + dayBucket;
      if (s.count === 1) {
        s.level = value;
        s.last = value;
        s.min = value;
        s.max = value;
      }
      const predictions = [
        s.level,
        s.last,
        s.daily[dayBucket] ?? s.level,
        s.weekly[weekBucket] ?? s.daily[dayBucket] ?? s.level,
      ];
      const range = s.max - s.min;
      const floor = Math.max(1e-9, 1e-3 * range);
      const n = s.zs[0]?.length ?? 0;
      let p = 1;
      const models = o.models.length;
      let bestModel = o.models[0] ?? 0;
      for (const m of o.models) if ((s.errors[m] ?? 0) < (s.errors[bestModel] ?? 0)) bestModel = m;
      for (let m = 0; m < MODELS; m++) {
        const history = s.zs[m] ?? [];
        const e = Math.abs(value - (predictions[m] ?? value));
        const z = e / Math.max(floor, s.errors[m] ?? 0);
        // Calibrated per series and model: the share of recent points at least this surprising.
        let above = 0;
        let maxZ = 0;
        for (const past of history) {
          if (past >= z) above++;
          if (past > maxZ) maxZ = past;
        }
        let pm = (above + 1) / (n + 1);
        if (above === 0 && z > 0 && maxZ > 0) pm *= Math.min(1, (maxZ / z) ** o.tailPower);
        if (o.combine === 'bonferroni' && o.models.includes(m)) p = Math.min(p, pm * models);
        else if (o.combine === 'best' && m === bestModel) p = pm;
        if (n < o.historySize) history.push(z);
        else history[s.zHead] = z;
        const prev = s.errors[m] ?? 0;
        const clipped = prev > 0 ? Math.min(e, 6 * prev) : e;
        s.errors[m] = s.count <= 2 ? e : prev + o.errorAlpha * (clipped - prev);
      }
      if (n >= o.historySize) s.zHead = (s.zHead + 1) % o.historySize;
      p = Math.min(1, p);
      s.level += o.levelAlpha * (value - s.level);
      s.last = value;
      const d = s.daily[dayBucket];
      s.daily[dayBucket] = d === undefined || d === null ? value : d + o.bucketAlpha * (value - d);
      const w = s.weekly[weekBucket];
      s.weekly[weekBucket] = w === undefined || w === null ? value : w + o.bucketAlpha * (value - w);
      const breakout =
        s.count > o.breakoutAfter &&
        range > 0 &&
        (value > s.max + o.breakoutTolerance * range || value < s.min - o.breakoutTolerance * range);
      s.min = Math.min(s.min, value);
      s.max = Math.max(s.max, value);

      const novelty = updateContextNovelty(s.context, value, o.context);
      const residualRaw = o.rawMode === 'uniform' ? 1 - p : Math.min(1, Math.log(p) / Math.log(1 / (o.historySize + 1)));
      const raw =
        o.rawSource === 'residual'
          ? residualRaw
          : o.rawSource === 'context'
            ? novelty
            : o.rawSource === 'max'
              ? Math.max(novelty, residualRaw)
              : (novelty + residualRaw) / 2;
      const tail = updateAnomalyLikelihood(s.likelihood, raw, o.likelihood);
      const learning = s.count <= o.likelihood.learningPeriod;
      const windowScore = logLikelihoodScore(tail);
      const pointScore = learning || n < 100 ? 0 : o.pointWeight * logLikelihoodScore(p);
      let score = Math.max(windowScore, pointScore);
      s.reason = learning ? 'learning' : pointScore > windowScore ? 'spike' : 'level shift';
      if (breakout) {
        score = Math.max(score, 0.99);
        s.reason = 'out of range';
      }
      if (o.holdRows > 0) {
        let recentMax = 0;
        for (const r of s.recentScores) if (r > recentMax) recentMax = r;
        s.recentScores.push(score);
        if (s.recentScores.length > o.holdRows) s.recentScores.shift();
        if (score <= recentMax) score *= o.holdDamp;
      }
      s.sinceReport++;
      if (s.sinceReport <= o.suppressRows) {
        score *= o.suppressDamp;
      } else if (score >= o.reportLevel) {
        s.sinceReport = 0;
      }
      return score;
    },
  };
}
