import { sql, SqliteAdapter, type Kysely, type Migration } from 'kysely';

/**
 * Rollups keyed by an integer series id instead of the metric name and label JSON: a row's key
 * shrinks from about 150 bytes to a few, which is most of what an upsert and a range read cost.
 * `perf_series` interns each metric and label set once and is never emptied (not even by a
 * rebuild), so an id means the same series for ever. The rollups are derived, so the old table
 * is dropped and the checkpoint reset: the projector folds the log again on the next start.
 */
/** The rollups' layout changed: the fold starts again from the log's first event. */
export async function refoldFromStart(db: Kysely<unknown>): Promise<void> {
  await db.deleteFrom('perf_state' as never).execute();
  await (db as Kysely<{ perf_checkpoint: { id: number; seq: number } }>)
    .updateTable('perf_checkpoint')
    .set({ seq: 0 })
    .where('id', '=', 1)
    .execute();
}

export const migration0017RollupSeries: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const clustered = db.getExecutor().adapter instanceof SqliteAdapter;
    await db.schema
      .createTable('perf_series')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addUniqueConstraint('perf_series_name_labels', ['name', 'labels'])
      .execute();
    await db.schema.dropTable('perf_rollups').execute();
    await db.schema
      .createTable('perf_rollups')
      .addColumn('series', 'integer', (c) => c.notNull())
      .addColumn('resolution', 'text', (c) => c.notNull())
      .addColumn('bucket', 'text', (c) => c.notNull())
      .addColumn('n', 'double precision', (c) => c.notNull())
      .addColumn('total', 'double precision', (c) => c.notNull())
      .addColumn('last_value', 'double precision')
      .addColumn('last_at', 'text')
      .addColumn('bins', 'text')
      // A series' buckets of one resolution are neighbours: a window is one short range per series.
      .addPrimaryKeyConstraint('perf_rollups_pk', ['series', 'resolution', 'bucket'])
      .$call((table) => (clustered ? table.modifyEnd(sql`without rowid`) : table))
      .execute();
    // PostgreSQL writes a new row version on every update; room left on each page lets it
    // stay there (a HOT update, no new index entry) when a batch adds to an hour or a day again.
    if (!clustered) await sql`alter table perf_rollups set (fillfactor = 80)`.execute(db);
    await refoldFromStart(db);
  },

  async down(db: Kysely<unknown>): Promise<void> {
    const clustered = db.getExecutor().adapter instanceof SqliteAdapter;
    await db.schema.dropTable('perf_rollups').execute();
    await db.schema.dropTable('perf_series').execute();
    await db.schema
      .createTable('perf_rollups')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('resolution', 'text', (c) => c.notNull())
      .addColumn('bucket', 'text', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('n', 'double precision', (c) => c.notNull())
      .addColumn('total', 'double precision', (c) => c.notNull())
      .addColumn('last_value', 'double precision')
      .addColumn('last_at', 'text')
      .addColumn('bins', 'text')
      .addPrimaryKeyConstraint('perf_rollups_pk', ['name', 'resolution', 'bucket', 'labels'])
      .$call((table) => (clustered ? table.modifyEnd(sql`without rowid`) : table))
      .execute();
    await refoldFromStart(db);
  },
};
