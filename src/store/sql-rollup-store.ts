import { CompiledQuery, sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type {
  FoldStateRow,
  RollupDelta,
  RollupLast,
  RollupRange,
  RollupResolution,
  RollupRow,
  RollupStore,
  RollupSum,
} from '../core/ports/rollup-store.js';
import type { Dialect } from '../core/ports/store.js';
import { executeCompiled } from './prepared-query.js';
import type { Database } from './schema.js';
import type { RollupSeriesIds } from './rollup-series-ids.js';

/** Rows per multi-row statement: 8 parameters each, far below either dialect's limit. */
const CHUNK = 250;
/** Series ids per `in (…)` list. */
const ID_CHUNK = 1000;
/** The longest list of series a range read sends to the database (see `#inRange`). */
const ID_LIST = 200;

const RESOLUTION_ORDER: Readonly<Record<string, number>> = { minute: 0, hour: 1, day: 2 };

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
        ? `(${param()}::integer, ${param()}, ${param()}, ${param()}::double precision, ${param()}::double precision, ${param()}::double precision, ${param()}, ${param()})`
        : `(${Array.from({ length: 8 }, param).join(', ')})`;
    const values = Array.from({ length: rows }, tuple).join(', ');
    const newer =
      'excluded.last_at is not null and (perf_rollups.last_at is null or excluded.last_at >= perf_rollups.last_at)';
    text =
      `insert into perf_rollups (series, resolution, bucket, n, total, last_value, last_at, bins) values ${values} ` +
      'on conflict (series, resolution, bucket) do update set ' +
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

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

const addBinsInto = (into: Record<string, number>, bins: Readonly<Record<string, number>>) => {
  for (const [bin, count] of Object.entries(bins)) into[bin] = (into[bin] ?? 0) + count;
};

export class SqlRollupStore implements RollupStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    /** The series dictionary, shared by the store's reads and transactions. */
    private readonly series: RollupSeriesIds,
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
    for (const chunk of chunks(ids, 500)) {
      rows.push(
        ...(await this.db
          .selectFrom('perf_state')
          .selectAll()
          .where('kind', '=', kind)
          .where('id', 'in', chunk)
          .execute()),
      );
    }
    return rows;
  }

  /** Learns the series interned since the dictionary last looked (ids only grow). */
  async #refresh(): Promise<void> {
    const rows = await this.db
      .selectFrom('perf_series')
      .select(['id', 'name', 'labels'])
      .where('id', '>', this.series.maxId)
      .execute();
    for (const row of rows) this.series.set(row.id, row.name, row.labels);
  }

  /** The ids of the named metrics' series. */
  async #idsOf(names: readonly string[]): Promise<number[]> {
    await this.#refresh();
    return names.flatMap((name) => this.series.ofName(name));
  }

  /**
   * Rows of the wanted series in a range of buckets, through `read`: the key leads with the
   * time, so a range is one stretch of the table whichever series it holds. A short list of
   * series is filtered in the database; a long one (a breakdown reads most series) in `keep`,
   * which saves sending thousands of ids to scan the same stretch.
   */
  async #inRange<T extends { series: number }>(
    ids: readonly number[],
    range: RollupRange,
    read: (query: SelectQueryBuilder<Database, 'perf_rollups', object>) => Promise<readonly T[]>,
  ): Promise<T[]> {
    const query = this.db
      .selectFrom('perf_rollups')
      .where('resolution', '=', range.resolution)
      .where('bucket', '>=', range.from)
      .where('bucket', '<', range.to);
    if (ids.length <= ID_LIST) return [...(await read(query.where('series', 'in', ids)))];
    const wanted = new Set(ids);
    return (await read(query)).filter((row) => wanted.has(row.series));
  }

  async sum(names: readonly string[], ranges: readonly RollupRange[]): Promise<RollupSum[]> {
    const ids = await this.#idsOf(names);
    if (ids.length === 0) return [];
    // Per range and series, one row summed in the database. Histograms' bins come back
    // concatenated, to merge here.
    const concat =
      this.dialect === 'postgres'
        ? sql<string | null>`string_agg(bins, '|')`
        : sql<string | null>`group_concat(bins, '|')`;
    const merged = new Map<number, RollupSum>();
    for (const range of ranges) {
      const rows = await this.#inRange(ids, range, (query) =>
        query
          .select((eb) => [
            'series',
            eb.fn.sum<number>('n').as('count'),
            eb.fn.sum<number>('total').as('sum'),
            concat.as('bins'),
          ])
          .groupBy('series')
          .execute(),
      );
      for (const row of rows) {
        const id = row.series;
        let found = merged.get(id);
        if (found === undefined) {
          // A rollback elsewhere may have emptied the dictionary since the ids were read.
          if (!this.series.has(id)) await this.#refresh();
          const { name, labels } = this.series.describe(id);
          found = { name, labels, bins: null, count: 0, sum: 0 };
          merged.set(id, found);
        }
        found.count += row.count;
        found.sum += row.sum;
        if (row.bins !== null) {
          found.bins ??= {};
          for (const part of row.bins.split('|'))
            addBinsInto(found.bins, JSON.parse(part) as Record<string, number>);
        }
      }
    }
    return [...merged.values()];
  }

  async last(names: readonly string[], ranges: readonly RollupRange[]): Promise<RollupLast[]> {
    const ids = await this.#idsOf(names);
    if (ids.length === 0) return [];
    const newest = new Map<number, RollupLast>();
    for (const range of ranges) {
      const rows = await this.#inRange(ids, range, (query) =>
        query
          .select(['series', 'last_value', 'last_at'])
          .where('last_at', 'is not', null)
          .execute(),
      );
      for (const row of rows) {
        if (row.last_at === null || row.last_value === null) continue;
        const id = row.series;
        const found = newest.get(id);
        if (found === undefined || row.last_at >= found.at) {
          if (!this.series.has(id)) await this.#refresh();
          const { name, labels } = this.series.describe(id);
          newest.set(id, { name, labels, value: row.last_value, at: row.last_at });
        }
      }
    }
    return [...newest.values()];
  }

  async rows(): Promise<RollupRow[]> {
    const rows = await this.db
      .selectFrom('perf_rollups')
      .innerJoin('perf_series', 'perf_series.id', 'perf_rollups.series')
      .select([
        'perf_series.name',
        'perf_series.labels',
        'perf_rollups.resolution',
        'perf_rollups.bucket',
        'perf_rollups.n',
        'perf_rollups.total',
        'perf_rollups.last_value',
        'perf_rollups.last_at',
        'perf_rollups.bins',
      ])
      .execute();
    const key = (r: { name: string; resolution: string; bucket: string; labels: string }) =>
      `${r.name}\0${r.resolution}\0${r.bucket}\0${r.labels}`;
    return rows
      .map((r) => ({
        name: r.name,
        resolution: r.resolution as RollupRow['resolution'],
        bucket: r.bucket,
        labels: r.labels,
        bins: r.bins === null ? null : (JSON.parse(r.bins) as Record<string, number>),
        count: r.n,
        sum: r.total,
        lastValue: r.last_value,
        lastAt: r.last_at,
      }))
      .sort((a, b) => {
        const x = key(a);
        const y = key(b);
        return x < y ? -1 : x > y ? 1 : 0;
      });
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

  /**
   * The ids of the deltas' series, interning the new ones. Called after the checkpoint moved
   * (`advance`), which serializes folding nodes, so no other transaction interns at the same
   * time; the dictionary forgets what it learnt here if the transaction rolls back (SqlStore).
   */
  async #intern(deltas: readonly RollupDelta[]): Promise<number[]> {
    let missing = deltas.filter((d) => this.series.idOf(d.name, d.labels) === undefined);
    if (missing.length > 0) {
      await this.#refresh();
      missing = missing.filter((d) => this.series.idOf(d.name, d.labels) === undefined);
    }
    if (missing.length > 0) {
      const fresh = new Map<string, { name: string; labels: string }>();
      for (const d of missing)
        fresh.set(`${d.name}\0${d.labels}`, { name: d.name, labels: d.labels });
      const max = await this.db
        .selectFrom('perf_series')
        .select((eb) => eb.fn.max('id').as('max'))
        .executeTakeFirst();
      let next = max?.max ?? 0;
      const rows = [...fresh.values()].map((s) => ({ id: ++next, ...s }));
      for (const chunk of chunks(rows, CHUNK))
        await this.db.insertInto('perf_series').values(chunk).execute();
      for (const row of rows) this.series.set(row.id, row.name, row.labels);
    }
    return deltas.map((d) => this.series.idOf(d.name, d.labels) ?? 0);
  }

  async add(unordered: readonly RollupDelta[]): Promise<void> {
    if (unordered.length === 0) return;
    const ids = await this.#intern(unordered);
    // In key order, consecutive rows land on the same b-tree pages.
    const deltas = unordered
      .map((delta, i) => ({ delta, id: ids[i] ?? 0 }))
      .sort(
        (a, b) =>
          a.id - b.id ||
          (RESOLUTION_ORDER[a.delta.resolution] ?? 0) -
            (RESOLUTION_ORDER[b.delta.resolution] ?? 0) ||
          (a.delta.bucket < b.delta.bucket ? -1 : a.delta.bucket > b.delta.bucket ? 1 : 0),
      );
    const stored = await this.#storedBins(deltas.filter((d) => d.delta.bins !== null));
    for (const chunk of chunks(deltas, CHUNK)) {
      const params: unknown[] = [];
      for (const { delta: d, id } of chunk) {
        let bins: string | null = null;
        if (d.bins !== null) {
          const merged = { ...(stored.get(`${id}\0${d.resolution}\0${d.bucket}`) ?? {}) };
          addBinsInto(merged, d.bins);
          bins = JSON.stringify(merged);
        }
        params.push(id, d.resolution, d.bucket, d.count, d.sum, d.lastValue, d.lastAt, bins);
      }
      await executeCompiled(
        this.db,
        CompiledQuery.raw(upsertRollups(this.dialect, chunk.length), params),
      );
    }
  }

  /**
   * The stored bins of the rows the histogram deltas add to (absent rows are new): per
   * resolution, the batch's span of buckets of the series concerned, a short range of each.
   */
  async #storedBins(
    deltas: readonly { delta: RollupDelta; id: number }[],
  ): Promise<Map<string, Record<string, number>>> {
    const found = new Map<string, Record<string, number>>();
    const spans = new Map<string, { ids: Set<number>; from: string; to: string }>();
    for (const { delta, id } of deltas) {
      const span = spans.get(delta.resolution);
      if (span === undefined)
        spans.set(delta.resolution, { ids: new Set([id]), from: delta.bucket, to: delta.bucket });
      else {
        span.ids.add(id);
        if (delta.bucket < span.from) span.from = delta.bucket;
        if (delta.bucket > span.to) span.to = delta.bucket;
      }
    }
    for (const [resolution, span] of spans)
      for (const chunk of chunks([...span.ids], ID_CHUNK)) {
        const rows = await this.db
          .selectFrom('perf_rollups')
          .select(['series', 'bucket', 'bins'])
          .where('series', 'in', chunk)
          .where('resolution', '=', resolution)
          .where('bucket', '>=', span.from)
          .where('bucket', '<=', span.to)
          .where('bins', 'is not', null)
          .execute();
        for (const row of rows)
          if (row.bins !== null)
            found.set(
              `${String(row.series)}\0${resolution}\0${row.bucket}`,
              JSON.parse(row.bins) as Record<string, number>,
            );
      }
    return found;
  }

  async putStates(rows: readonly FoldStateRow[]): Promise<void> {
    for (const chunk of chunks(rows, CHUNK)) {
      const params = chunk.flatMap((r) => [r.kind, r.id, r.state]);
      await executeCompiled(
        this.db,
        CompiledQuery.raw(upsertStates(this.dialect, chunk.length), params),
      );
    }
  }

  async reset(): Promise<void> {
    // The series stay: an id keeps naming the same series (other nodes hold them in memory).
    await this.db.deleteFrom('perf_rollups').execute();
    await this.db.deleteFrom('perf_state').execute();
    await this.db.updateTable('perf_checkpoint').set({ seq: 0 }).where('id', '=', 1).execute();
  }

  async prune(resolution: RollupResolution, before: string): Promise<number> {
    // Keyed by time first: the rows to go are one stretch at the start of the resolution's.
    const result = await this.db
      .deleteFrom('perf_rollups')
      .where('resolution', '=', resolution)
      .where('bucket', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
