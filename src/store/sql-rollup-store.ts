import { CompiledQuery, type Kysely } from 'kysely';
import type {
  FoldStateRow,
  RollupDelta,
  RollupLast,
  RollupRange,
  RollupRow,
  RollupStore,
  RollupSum,
} from '../core/ports/rollup-store.js';
import type { Dialect } from '../core/ports/store.js';
import { executeCompiled } from './prepared-query.js';
import type { Database } from './schema.js';

const keyOf = (r: { name: string; resolution: string; bucket: string; labels: string }) =>
  `${r.name}\0${r.resolution}\0${r.bucket}\0${r.labels}`;

/** Rows per multi-row statement: 9 parameters each, far below either dialect's limit. */
const CHUNK = 200;

/**
 * The upsert of `rows` deltas, written once per dialect and row count: a batch sends thousands
 * of rows and Kysely's builder would cost more than the statements. A gauge keeps the newer of
 * the stored and the added value (the added one on a tie: it was folded later).
 */
const upsertText = new Map<string, string>();
function upsertRollups(dialect: Dialect, rows: number): string {
  const key = `${dialect}:${rows}`;
  let text = upsertText.get(key);
  if (text === undefined) {
    let p = 0;
    const param = () => (dialect === 'postgres' ? `$${++p}` : '?');
    const tuple = () =>
      dialect === 'postgres'
        ? `(${param()}, ${param()}, ${param()}, ${param()}, ${param()}::double precision, ${param()}::double precision, ${param()}::double precision, ${param()}, ${param()})`
        : `(${Array.from({ length: 9 }, param).join(', ')})`;
    const values = Array.from({ length: rows }, tuple).join(', ');
    const newer =
      'excluded.last_at is not null and (perf_rollups.last_at is null or excluded.last_at >= perf_rollups.last_at)';
    text =
      `insert into perf_rollups (name, resolution, bucket, labels, n, total, last_value, last_at, bins) values ${values} ` +
      'on conflict (name, resolution, bucket, labels) do update set ' +
      'n = perf_rollups.n + excluded.n, total = perf_rollups.total + excluded.total, ' +
      // Histograms arrive merged with the stored bins already (see add).
      'bins = excluded.bins, ' +
      `last_value = case when ${newer} then excluded.last_value else perf_rollups.last_value end, ` +
      `last_at = case when ${newer} then excluded.last_at else perf_rollups.last_at end`;
    upsertText.set(key, text);
  }
  return text;
}

const stateText = new Map<string, string>();
function upsertStates(dialect: Dialect, rows: number): string {
  const key = `${dialect}:${rows}`;
  let text = stateText.get(key);
  if (text === undefined) {
    let p = 0;
    const param = () => (dialect === 'postgres' ? `$${++p}` : '?');
    const values = Array.from({ length: rows }, () => `(${param()}, ${param()}, ${param()})`).join(
      ', ',
    );
    text =
      `insert into perf_state (kind, id, state) values ${values} ` +
      'on conflict (kind, id) do update set state = excluded.state';
    stateText.set(key, text);
  }
  return text;
}

export class SqlRollupStore implements RollupStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async checkpoint(): Promise<number> {
    const row = await this.db
      .selectFrom('perf_checkpoint')
      .select('seq')
      .where('id', '=', 1)
      .executeTakeFirst();
    return row?.seq ?? 0;
  }

  async states(kind: string, ids?: readonly string[]): Promise<FoldStateRow[]> {
    if (ids === undefined)
      return this.db.selectFrom('perf_state').selectAll().where('kind', '=', kind).execute();
    const rows: FoldStateRow[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      rows.push(
        ...(await this.db
          .selectFrom('perf_state')
          .selectAll()
          .where('kind', '=', kind)
          .where('id', 'in', ids.slice(i, i + 500))
          .execute()),
      );
    }
    return rows;
  }

  async sum(names: readonly string[], ranges: readonly RollupRange[]): Promise<RollupSum[]> {
    if (names.length === 0) return [];
    // One query per range, so each reads one contiguous stretch of the key. Counters sum in
    // the database; histograms come back a row per bucket, to merge their bins here.
    const merged = new Map<string, RollupSum>();
    const into = (
      row: { name: string; labels: string; count: number; sum: number },
      bins: string | null,
    ) => {
      const key = `${row.name}\0${row.labels}`;
      let found = merged.get(key);
      if (found === undefined) {
        found = { name: row.name, labels: row.labels, bins: null, count: 0, sum: 0 };
        merged.set(key, found);
      }
      found.count += row.count;
      found.sum += row.sum;
      if (bins !== null) {
        found.bins ??= {};
        for (const [bin, count] of Object.entries(JSON.parse(bins) as Record<string, number>))
          found.bins[bin] = (found.bins[bin] ?? 0) + count;
      }
    };
    for (const range of ranges) {
      const inRange = this.db
        .selectFrom('perf_rollups')
        .where('name', 'in', [...names])
        .where('resolution', '=', range.resolution)
        .where('bucket', '>=', range.from)
        .where('bucket', '<', range.to);
      const counters = await inRange
        .where('bins', 'is', null)
        .select((eb) => [
          'name',
          'labels',
          eb.fn.sum<number>('n').as('count'),
          eb.fn.sum<number>('total').as('sum'),
        ])
        .groupBy(['name', 'labels'])
        .execute();
      for (const row of counters) into(row, null);
      const histograms = await inRange
        .where('bins', 'is not', null)
        .select(['name', 'labels', 'n', 'total', 'bins'])
        .execute();
      for (const row of histograms) into({ ...row, count: row.n, sum: row.total }, row.bins);
    }
    return [...merged.values()];
  }

  async last(names: readonly string[], ranges: readonly RollupRange[]): Promise<RollupLast[]> {
    if (names.length === 0) return [];
    const newest = new Map<string, RollupLast>();
    for (const range of ranges) {
      const rows = await this.db
        .selectFrom('perf_rollups')
        .select(['name', 'labels', 'last_value', 'last_at'])
        .where('name', 'in', [...names])
        .where('resolution', '=', range.resolution)
        .where('bucket', '>=', range.from)
        .where('bucket', '<', range.to)
        .where('last_at', 'is not', null)
        .execute();
      for (const row of rows) {
        if (row.last_at === null || row.last_value === null) continue;
        const key = `${row.name}\0${row.labels}`;
        const found = newest.get(key);
        if (found === undefined || row.last_at >= found.at)
          newest.set(key, {
            name: row.name,
            labels: row.labels,
            value: row.last_value,
            at: row.last_at,
          });
      }
    }
    return [...newest.values()];
  }

  async rows(): Promise<RollupRow[]> {
    const rows = await this.db
      .selectFrom('perf_rollups')
      .selectAll()
      .orderBy('name')
      .orderBy('resolution')
      .orderBy('bucket')
      .orderBy('labels')
      .execute();
    return rows.map((r) => ({
      name: r.name,
      resolution: r.resolution as RollupRow['resolution'],
      bucket: r.bucket,
      labels: r.labels,
      bins: r.bins === null ? null : (JSON.parse(r.bins) as Record<string, number>),
      count: r.n,
      sum: r.total,
      lastValue: r.last_value,
      lastAt: r.last_at,
    }));
  }

  async advance(from: number, to: number): Promise<boolean> {
    const result = await this.db
      .updateTable('perf_checkpoint')
      .set({ seq: to })
      .where('id', '=', 1)
      .where('seq', '=', from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async add(unordered: readonly RollupDelta[]): Promise<void> {
    // In key order, consecutive rows land on the same b-tree pages.
    const deltas = [...unordered].sort((a, b) => {
      const x = keyOf(a);
      const y = keyOf(b);
      return x < y ? -1 : x > y ? 1 : 0;
    });
    const stored = await this.storedBins(deltas.filter((d) => d.bins !== null));
    for (let i = 0; i < deltas.length; i += CHUNK) {
      const chunk = deltas.slice(i, i + CHUNK);
      const params: unknown[] = [];
      for (const d of chunk) {
        let bins: string | null = null;
        if (d.bins !== null) {
          const merged = { ...(stored.get(keyOf(d)) ?? {}) };
          for (const [bin, count] of Object.entries(d.bins))
            merged[bin] = (merged[bin] ?? 0) + count;
          bins = JSON.stringify(merged);
        }
        params.push(
          d.name,
          d.resolution,
          d.bucket,
          d.labels,
          d.count,
          d.sum,
          d.lastValue,
          d.lastAt,
          bins,
        );
      }
      await executeCompiled(
        this.db,
        CompiledQuery.raw(upsertRollups(this.dialect, chunk.length), params),
      );
    }
  }

  /** The stored bins of the rows the histogram deltas add to (absent rows are new). */
  private async storedBins(
    deltas: readonly RollupDelta[],
  ): Promise<Map<string, Record<string, number>>> {
    const found = new Map<string, Record<string, number>>();
    for (let i = 0; i < deltas.length; i += CHUNK) {
      const chunk = deltas.slice(i, i + CHUNK);
      const rows = await this.db
        .selectFrom('perf_rollups')
        .select(['name', 'resolution', 'bucket', 'labels', 'bins'])
        .where((eb) =>
          eb.or(
            chunk.map((d) =>
              eb.and([
                eb('name', '=', d.name),
                eb('resolution', '=', d.resolution),
                eb('bucket', '=', d.bucket),
                eb('labels', '=', d.labels),
              ]),
            ),
          ),
        )
        .execute();
      for (const row of rows)
        if (row.bins !== null)
          found.set(keyOf(row), JSON.parse(row.bins) as Record<string, number>);
    }
    return found;
  }

  async putStates(rows: readonly FoldStateRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      const params = chunk.flatMap((r) => [r.kind, r.id, r.state]);
      await executeCompiled(
        this.db,
        CompiledQuery.raw(upsertStates(this.dialect, chunk.length), params),
      );
    }
  }

  async reset(): Promise<void> {
    await this.db.deleteFrom('perf_rollups').execute();
    await this.db.deleteFrom('perf_state').execute();
    await this.db.updateTable('perf_checkpoint').set({ seq: 0 }).where('id', '=', 1).execute();
  }
}
