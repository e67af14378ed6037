import { sql, SqliteAdapter, type Kysely, type Migration } from 'kysely';
import { migration0017RollupSeries, refoldFromStart } from './0017-rollup-series.js';

/**
 * One rollup row per label set and bucket, holding every metric of that label set (`data`,
 * JSON), keyed by time first: (resolution, bucket, label_set).
 *
 * A completion adds to seven counters and a histogram with the same labels; as a row each, a
 * fold wrote about 4.6 rows per event, and a day bucket of every active series again on each
 * batch. Sharing the row cuts that to about 1.5. Keyed by time first, a batch's rows are
 * neighbours at the end of each resolution's stretch (keyed by series, every commit rewrote a
 * page per series), and any window is one range read. The rollups are derived: the old tables
 * go and the projector folds the log again on the next start.
 */
export const migration0018RollupLabelSets: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
    await db.schema.dropTable('perf_rollups').execute();
    await db.schema.dropTable('perf_series').execute();
    await db.schema
      .createTable('perf_label_sets')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('labels', 'text', (c) => c.notNull().unique())
      .execute();
    await db.schema
      .createTable('perf_rollups')
      .addColumn('resolution', 'text', (c) => c.notNull())
      .addColumn('bucket', 'text', (c) => c.notNull())
      .addColumn('label_set', 'integer', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('perf_rollups_pk', ['resolution', 'bucket', 'label_set'])
      .$call((table) => (sqlite ? table.modifyEnd(sql`without rowid`) : table))
      .execute();
    // PostgreSQL writes a new row version on every update; room left on each page lets it
    // stay there (a HOT update, no new index entry) when a batch adds to an hour or a day again.
    if (!sqlite) await sql`alter table perf_rollups set (fillfactor = 80)`.execute(db);
    await refoldFromStart(db);
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('perf_rollups').execute();
    await db.schema.dropTable('perf_label_sets').execute();
    // 0017's up drops the rollups it finds and creates its own, with the series dictionary.
    await db.schema.createTable('perf_rollups').addColumn('id', 'integer').execute();
    await migration0017RollupSeries.up(db);
  },
};
