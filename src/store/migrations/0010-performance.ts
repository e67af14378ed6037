import { sql, SqliteAdapter, type Kysely, type Migration } from 'kysely';

/**
 * Performance feedback: rollups per metric, label set and bucket (minute, hour, day), the fold
 * state kept between events, and the sequence number folded so far. All derived from the log:
 * `autonomy kpi rebuild` recomputes them.
 */
export const migration0010Performance: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // On SQLite the rows live in their key's b-tree (WITHOUT ROWID): a window's buckets of one
    // metric are then neighbours on disk, not rows scattered in insertion order.
    const clustered = db.getExecutor().adapter instanceof SqliteAdapter;
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
      // A histogram's bins as JSON (bin → observations); null for counters and gauges.
      .addColumn('bins', 'text')
      // Queries read one metric's buckets of one resolution in a range: the key's own order.
      .addPrimaryKeyConstraint('perf_rollups_pk', ['name', 'resolution', 'bucket', 'labels'])
      .$call((table) => (clustered ? table.modifyEnd(sql`without rowid`) : table))
      .execute();
    await db.schema
      .createTable('perf_state')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('perf_state_pk', ['kind', 'id'])
      .execute();
    await db.schema
      .createTable('perf_checkpoint')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .execute();
    await (db as Kysely<{ perf_checkpoint: { id: number; seq: number } }>)
      .insertInto('perf_checkpoint')
      .values({ id: 1, seq: 0 })
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('perf_checkpoint').execute();
    await db.schema.dropTable('perf_state').execute();
    await db.schema.dropTable('perf_rollups').execute();
  },
};
