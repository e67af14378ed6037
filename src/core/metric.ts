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
