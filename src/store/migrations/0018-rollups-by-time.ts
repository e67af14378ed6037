import { sql, SqliteAdapter, type Kysely, type Migration } from 'kysely';

type Order =
  readonly ['series', 'resolution', 'bucket'] | readonly ['resolution', 'bucket', 'series'];

/**
 * Rollup rows keyed by time first: (resolution, bucket, series) instead of (series, resolution,
 * bucket). A fold writes the few newest buckets of many series; keyed by series, those rows sat
 * on a different page per series, and every commit rewrote thousands of pages. Keyed by time,
 * a batch's rows are neighbours at the end of each resolution's stretch, and a window of any
 * set of series is one range read. The rows are copied; nothing is refolded.
 */
async function rekey(db: Kysely<unknown>, order: Order): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
    await sql`alter table perf_rollups drop constraint perf_rollups_pk`.execute(db);
    await sql`alter table perf_rollups add constraint perf_rollups_pk primary key (${sql.join(
      order.map((c) => sql.ref(c)),
    )})`.execute(db);
    return;
  }
  // SQLite cannot change a table's key: the rows move to a new table of the same shape.
  await db.schema.alterTable('perf_rollups').renameTo('perf_rollups_old').execute();
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
    .addPrimaryKeyConstraint('perf_rollups_pk', [...order])
    .modifyEnd(sql`without rowid`)
    .execute();
  await sql`insert into perf_rollups select series, resolution, bucket, n, total, last_value, last_at, bins from perf_rollups_old`.execute(
    db,
  );
  await db.schema.dropTable('perf_rollups_old').execute();
}

export const migration0018RollupsByTime: Migration = {
  up: (db) => rekey(db, ['resolution', 'bucket', 'series']),
  down: (db) => rekey(db, ['series', 'resolution', 'bucket']),
};
