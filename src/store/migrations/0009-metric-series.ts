import type { Kysely, Migration } from 'kysely';

/**
 * The metric series monitoring watches for anomalies, one row each: the last point and the
 * detector's state (bounded JSON). The points themselves are events in the log.
 */
export const migration0009MetricSeries: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('metric_series')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('origin', 'text', (c) => c.notNull())
      .addColumn('points', 'integer', (c) => c.notNull())
      .addColumn('last_value', 'double precision', (c) => c.notNull())
      .addColumn('last_at', 'text', (c) => c.notNull())
      .addColumn('last_score', 'double precision', (c) => c.notNull())
      .addColumn('quiet_points', 'integer', (c) => c.notNull())
      .addColumn('detector', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('metric_series_name')
      .on('metric_series')
      .columns(['name', 'key'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('metric_series').execute();
  },
};
