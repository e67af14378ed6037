import { CompiledQuery, sql, type Kysely } from 'kysely';
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
import type { RollupLabelSets } from './rollup-label-sets.js';
import { addEntry } from '../core/rollup-entry.js';
import {
  decodeRollupData,
  encodeRollupData,
  parseRollupData,
  type StoredEntry,
} from './rollup-data.js';
import type { Database } from './schema.js';

/** Rows per multi-row statement: 4 parameters each, far below either dialect's limit. */
const CHUNK = 500;
/** The longest list of label sets a range read sends to the database (see `#inRange`). */
const ID_LIST = 200;
/** Below this many metric names, a read skips in the database the rows holding none of them. */
const NAME_FILTER = 4;

/**
 * The upsert of `rows` label-set rows, written once per dialect and row count: a batch sends
 * thousands of rows and Kysely's builder would cost more than the statements. The data arrives
 * merged with what was stored already (see `add`).
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
        ? `(${param()}, ${param()}, ${param()}::integer, ${param()})`
        : `(${param()}, ${param()}, ${param()}, ${param()})`;
    const values = Array.from({ length: rows }, tuple).join(', ');
    text =
      `insert into perf_rollups (resolution, bucket, label_set, data) values ${values} ` +
      'on conflict (resolution, bucket, label_set) do update set data = excluded.data';
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

interface StoredRow {
  label_set: number;
  data: string;
}

/**
 * The rollups in SQL: one row per resolution, bucket and label set holding the sums of every
 * metric with those labels (see `rollup-data`). The port speaks of one metric at a time; rows
 * are split into metrics on the way out and deltas merged into rows on the way in.
 */
export class SqlRollupStore implements RollupStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    /** The label set dictionary, shared by the store's reads and transactions. */
    private readonly labelSets: RollupLabelSets,
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

  /** Learns the label sets interned since the dictionary last looked (ids only grow). */
  async #refresh(): Promise<void> {
    const rows = await this.db
      .selectFrom('perf_label_sets')
      .select(['id', 'labels'])
      .where('id', '>', this.labelSets.maxId)
      .execute();
    for (const row of rows) this.labelSets.set(row.id, row.labels);
  }

  /** The label set of an id, learning new ones first if need be. */
  async #labelsOf(id: number): Promise<string> {
    let labels = this.labelSets.labelsOf(id);
    if (labels === undefined) {
      // Interned since the dictionary looked, or forgotten with a rollback elsewhere.
      await this.#refresh();
      labels = this.labelSets.labelsOf(id);
    }
    if (labels === undefined) throw new Error(`rollup label set ${String(id)} is unknown`);
    return labels;
  }

  /**
   * The rows of a range of buckets of the view's label sets (the folded ones without a view),
   * holding any of `names` (all such rows when `names` is long: the test would cost more than
   * the rows it skips). The key leads with the time, so a range is one stretch of the table.
   */
  async #inRange(
    range: RollupRange,
    names: readonly string[],
    view: string | null,
  ): Promise<StoredRow[]> {
    // Label sets interned elsewhere since the dictionary looked must be known to be told apart.
    await this.#refresh();
    const ids = view === null ? null : this.labelSets.ofView(view);
    if (ids !== null && ids.length === 0) return [];
    let query = this.db
      .selectFrom('perf_rollups')
      .select(['label_set', 'data'])
      .where('resolution', '=', range.resolution)
      .where('bucket', '>=', range.from)
      .where('bucket', '<', range.to);
    if (ids !== null && ids.length <= ID_LIST) query = query.where('label_set', 'in', ids);
    if (names.length < NAME_FILTER) {
      const position = (key: string) =>
        this.dialect === 'postgres'
          ? sql<number>`strpos(data, ${key})`
          : sql<number>`instr(data, ${key})`;
      // A metric's key in the JSON: its name quoted and followed by a colon, which no value has.
      query = query.where((eb) =>
        eb.or(names.map((name) => eb(position(`${JSON.stringify(name)}:`), '>', 0))),
      );
    }
    const rows = await query.execute();
    return rows.filter((row) => this.labelSets.viewOf(row.label_set) === view);
  }

  async sum(
    names: readonly string[],
    ranges: readonly RollupRange[],
    view: string | null = null,
  ): Promise<RollupSum[]> {
    if (names.length === 0) return [];
    const wanted = new Set(names);
    const merged = new Map<string, RollupSum>();
    for (const range of ranges)
      for (const row of await this.#inRange(range, names, view)) {
        const stored = parseRollupData(row.data);
        for (const name in stored) {
          if (!wanted.has(name)) continue;
          const [count, sum, bins] = stored[name] as StoredEntry;
          const key = `${name}\0${String(row.label_set)}`;
          let found = merged.get(key);
          if (found === undefined) {
            const labels = await this.#labelsOf(row.label_set);
            found = { name, labels, bins: null, count: 0, sum: 0 };
            merged.set(key, found);
          }
          found.count += count;
          found.sum += sum;
          if (bins !== undefined && bins !== null) {
            const into = (found.bins ??= {});
            for (const bin in bins) into[bin] = (into[bin] ?? 0) + (bins[bin] ?? 0);
          }
        }
      }
    return [...merged.values()];
  }

  async last(
    names: readonly string[],
    ranges: readonly RollupRange[],
    view: string | null = null,
  ): Promise<RollupLast[]> {
    if (names.length === 0) return [];
    const newest = new Map<string, RollupLast>();
    for (const range of ranges)
      for (const row of await this.#inRange(range, names, view)) {
        const data = decodeRollupData(row.data);
        for (const name of names) {
          const entry = data[name];
          if (entry?.lastAt === null || entry?.lastValue === null || entry === undefined) continue;
          const key = `${name}\0${String(row.label_set)}`;
          const found = newest.get(key);
          if (found === undefined || entry.lastAt >= found.at) {
            const labels = await this.#labelsOf(row.label_set);
            newest.set(key, { name, labels, value: entry.lastValue, at: entry.lastAt });
          }
        }
      }
    return [...newest.values()];
  }

  async rows(): Promise<RollupRow[]> {
    const stored = await this.db
      .selectFrom('perf_rollups')
      .innerJoin('perf_label_sets', 'perf_label_sets.id', 'perf_rollups.label_set')
      .select([
        'perf_label_sets.labels',
        'perf_rollups.resolution',
        'perf_rollups.bucket',
        'perf_rollups.data',
      ])
      .execute();
    const rows: RollupRow[] = [];
    for (const row of stored)
      for (const [name, entry] of Object.entries(decodeRollupData(row.data)))
        rows.push({
          name,
          resolution: row.resolution as RollupResolution,
          bucket: row.bucket,
          labels: row.labels,
          bins: entry.bins,
          count: entry.count,
          sum: entry.sum,
          lastValue: entry.lastValue,
          lastAt: entry.lastAt,
        });
    const key = (r: RollupRow) => `${r.name}\0${r.resolution}\0${r.bucket}\0${r.labels}`;
    return rows
      .map((r) => ({ r, k: key(r) }))
      .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
      .map(({ r }) => r);
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
   * The ids of the deltas' label sets, interning the new ones. Called after the checkpoint
   * moved (`advance`), which serializes folding nodes, so no other transaction interns at the
   * same time; the dictionary forgets what it learnt here if the transaction rolls back.
   */
  async #intern(deltas: readonly RollupDelta[]): Promise<number[]> {
    let missing = deltas.filter((d) => this.labelSets.idOf(d.labels) === undefined);
    if (missing.length > 0) {
      await this.#refresh();
      missing = missing.filter((d) => this.labelSets.idOf(d.labels) === undefined);
    }
    if (missing.length > 0) {
      const max = await this.db
        .selectFrom('perf_label_sets')
        .select((eb) => eb.fn.max('id').as('max'))
        .executeTakeFirst();
      let next = max?.max ?? 0;
      const rows = [...new Set(missing.map((d) => d.labels))].map((labels) => ({
        id: ++next,
        labels,
      }));
      for (const chunk of chunks(rows, CHUNK))
        await this.db.insertInto('perf_label_sets').values(chunk).execute();
      for (const row of rows) this.labelSets.set(row.id, row.labels);
    }
    return deltas.map((d) => this.labelSets.idOf(d.labels) ?? 0);
  }

  async add(deltas: readonly RollupDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    const ids = await this.#intern(deltas);
    await this.#mergeStored(deltas, ids);
    for (let at = 0; at < deltas.length; at += CHUNK) {
      const params: unknown[] = [];
      for (let i = at; i < Math.min(at + CHUNK, deltas.length); i++) {
        const d = deltas[i] as RollupDelta;
        params.push(d.resolution, d.bucket, ids[i], encodeRollupData(d.metrics));
      }
      await executeCompiled(
        this.db,
        CompiledQuery.raw(upsertRollups(this.dialect, params.length / 4), params),
      );
    }
  }

  /**
   * Adds into the deltas what their rows hold already (absent rows are new), so writing a delta
   * writes its row whole: per resolution, one read of the batch's span of buckets, which keyed
   * by time is one short stretch. The deltas are the fold's own, one per row.
   */
  async #mergeStored(deltas: readonly RollupDelta[], ids: readonly number[]): Promise<void> {
    const spans = new Map<
      RollupResolution,
      {
        from: string;
        to: string;
        ids: Set<number>;
        byBucket: Map<string, Map<number, RollupDelta>>;
      }
    >();
    for (let i = 0; i < deltas.length; i++) {
      const d = deltas[i] as RollupDelta;
      let span = spans.get(d.resolution);
      if (span === undefined)
        spans.set(
          d.resolution,
          (span = { from: d.bucket, to: d.bucket, ids: new Set(), byBucket: new Map() }),
        );
      if (d.bucket < span.from) span.from = d.bucket;
      if (d.bucket > span.to) span.to = d.bucket;
      let bySet = span.byBucket.get(d.bucket);
      if (bySet === undefined)
        span.byBucket.set(d.bucket, (bySet = new Map<number, RollupDelta>()));
      const id = ids[i] ?? 0;
      bySet.set(id, d);
      span.ids.add(id);
    }
    for (const [resolution, span] of spans) {
      let query = this.db
        .selectFrom('perf_rollups')
        .select(['bucket', 'label_set', 'data'])
        .where('resolution', '=', resolution)
        .where('bucket', '>=', span.from)
        .where('bucket', '<=', span.to);
      if (span.ids.size <= ID_LIST) query = query.where('label_set', 'in', [...span.ids]);
      for (const stored of await query.execute()) {
        const delta = span.byBucket.get(stored.bucket)?.get(stored.label_set);
        if (delta === undefined) continue;
        const { metrics } = delta;
        for (const [name, entry] of Object.entries(decodeRollupData(stored.data))) {
          const adding = metrics[name];
          // Stored first, then the batch: for a gauge, the batch's later point wins a tie.
          metrics[name] = adding === undefined ? entry : addEntry(entry, adding);
        }
      }
    }
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

  async dropStates(kind: string, ids: readonly string[]): Promise<void> {
    for (const chunk of chunks(ids, 500))
      await this.db
        .deleteFrom('perf_state')
        .where('kind', '=', kind)
        .where('id', 'in', chunk)
        .execute();
  }

  async reset(): Promise<void> {
    // The label sets stay: an id keeps naming the same set (other nodes hold them in memory).
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
