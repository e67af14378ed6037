import {
  createAnomalyLikelihoodState,
  DEFAULT_LIKELIHOOD_OPTIONS,
  logLikelihoodScore,
  updateAnomalyLikelihood,
  type AnomalyLikelihoodOptions,
  type AnomalyLikelihoodState,
} from './anomaly-likelihood.js';

export type AnomalyReason =
  'learning' | 'normal' | 'spike' | 'level shift' | 'out of range' | 'suppressed';

export interface AnomalyDetectorOptions {
  residualAlpha: number;
  scaleAlpha: number;
  zMax: number;
  breakoutTolerance: number;
  breakoutAfter: number;
  suppressRows: number;
  reportLevel: number;
  likelihood: AnomalyLikelihoodOptions;
}

export const DEFAULT_ANOMALY_DETECTOR_OPTIONS: AnomalyDetectorOptions = {
  residualAlpha: 0.3,
  scaleAlpha: 0.01,
  zMax: 8,
  breakoutTolerance: 0.05,
  breakoutAfter: 150,
  suppressRows: 0,
  reportLevel: 0.5,
  likelihood: DEFAULT_LIKELIHOOD_OPTIONS,
};

export interface AnomalyDetectorState {
  version: 1;
  count: number;
  level: number;
  scale: number;
  min: number;
  max: number;
  sinceReport: number;
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
  const s: AnomalyDetectorState =
    restore === undefined
      ? {
          version: 1,
          count: 0,
          level: 0,
          scale: 0,
          min: Infinity,
          max: -Infinity,
          sinceReport: Infinity,
          likelihood: createAnomalyLikelihoodState(),
          reason: 'learning',
        }
      : (structuredClone(restore) as AnomalyDetectorState);

  return {
    get reason() {
      return s.reason;
    },
    snapshot: () => structuredClone(s),
    update(_timestampMs: number, value: number): number {
      s.count++;
      let raw = 0;
      if (s.count === 1) {
        s.level = value;
      } else {
        const r = value - s.level;
        const a = Math.abs(r);
        const z = s.scale > 0 ? a / s.scale : a > 0 ? o.zMax : 0;
        raw = Math.min(1, z / o.zMax);
        const clipped = s.scale > 0 ? Math.min(a, 6 * s.scale) : a;
        s.scale = s.count === 2 ? a : s.scale + o.scaleAlpha * (clipped - s.scale);
        s.level += o.residualAlpha * r;
      }
      const range = s.max - s.min;
      const breakout =
        s.count > o.breakoutAfter &&
        range > 0 &&
        (value > s.max + o.breakoutTolerance * range ||
          value < s.min - o.breakoutTolerance * range);
      s.min = Math.min(s.min, value);
      s.max = Math.max(s.max, value);
      const tail = updateAnomalyLikelihood(s.likelihood, raw, o.likelihood);
      let score = logLikelihoodScore(tail);
      s.reason = s.count <= o.likelihood.learningPeriod ? 'learning' : 'normal';
      if (breakout) {
        score = 1;
        s.reason = 'out of range';
      }
      s.sinceReport++;
      if (s.sinceReport <= o.suppressRows) {
        score *= 0.5;
      } else if (score >= o.reportLevel) {
        s.sinceReport = 0;
      }
      return score;
    },
  };
}
