/**
 * Metric series: the numbers performance feedback computes from events (built-in) and the ones
 * an organization reports about outcomes the system cannot see itself (custom, posted to
 * `POST /v1/metrics`). They live in the kernel because monitoring watches them for anomalies,
 * performance rolls them up and the store keeps them.
 */

export const METRIC_KINDS = ['counter', 'gauge'] as const;
/**
 * `counter`: each point is a non-negative increment (orders taken, revenue booked); a window's
 * value is the sum of its increments. `gauge`: each point is the level at that moment (NPS,
 * cash); a window's value is its last point.
 */
export type MetricKind = (typeof METRIC_KINDS)[number];

/** Label name → value; the series is the metric name with its labels. */
export type MetricLabels = Readonly<Record<string, string>>;

/** Prometheus' own rules for names, so a series exports to `/metrics` as it is. */
export const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const METRIC_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** One observation of one series. */
export interface MetricPoint {
  name: string;
  kind: MetricKind;
  value: number;
  labels: MetricLabels;
  /** When it was observed (ISO 8601 UTC). */
  at: string;
}

/**
 * Which series a query means, as a PromQL instant selector with equality matchers only:
 * `work_completed_total{domain="support"}`. Labels not named are summed over.
 */
export interface MetricSelector {
  name: string;
  labels: MetricLabels;
}

/**
 * Where a watched series comes from: `custom` — posted to `POST /v1/metrics`; `builtin` — a
 * per-minute count monitoring derives from the event log (arrivals, completions, failures per
 * domain).
 */
export type SeriesOrigin = 'custom' | 'builtin';

/** A series as monitoring watches it: its last point and its anomaly detector's state. */
export interface MetricSeries {
  /** The name and labels in canonical form: `orders_total{region="eu"}`. */
  key: string;
  name: string;
  kind: MetricKind;
  labels: MetricLabels;
  origin: SeriesOrigin;
  /** Points scored so far. */
  points: number;
  lastValue: number;
  /** When the last point scored was observed; later points only are scored (causal). */
  lastAt: string;
  /** The anomaly score of the last point, in [0, 1]. */
  lastScore: number;
  /** Points in a row scored below the anomaly threshold (0 right after an anomaly). */
  quietPoints: number;
  /** The detector's whole state, plain JSON: bounded in size whatever the series' length. */
  detector: unknown;
  createdAt: string;
  updatedAt: string;
}

/** The canonical key of a series: the name, then the labels sorted by name, PromQL-style. */
export function seriesKey(name: string, labels: MetricLabels): string {
  const parts = Object.keys(labels)
    .sort()
    .map((label) => `${label}=${JSON.stringify(labels[label])}`);
  return `${name}{${parts.join(',')}}`;
}
