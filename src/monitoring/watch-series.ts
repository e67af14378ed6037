import type { MetricSeries } from '../core/metric.js';
import {
  createAnomalyDetector,
  createAnomalyDetectorState,
  resolveAnomalyDetectorOptions,
  type AnomalyDetector,
  type AnomalyDetectorState,
  type AnomalyReason,
} from './anomaly/create-anomaly-detector.js';
import type { DetectorSettings } from './detector-settings.js';

export interface SeriesVerdict {
  /** The point's anomaly score in [0, 1]; null when it was not scored (see `reason`). */
  score: number | null;
  reason: AnomalyReason | 'out of order';
  anomalous: boolean;
}

const CURRENT_VERSION = createAnomalyDetectorState(resolveAnomalyDetectorOptions()).version;

/** A stored state this code can resume from; one written by another version starts afresh. */
function restorable(state: unknown): AnomalyDetectorState | undefined {
  return typeof state === 'object' &&
    state !== null &&
    (state as { version?: unknown }).version === CURRENT_VERSION
    ? (state as AnomalyDetectorState)
    : undefined;
}

/**
 * A series with its streaming anomaly detector running, resumed from the state the series
 * carries: score its points in time order, then `close` gives the series to store. Opened once
 * per batch, so a batch of a series' points restores and saves the detector once.
 */
export interface SeriesWatch {
  /** The series as of the last point scored (its stored detector state not yet replaced). */
  readonly series: MetricSeries;
  /** Scores the next point; the detector is causal, see `scoreSeriesPoint`. */
  score(point: { value: number; at: string }): SeriesVerdict;
  /** The series after the points scored, with the detector's state. */
  close(): MetricSeries;
}

/**
 * Watches one series. A point observed before the last scored one is not scored (it is still
 * recorded and rolled up): scoring it would judge the past by the future.
 */
export function watchSeries(
  stored: MetricSeries,
  settings: Pick<DetectorSettings, 'anomalyThreshold'>,
): SeriesWatch {
  let series = stored;
  let detector: AnomalyDetector | null = null;
  return {
    get series() {
      return series;
    },
    score(point) {
      if (series.points > 0 && point.at < series.lastAt)
        return { score: null, reason: 'out of order', anomalous: false };
      detector ??= createAnomalyDetector({}, restorable(series.detector));
      const score = detector.update(Date.parse(point.at), point.value);
      const anomalous = score >= settings.anomalyThreshold;
      series = {
        ...series,
        points: series.points + 1,
        lastValue: point.value,
        lastAt: point.at,
        lastScore: score,
        quietPoints: anomalous ? 0 : series.quietPoints + 1,
      };
      return { score, reason: detector.reason, anomalous };
    },
    close: () => (detector === null ? series : { ...series, detector: detector.snapshot() }),
  };
}
