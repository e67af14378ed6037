import type { TrustFilter, TrustStateRow, TrustStore } from '../../core/ports/trust-store.js';
import type { PromotionState, TrustLevel, TrustPromotion, TrustRecord } from '../../core/trust.js';
import { JournaledMap, type Journal } from './journal.js';

type Keyed = { actorId: string; domainId: string; class: string };

const keyOf = (k: Keyed) => `${k.actorId}\u0000${k.domainId}\u0000${k.class}`;
const matches = (k: Keyed, f: TrustFilter) =>
  (f.actorId === undefined || k.actorId === f.actorId) &&
  (f.domainId === undefined || k.domainId === f.domainId) &&
  (f.class === undefined || k.class === f.class);
const byKey = <T extends Keyed>(list: Iterable<T>, f: TrustFilter): T[] =>
  [...list].filter((k) => matches(k, f)).sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));

/** Trust in memory, for the simulator. */
export class MemoryTrustStore implements TrustStore {
  readonly #records: JournaledMap<TrustRecord>;
  readonly #levels: JournaledMap<TrustLevel>;
  readonly #promotions: JournaledMap<TrustPromotion>;
  readonly #states: JournaledMap<TrustStateRow>;
  readonly #checkpoint: JournaledMap<number>;

  constructor(journal: Journal) {
    this.#records = new JournaledMap(journal);
    this.#levels = new JournaledMap(journal);
    this.#promotions = new JournaledMap(journal);
    this.#states = new JournaledMap(journal);
    this.#checkpoint = new JournaledMap(journal);
  }

  checkpoint(): Promise<number> {
    return Promise.resolve(this.#checkpoint.get('seq') ?? 0);
  }

  records(filter: TrustFilter): Promise<TrustRecord[]> {
    return Promise.resolve(byKey(this.#records.values(), filter));
  }

  levels(filter: TrustFilter): Promise<TrustLevel[]> {
    return Promise.resolve(byKey(this.#levels.values(), filter));
  }

  promotions(
    filter: TrustFilter & { state?: PromotionState | undefined },
  ): Promise<TrustPromotion[]> {
    return Promise.resolve(
      [...this.#promotions.values()]
        .filter(
          (p) => matches(p, filter) && (filter.state === undefined || p.state === filter.state),
        )
        .sort((a, b) => (a.id < b.id ? 1 : -1)),
    );
  }

  promotion(id: string): Promise<TrustPromotion | null> {
    return Promise.resolve(this.#promotions.get(id) ?? null);
  }

  states(kind: string, ids?: readonly string[]): Promise<TrustStateRow[]> {
    const rows = [...this.#states.values()].filter((r) => r.kind === kind);
    return Promise.resolve(ids === undefined ? rows : rows.filter((r) => ids.includes(r.id)));
  }

  advance(from: number, to: number): Promise<boolean> {
    if ((this.#checkpoint.get('seq') ?? 0) !== from) return Promise.resolve(false);
    this.#checkpoint.set('seq', to);
    return Promise.resolve(true);
  }

  putRecords(records: readonly TrustRecord[]): Promise<void> {
    for (const r of records) this.#records.set(keyOf(r), r);
    return Promise.resolve();
  }

  putStates(rows: readonly TrustStateRow[]): Promise<void> {
    for (const r of rows) this.#states.set(`${r.kind}\u0000${r.id}`, r);
    return Promise.resolve();
  }

  putLevel(level: TrustLevel): Promise<void> {
    this.#levels.set(keyOf(level), level);
    return Promise.resolve();
  }

  insertPromotion(promotion: TrustPromotion): Promise<boolean> {
    const pending = [...this.#promotions.values()].some(
      (p) => p.state === 'pending' && keyOf(p) === keyOf(promotion),
    );
    if (!pending) this.#promotions.set(promotion.id, promotion);
    return Promise.resolve(!pending);
  }

  decidePromotion(
    id: string,
    decision: Exclude<PromotionState, 'pending'>,
    at: string,
    by: string,
    reason: string,
  ): Promise<boolean> {
    const promotion = this.#promotions.get(id);
    if (promotion?.state !== 'pending') return Promise.resolve(false);
    this.#promotions.set(id, {
      ...promotion,
      state: decision,
      decidedAt: at,
      decidedBy: by,
      reason,
    });
    return Promise.resolve(true);
  }

  resetRecords(): Promise<void> {
    for (const r of [...this.#records.values()]) this.#records.delete(keyOf(r));
    for (const r of [...this.#states.values()]) this.#states.delete(`${r.kind}\u0000${r.id}`);
    this.#checkpoint.set('seq', 0);
    return Promise.resolve();
  }
}
