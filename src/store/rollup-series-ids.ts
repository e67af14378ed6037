/**
 * The rollup series dictionary in memory: metric name and label set ↔ integer id, as
 * `perf_series` holds them. Series are few (label sets, not events) and an id never changes
 * meaning, so a store learns them once; what a transaction interned is forgotten if it rolls
 * back (`clear`), since those rows never existed for anyone else.
 */
export class RollupSeriesIds {
  /** Name → labels → id: nested, so a lookup builds no key string. */
  readonly #ids = new Map<string, Map<string, number>>();
  readonly #series = new Map<number, { name: string; labels: string }>();
  readonly #byName = new Map<string, number[]>();
  #maxId = 0;

  /** The highest id known: the dictionary reads only ids above it. */
  get maxId(): number {
    return this.#maxId;
  }

  idOf(name: string, labels: string): number | undefined {
    return this.#ids.get(name)?.get(labels);
  }

  /** Whether an id was learnt (a rollback may have made the dictionary forget it). */
  has(id: number): boolean {
    return this.#series.has(id);
  }

  set(id: number, name: string, labels: string): void {
    let ids = this.#ids.get(name);
    if (ids === undefined) this.#ids.set(name, (ids = new Map<string, number>()));
    if (ids.has(labels)) return;
    ids.set(labels, id);
    this.#series.set(id, { name, labels });
    let named = this.#byName.get(name);
    if (named === undefined) this.#byName.set(name, (named = []));
    named.push(id);
    if (id > this.#maxId) this.#maxId = id;
  }

  /** The ids of a metric's series. */
  ofName(name: string): readonly number[] {
    return this.#byName.get(name) ?? [];
  }

  /** The name and labels of a series id learnt before. */
  describe(id: number): { name: string; labels: string } {
    const found = this.#series.get(id);
    if (found === undefined) throw new Error(`rollup series ${String(id)} is unknown`);
    return found;
  }

  clear(): void {
    this.#ids.clear();
    this.#series.clear();
    this.#byName.clear();
    this.#maxId = 0;
  }
}
