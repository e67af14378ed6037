import { VIEW_LABEL } from '../core/ports/rollup-store.js';

/**
 * The rollup label sets in memory: canonical label JSON ↔ integer id, as `perf_label_sets`
 * holds them. Label sets are few (not events) and an id never changes meaning, so a store
 * learns them once; what a transaction interned is forgotten if it rolls back (`clear`), since
 * those rows never existed for anyone else.
 */
export class RollupLabelSets {
  readonly #ids = new Map<string, number>();
  readonly #labels = new Map<number, string>();
  /** Label set id → the view it belongs to (null: a label set as folded). */
  readonly #views = new Map<number, string | null>();
  /** View → its label set ids. */
  readonly #ofView = new Map<string, number[]>();
  #maxId = 0;

  /** The highest id known: the dictionary reads only ids above it. */
  get maxId(): number {
    return this.#maxId;
  }

  idOf(labels: string): number | undefined {
    return this.#ids.get(labels);
  }

  /** The label set of an id, if learnt (a rollback may have made the dictionary forget it). */
  labelsOf(id: number): string | undefined {
    return this.#labels.get(id);
  }

  /** The view a label set id belongs to (null for a folded label set, undefined if unknown). */
  viewOf(id: number): string | null | undefined {
    return this.#views.get(id);
  }

  /** The label set ids of a view. */
  ofView(view: string): readonly number[] {
    return this.#ofView.get(view) ?? [];
  }

  set(id: number, labels: string): void {
    if (this.#ids.has(labels)) return;
    this.#ids.set(labels, id);
    this.#labels.set(id, labels);
    const view = labels.includes(`"${VIEW_LABEL}"`)
      ? ((JSON.parse(labels) as Record<string, string>)[VIEW_LABEL] ?? null)
      : null;
    this.#views.set(id, view);
    if (view !== null) {
      let ids = this.#ofView.get(view);
      if (ids === undefined) this.#ofView.set(view, (ids = []));
      ids.push(id);
    }
    if (id > this.#maxId) this.#maxId = id;
  }

  clear(): void {
    this.#ids.clear();
    this.#labels.clear();
    this.#views.clear();
    this.#ofView.clear();
    this.#maxId = 0;
  }
}
