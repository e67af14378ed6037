import type {
  FoldStateRow,
  RollupDelta,
  RollupLast,
  RollupRange,
  RollupResolution,
  RollupRow,
  RollupStore,
  RollupSum,
} from '../../core/ports/rollup-store.js';
import { VIEW_LABEL } from '../../core/ports/rollup-store.js';
import { addEntry, copyEntry } from '../../core/rollup-entry.js';
import { JournaledMap, type Journal } from './journal.js';

const rowKey = (d: Pick<RollupRow, 'name' | 'resolution' | 'bucket' | 'labels'>) =>
  [d.name, d.resolution, d.bucket, d.labels].join('\u0000');

const addBins = (
  a: Readonly<Record<string, number>> | null,
  b: Readonly<Record<string, number>> | null,
): Record<string, number> | null => {
  if (a === null && b === null) return null;
  const sum = { ...(a ?? {}) };
  for (const [bin, count] of Object.entries(b ?? {})) sum[bin] = (sum[bin] ?? 0) + count;
  return sum;
};

const viewOf = (labels: string) =>
  (JSON.parse(labels) as Record<string, string | undefined>)[VIEW_LABEL] ?? null;

const inRanges = (
  row: RollupRow,
  names: ReadonlySet<string>,
  ranges: readonly RollupRange[],
  view: string | null,
) =>
  names.has(row.name) &&
  ranges.some(
    (r) => r.resolution === row.resolution && row.bucket >= r.from && row.bucket < r.to,
  ) &&
  viewOf(row.labels) === view;

/**
 * Rollups in memory, with the SQL store's arithmetic; reads scan every row (the simulator's
 * stores are small and short-lived).
 */
export class MemoryRollupStore implements RollupStore {
  readonly #rows: JournaledMap<RollupRow>;
  readonly #states: JournaledMap<FoldStateRow>;
  readonly #checkpoint: JournaledMap<number>;

  constructor(journal: Journal) {
    this.#rows = new JournaledMap(journal);
    this.#states = new JournaledMap(journal);
    this.#checkpoint = new JournaledMap(journal);
  }

  checkpoint(): Promise<number> {
    return Promise.resolve(this.#checkpoint.get('seq') ?? 0);
  }

  states(kind: string, ids?: readonly string[]): Promise<FoldStateRow[]> {
    if (ids !== undefined)
      return Promise.resolve(
        ids.flatMap((id) => {
          const row = this.#states.get(`${kind}\u0000${id}`);
          return row === undefined ? [] : [row];
        }),
      );
    return Promise.resolve([...this.#states.values()].filter((r) => r.kind === kind));
  }

  sum(
    names: readonly string[],
    ranges: readonly RollupRange[],
    view: string | null = null,
  ): Promise<RollupSum[]> {
    const wanted = new Set(names);
    const merged = new Map<string, RollupSum>();
    for (const row of this.#rows.values()) {
      if (!inRanges(row, wanted, ranges, view)) continue;
      const key = `${row.name}\u0000${row.labels}`;
      const found = merged.get(key);
      if (found === undefined)
        merged.set(key, {
          name: row.name,
          labels: row.labels,
          bins: addBins(row.bins, null),
          count: row.count,
          sum: row.sum,
        });
      else {
        found.count += row.count;
        found.sum += row.sum;
        found.bins = addBins(found.bins, row.bins);
      }
    }
    return Promise.resolve([...merged.values()]);
  }

  last(
    names: readonly string[],
    ranges: readonly RollupRange[],
    view: string | null = null,
  ): Promise<RollupLast[]> {
    const wanted = new Set(names);
    const newest = new Map<string, RollupLast>();
    for (const row of this.#rows.values()) {
      if (row.lastAt === null || row.lastValue === null || !inRanges(row, wanted, ranges, view))
        continue;
      const key = `${row.name}\u0000${row.labels}`;
      const found = newest.get(key);
      if (found === undefined || row.lastAt >= found.at)
        newest.set(key, {
          name: row.name,
          labels: row.labels,
          value: row.lastValue,
          at: row.lastAt,
        });
    }
    return Promise.resolve([...newest.values()]);
  }

  rows(): Promise<RollupRow[]> {
    return Promise.resolve(
      [...this.#rows.values()]
        .map((r) => ({ ...r, bins: addBins(r.bins, null) }))
        .sort((a, b) => (rowKey(a) < rowKey(b) ? -1 : rowKey(a) > rowKey(b) ? 1 : 0)),
    );
  }

  advance(from: number, to: number): Promise<boolean> {
    if ((this.#checkpoint.get('seq') ?? 0) !== from) return Promise.resolve(false);
    this.#checkpoint.set('seq', to);
    return Promise.resolve(true);
  }

  add(deltas: readonly RollupDelta[]): Promise<void> {
    for (const d of deltas)
      for (const [name, entry] of Object.entries(d.metrics)) {
        const row: RollupRow = {
          name,
          resolution: d.resolution,
          bucket: d.bucket,
          labels: d.labels,
          ...copyEntry(entry),
        };
        const key = rowKey(row);
        const found = this.#rows.get(key);
        // Journaled: a row is replaced, never changed in place, so a rollback restores it.
        this.#rows.set(
          key,
          found === undefined ? row : { ...found, ...addEntry(copyEntry(found), entry) },
        );
      }
    return Promise.resolve();
  }

  putStates(rows: readonly FoldStateRow[]): Promise<void> {
    for (const row of rows) this.#states.set(`${row.kind}\u0000${row.id}`, { ...row });
    return Promise.resolve();
  }

  dropStates(kind: string, ids: readonly string[]): Promise<void> {
    for (const id of ids) this.#states.delete(`${kind}\u0000${id}`);
    return Promise.resolve();
  }

  reset(): Promise<void> {
    for (const row of [...this.#rows.values()]) this.#rows.delete(rowKey(row));
    for (const row of [...this.#states.values()]) this.#states.delete(`${row.kind}\u0000${row.id}`);
    this.#checkpoint.set('seq', 0);
    return Promise.resolve();
  }

  prune(resolution: RollupResolution, before: string): Promise<number> {
    let pruned = 0;
    for (const row of [...this.#rows.values()])
      if (row.resolution === resolution && row.bucket < before) {
        this.#rows.delete(rowKey(row));
        pruned++;
      }
    return Promise.resolve(pruned);
  }
}
