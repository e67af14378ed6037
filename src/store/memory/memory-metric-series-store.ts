import type { MetricSeries } from '../../core/metric.js';
import type { MetricSeriesStore, SeriesFilter } from '../../core/ports/metric-series-store.js';
import { JournaledMap, type Journal } from './journal.js';

/** Watched series in memory, for the simulator; transactions run one at a time, so no locks. */
export class MemoryMetricSeriesStore implements MetricSeriesStore {
  readonly #series: JournaledMap<MetricSeries>;

  constructor(journal: Journal) {
    this.#series = new JournaledMap(journal);
  }

  get(key: string): Promise<MetricSeries | null> {
    return Promise.resolve(this.#series.get(key) ?? null);
  }

  list(filter: SeriesFilter): Promise<MetricSeries[]> {
    const rows = [...this.#series.values()]
      .filter(
        (s) =>
          (filter.name === undefined || s.name === filter.name) &&
          (filter.origin === undefined || s.origin === filter.origin) &&
          (filter.after === undefined || s.key > filter.after),
      )
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return Promise.resolve(rows.slice(0, filter.limit));
  }

  lock(series: MetricSeries): Promise<MetricSeries> {
    const stored = this.#series.get(series.key);
    if (stored !== undefined) return Promise.resolve(stored);
    this.#series.set(series.key, series);
    return Promise.resolve(series);
  }

  update(series: MetricSeries): Promise<void> {
    this.#series.set(series.key, series);
    return Promise.resolve();
  }
}
