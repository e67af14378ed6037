import type { Kysely, Selectable } from 'kysely';
import type { MetricKind, MetricLabels, MetricSeries, SeriesOrigin } from '../core/metric.js';
import type { MetricSeriesStore, SeriesFilter } from '../core/ports/metric-series-store.js';
import type { Dialect } from '../core/ports/store.js';
import { parseJson, toJson } from './json-column.js';
import type { Database, MetricSeriesTable } from './schema.js';

function toSeries(row: Selectable<MetricSeriesTable>): MetricSeries {
  return {
    key: row.key,
    name: row.name,
    kind: row.kind as MetricKind,
    labels: parseJson<MetricLabels>(row.labels),
    origin: row.origin as SeriesOrigin,
    points: row.points,
    lastValue: row.last_value,
    lastAt: row.last_at,
    lastScore: row.last_score,
    quietPoints: row.quiet_points,
    detector: parseJson<unknown>(row.detector),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toRow(s: MetricSeries): Selectable<MetricSeriesTable> {
  return {
    key: s.key,
    name: s.name,
    kind: s.kind,
    labels: toJson(s.labels),
    origin: s.origin,
    points: s.points,
    last_value: s.lastValue,
    last_at: s.lastAt,
    last_score: s.lastScore,
    quiet_points: s.quietPoints,
    detector: toJson(s.detector),
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  };
}

export class SqlMetricSeriesStore implements MetricSeriesStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async get(key: string): Promise<MetricSeries | null> {
    const row = await this.db
      .selectFrom('metric_series')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirst();
    return row === undefined ? null : toSeries(row);
  }

  async list(filter: SeriesFilter): Promise<MetricSeries[]> {
    let query = this.db.selectFrom('metric_series').selectAll();
    if (filter.name !== undefined) query = query.where('name', '=', filter.name);
    if (filter.origin !== undefined) query = query.where('origin', '=', filter.origin);
    if (filter.after !== undefined) query = query.where('key', '>', filter.after);
    const rows = await query.orderBy('key').limit(filter.limit).execute();
    return rows.map(toSeries);
  }

  async lock(series: MetricSeries): Promise<MetricSeries> {
    await this.db
      .insertInto('metric_series')
      .values(toRow(series))
      .onConflict((c) => c.column('key').doNothing())
      .execute();
    let query = this.db.selectFrom('metric_series').selectAll().where('key', '=', series.key);
    // SQLite's writer already holds the whole database; PostgreSQL needs the row lock.
    if (this.dialect === 'postgres') query = query.forUpdate();
    return toSeries(await query.executeTakeFirstOrThrow());
  }

  async update(series: MetricSeries): Promise<void> {
    const { key: _key, created_at: _created, ...changes } = toRow(series);
    await this.db.updateTable('metric_series').set(changes).where('key', '=', series.key).execute();
  }
}
