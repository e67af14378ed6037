import type { MetricSeries, SeriesOrigin } from '../metric.js';

export interface SeriesFilter {
  name?: string | undefined;
  origin?: SeriesOrigin | undefined;
  /** Series whose key sorts after this one (the cursor). */
  after?: string | undefined;
  limit: number;
}

/** Reads of the series monitoring watches. */
export interface MetricSeriesReader {
  get(key: string): Promise<MetricSeries | null>;
  /** In key order. */
  list(filter: SeriesFilter): Promise<MetricSeries[]>;
}

/** The series monitoring watches, changed inside a transaction. */
export interface MetricSeriesStore extends MetricSeriesReader {
  /**
   * The series with `series.key`, inserted as given when it does not exist yet, and held for
   * this transaction (on PostgreSQL a row lock): two writers of one series take turns, so no
   * point's effect on the detector is lost.
   */
  lock(series: MetricSeries): Promise<MetricSeries>;
  /** Stores the series' new state (found by key). */
  update(series: MetricSeries): Promise<void>;
}
