/**
 * The undo log of the transaction in progress. Every in-memory write records how to take itself
 * back, so a use case that throws half-way leaves nothing behind, as a rolled-back SQL
 * transaction would.
 */
export class Journal {
  #undo: (() => void)[] | null = null;

  get open(): boolean {
    return this.#undo !== null;
  }

  begin(): void {
    this.#undo = [];
  }

  /** Records how to reverse a write; writes outside a transaction are refused. */
  record(undo: () => void): void {
    if (this.#undo === null) throw new Error('in-memory stores are written only in a transaction');
    this.#undo.push(undo);
  }

  commit(): void {
    this.#undo = null;
  }

  rollback(): void {
    const undo = this.#undo ?? [];
    this.#undo = null;
    for (let i = undo.length - 1; i >= 0; i--) undo[i]?.();
  }
}

/** A map whose writes are undone when the transaction rolls back. */
export class JournaledMap<V> {
  readonly #entries = new Map<string, V>();

  constructor(private readonly journal: Journal) {}

  get(key: string): V | undefined {
    return this.#entries.get(key);
  }

  values(): IterableIterator<V> {
    return this.#entries.values();
  }

  set(key: string, value: V): void {
    this.#restoreLater(key);
    this.#entries.set(key, value);
  }

  delete(key: string): void {
    this.#restoreLater(key);
    this.#entries.delete(key);
  }

  #restoreLater(key: string): void {
    const had = this.#entries.has(key);
    const previous = this.#entries.get(key);
    this.journal.record(() => {
      if (had) this.#entries.set(key, previous as V);
      else this.#entries.delete(key);
    });
  }
}
