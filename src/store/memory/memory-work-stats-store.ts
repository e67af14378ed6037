import { accumulateWorkStats } from '../../core/accumulate-work-stats.js';
import type {
  WorkObservation,
  WorkStats,
  WorkStatsStore,
} from '../../core/ports/work-stats-store.js';
import { JournaledMap, type Journal } from './journal.js';

const keyOf = (typeId: string, actorId: string | null) => `${typeId}\u0000${actorId ?? ''}`;

/** Learned figures in memory: the same arithmetic as the SQL store's one-statement upsert. */
export class MemoryWorkStatsStore implements WorkStatsStore {
  readonly #rows: JournaledMap<WorkStats>;
  /** The actors' figures per type, for `listActors`. */
  readonly #actorKeys = new Map<string, Set<string>>();

  constructor(journal: Journal) {
    this.#rows = new JournaledMap(journal);
  }

  get(typeId: string, actorId: string | null): Promise<WorkStats | null> {
    return Promise.resolve(this.#rows.get(keyOf(typeId, actorId)) ?? null);
  }

  listTypes(): Promise<WorkStats[]> {
    const rows: WorkStats[] = [];
    for (const typeId of this.#actorKeys.keys()) {
      const row = this.#rows.get(keyOf(typeId, null));
      if (row !== undefined) rows.push(row);
    }
    return Promise.resolve(rows.sort((a, b) => (a.typeId < b.typeId ? -1 : 1)));
  }

  listActors(typeId: string): Promise<WorkStats[]> {
    const rows: WorkStats[] = [];
    for (const key of this.#actorKeys.get(typeId) ?? []) {
      const row = this.#rows.get(key);
      // A key whose row a rollback removed again is skipped.
      if (row !== undefined) rows.push(row);
    }
    return Promise.resolve(rows.sort((a, b) => ((a.actorId ?? '') < (b.actorId ?? '') ? -1 : 1)));
  }

  record(observation: WorkObservation): Promise<void> {
    for (const actorId of [null, observation.actorId]) {
      const key = keyOf(observation.typeId, actorId);
      const next = accumulateWorkStats(
        this.#rows.get(key) ?? null,
        { typeId: observation.typeId, actorId },
        observation,
      );
      this.#rows.set(key, next);
      if (actorId !== null) {
        let keys = this.#actorKeys.get(observation.typeId);
        if (keys === undefined) this.#actorKeys.set(observation.typeId, (keys = new Set()));
        keys.add(key);
      }
    }
    return Promise.resolve();
  }
}
