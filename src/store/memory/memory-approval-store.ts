import type { Approval } from '../../core/approval.js';
import type { ApprovalFilter, ApprovalStore } from '../../core/ports/approval-store.js';
import { JournaledMap, type Journal } from './journal.js';

/** Approvals in memory, for the simulator (which asks for none). */
export class MemoryApprovalStore implements ApprovalStore {
  readonly #approvals: JournaledMap<Approval>;

  constructor(journal: Journal) {
    this.#approvals = new JournaledMap(journal);
  }

  #sorted(): Approval[] {
    return [...this.#approvals.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  get(id: string): Promise<Approval | null> {
    return Promise.resolve(this.#approvals.get(id) ?? null);
  }

  list(filter: ApprovalFilter): Promise<Approval[]> {
    const { state, actorId, after } = filter;
    return Promise.resolve(
      this.#sorted()
        .filter(
          (a) =>
            (state === undefined || a.state === state) &&
            (actorId === undefined || a.actorId === actorId) &&
            (after === undefined || a.id > after),
        )
        .slice(0, filter.limit),
    );
  }

  nextExpiry(): Promise<string | null> {
    let next: string | null = null;
    for (const a of this.#approvals.values())
      if (a.state === 'pending' && (next === null || a.expiresAt < next)) next = a.expiresAt;
    return Promise.resolve(next);
  }

  insert(approval: Approval): Promise<void> {
    this.#approvals.set(approval.id, approval);
    return Promise.resolve();
  }

  update(approval: Approval): Promise<boolean> {
    const stored = this.#approvals.get(approval.id);
    if (stored?.version !== approval.version - 1) return Promise.resolve(false);
    this.#approvals.set(approval.id, approval);
    return Promise.resolve(true);
  }

  listExpired(at: string, limit: number): Promise<Approval[]> {
    return Promise.resolve(
      this.#sorted()
        .filter((a) => a.state === 'pending' && a.expiresAt <= at)
        .sort((a, b) => (a.expiresAt < b.expiresAt ? -1 : a.expiresAt > b.expiresAt ? 1 : 0))
        .slice(0, limit),
    );
  }
}
