import type { MetricLabels, MetricSelector } from '../../src/core/metric.js';
import type { MetricReader } from '../../src/core/ports/metric-reader.js';

interface Point {
  name: string;
  labels: MetricLabels;
  atMs: number;
  value: number;
}

/**
 * A metric reader over points held in memory, for tests of what reads metrics: a counter's
 * value over [from, to) is the sum of its increments there, over every series whose labels
 * include the selector's; null when no point falls in the window.
 */
export class FakeMetricReader implements MetricReader {
  readonly points: Point[] = [];
  /** Every query asked, for tests that check which windows were read. */
  readonly queries: { selector: MetricSelector; from: string; to: string }[] = [];

  add(name: string, labels: MetricLabels, at: Date | string, value: number): this {
    this.points.push({ name, labels, atMs: new Date(at).getTime(), value });
    return this;
  }

  value(selector: MetricSelector, from: string, to: string): Promise<number | null> {
    this.queries.push({ selector, from, to });
    const fromMs = Date.parse(from);
    const toMs = Date.parse(to);
    let sum = 0;
    let seen = false;
    for (const p of this.points) {
      if (p.name !== selector.name || p.atMs < fromMs || p.atMs >= toMs) continue;
      if (!Object.entries(selector.labels).every(([k, v]) => p.labels[k] === v)) continue;
      sum += p.value;
      seen = true;
    }
    return Promise.resolve(seen ? sum : null);
  }
}
