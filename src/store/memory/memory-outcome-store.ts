import type { KeyResultSnapshot, OutcomeStore } from '../../core/ports/outcome-store.js';
import { JournaledMap, type Journal } from './journal.js';

const keyOf = (objectiveId: string, keyResultId: string) => `${objectiveId}\u0000${keyResultId}`;

/** Key result history in memory: one time-ordered list per key result. */
export class MemoryOutcomeStore implements OutcomeStore {
  readonly #rows: JournaledMap<readonly KeyResultSnapshot[]>;

  constructor(journal: Journal) {
    this.#rows = new JournaledMap(journal);
  }

  listSnapshots(
    objectiveId: string,
    keyResultId: string,
    options: { since?: string; limit?: number } = {},
  ): Promise<KeyResultSnapshot[]> {
    const since = options.since;
    const all = (this.#rows.get(keyOf(objectiveId, keyResultId)) ?? []).filter(
      (s) => since === undefined || s.at >= since,
    );
    return Promise.resolve(all.slice(Math.max(0, all.length - (options.limit ?? 10_000))));
  }

  latestSnapshot(objectiveId: string, keyResultId: string): Promise<KeyResultSnapshot | null> {
    return Promise.resolve(this.#rows.get(keyOf(objectiveId, keyResultId))?.at(-1) ?? null);
  }

  recordSnapshot(snapshot: KeyResultSnapshot): Promise<void> {
    const key = keyOf(snapshot.objectiveId, snapshot.keyResultId);
    const rest = (this.#rows.get(key) ?? []).filter((s) => s.at !== snapshot.at);
    this.#rows.set(
      key,
      [...rest, snapshot].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)),
    );
    return Promise.resolve();
  }
}
