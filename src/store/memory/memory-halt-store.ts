import type { Halt, HaltScope } from '../../core/halt.js';
import type { HaltStore } from '../../core/ports/halt-store.js';
import { JournaledMap, type Journal } from './journal.js';

const sameScope = (a: HaltScope, b: HaltScope) =>
  a.kind === b.kind && (a.kind === 'all' || (b.kind !== 'all' && a.id === b.id));

/** Halts in memory, for the simulator. */
export class MemoryHaltStore implements HaltStore {
  readonly #halts: JournaledMap<Halt>;

  constructor(journal: Journal) {
    this.#halts = new JournaledMap(journal);
  }

  get(id: string): Promise<Halt | null> {
    return Promise.resolve(this.#halts.get(id) ?? null);
  }

  #all(): Halt[] {
    return [...this.#halts.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  listActive(): Promise<Halt[]> {
    return Promise.resolve(this.#all().filter((h) => h.liftedAt === null));
  }

  list(filter: { before?: string | undefined; limit: number }): Promise<Halt[]> {
    const { before } = filter;
    return Promise.resolve(
      this.#all()
        .reverse()
        .filter((h) => before === undefined || h.id < before)
        .slice(0, filter.limit),
    );
  }

  activeFor(scope: HaltScope): Promise<Halt | null> {
    return Promise.resolve(
      this.#all().find((h) => h.liftedAt === null && sameScope(h.scope, scope)) ?? null,
    );
  }

  async insert(halt: Halt): Promise<boolean> {
    if ((await this.activeFor(halt.scope)) !== null) return false;
    this.#halts.set(halt.id, halt);
    return true;
  }

  lift(id: string, at: string, by: string, reason: string): Promise<boolean> {
    const halt = this.#halts.get(id);
    if (halt?.liftedAt !== null) return Promise.resolve(false);
    this.#halts.set(id, { ...halt, liftedAt: at, liftedBy: by, liftReason: reason });
    return Promise.resolve(true);
  }
}
