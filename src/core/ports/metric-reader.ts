import type { MetricSelector } from '../metric.js';

/**
 * Reads a metric's value over a window, whatever kind it is: a counter's increase, a gauge's
 * last value, or a derived figure (a ratio, a percentile) computed over the window. SLOs and key
 * results are evaluated through this alone.
 */
export interface MetricReader {
  /**
   * The value of the series `selector` names over [from, to) (ISO 8601), summed over the labels
   * it leaves out; null when there is no data in the window (which is not the same as zero).
   */
  value(selector: MetricSelector, from: string, to: string): Promise<number | null>;
}
