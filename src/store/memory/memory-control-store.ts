import type { AgentControl, AgentControlKind } from '../../core/agent-control.js';
import type { Usage, UsageWindow } from '../../core/budget-config.js';
import type { ControlStore } from '../../core/ports/control-store.js';
import { JournaledMap, type Journal } from './journal.js';

const keyOf = (c: AgentControl) =>
  `${c.kind}\u0000${c.actorId}\u0000${c.kind === 'pause' ? c.actionClass : ''}`;

/** Pauses, redirects and usage in memory, for the simulator. */
export class MemoryControlStore implements ControlStore {
  readonly #controls: JournaledMap<AgentControl>;
  readonly #usage: JournaledMap<Usage>;

  constructor(journal: Journal) {
    this.#controls = new JournaledMap(journal);
    this.#usage = new JournaledMap(journal);
  }

  #all(): AgentControl[] {
    return [...this.#controls.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  get(id: string): Promise<AgentControl | null> {
    return Promise.resolve(this.#controls.get(id) ?? null);
  }

  listActive(): Promise<AgentControl[]> {
    return Promise.resolve(this.#all().filter((c) => c.liftedAt === null));
  }

  list(filter: {
    kind: AgentControlKind;
    before?: string | undefined;
    limit: number;
  }): Promise<AgentControl[]> {
    const { before } = filter;
    return Promise.resolve(
      this.#all()
        .reverse()
        .filter((c) => c.kind === filter.kind && (before === undefined || c.id < before))
        .slice(0, filter.limit),
    );
  }

  usage(actorId: string): Promise<Usage[]> {
    return Promise.resolve([...this.#usage.values()].filter((u) => u.actorId === actorId));
  }

  insert(control: AgentControl): Promise<boolean> {
    const key = keyOf(control);
    if (this.#all().some((c) => c.liftedAt === null && keyOf(c) === key))
      return Promise.resolve(false);
    this.#controls.set(control.id, control);
    return Promise.resolve(true);
  }

  lift(id: string, at: string, by: string, reason: string): Promise<boolean> {
    const control = this.#controls.get(id);
    if (control?.liftedAt !== null) return Promise.resolve(false);
    this.#controls.set(id, { ...control, liftedAt: at, liftedBy: by, liftReason: reason });
    return Promise.resolve(true);
  }

  charge(
    actorId: string,
    charges: readonly { window: UsageWindow; period: string }[],
    amount: { actions: number; cost: number },
  ): Promise<Usage[]> {
    return Promise.resolve(
      charges.map(({ window, period }) => {
        const key = `${actorId}\u0000${window}`;
        const row = this.#usage.get(key);
        const same = row?.period === period;
        const next: Usage = {
          actorId,
          window,
          period,
          actions: (same ? row.actions : 0) + amount.actions,
          cost: (same ? row.cost : 0) + amount.cost,
        };
        this.#usage.set(key, next);
        return next;
      }),
    );
  }
}
