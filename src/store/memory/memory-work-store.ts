import { copyWorkItem } from '../../core/copy-work-item.js';
import { TERMINAL_STATES, type WorkItem } from '../../core/model.js';
import {
  emptyStateCounts,
  type ActorLoadCount,
  type WorkCountFilter,
  type WorkStateCounts,
  type QueueRef,
  type WorkFilter,
  type WorkStore,
} from '../../core/ports/work-store.js';
import type { Journal } from './journal.js';
import { QueueIndex } from './queue-index.js';

const HELD_STATES = new Set<WorkItem['state']>(['assigned', 'in_progress']);
const LEASED_STATES = new Set<WorkItem['state']>(['offered', 'assigned', 'in_progress']);
const TERMINAL = new Set<WorkItem['state']>(TERMINAL_STATES);

/** Earliest first by an ISO time of the item, then by id, as the SQL stores order them. */
const byTimeThenId =
  (time: (item: WorkItem) => string | null) =>
  (a: WorkItem, b: WorkItem): number => {
    const ta = time(a) ?? '';
    const tb = time(b) ?? '';
    if (ta !== tb) return ta < tb ? -1 : 1;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };

function addTo(index: Map<string, Set<string>>, key: string, id: string): void {
  let set = index.get(key);
  if (set === undefined) index.set(key, (set = new Set()));
  set.add(id);
}

/**
 * Work items in memory, with the indexes the SQL schema has: a queue per work type (or stage)
 * in claim order, what each actor holds and is offered, and the leased items. Every write keeps the
 * indexes in step and is undone if its transaction rolls back. Items are stored as given and
 * handed out as stored: the use cases build new items, they never change one in place.
 */
export class MemoryWorkStore implements WorkStore {
  readonly #items = new Map<string, WorkItem>();
  /** By type, then stage (null without stages): no key strings built per lookup. */
  readonly #queues = new Map<string, Map<string | null, QueueIndex<WorkItem>>>();
  readonly #held = new Map<string, Set<string>>();
  readonly #offered = new Map<string, Set<string>>();
  readonly #leased = new Set<string>();
  readonly #dependents = new Map<string, string[]>();

  constructor(private readonly journal: Journal) {}

  get(id: string): Promise<WorkItem | null> {
    return Promise.resolve(this.#items.get(id) ?? null);
  }

  getForUpdate(id: string): Promise<WorkItem | null> {
    return this.get(id);
  }

  list(filter: WorkFilter): Promise<WorkItem[]> {
    const found: WorkItem[] = [];
    const desc = filter.order === 'desc';
    // Ids are time-ordered and made in creation order, so insertion order is id order.
    const items = desc ? [...this.#items.values()].reverse() : this.#items.values();
    for (const item of items) {
      if (found.length >= filter.limit) break;
      if (filter.after !== undefined && (desc ? item.id >= filter.after : item.id <= filter.after))
        continue;
      if (filter.state !== undefined && item.state !== filter.state) continue;
      if (filter.typeId !== undefined && item.typeId !== filter.typeId) continue;
      if (filter.ownerId !== undefined && item.ownerId !== filter.ownerId) continue;
      if (filter.offeredTo !== undefined && item.offeredTo !== filter.offeredTo) continue;
      if (filter.priorityClass !== undefined && item.priorityClass !== filter.priorityClass)
        continue;
      found.push(item);
    }
    return Promise.resolve(found);
  }

  dependentsOf(id: string): Promise<string[]> {
    return Promise.resolve([...(this.#dependents.get(id) ?? [])]);
  }

  countHeldBy(actorId: string): Promise<number> {
    return Promise.resolve(this.#held.get(actorId)?.size ?? 0);
  }

  countOfferedTo(actorId: string): Promise<number> {
    return Promise.resolve(this.#offered.get(actorId)?.size ?? 0);
  }

  countLoad(actorId: string): Promise<ActorLoadCount> {
    return Promise.resolve({
      held: this.#held.get(actorId)?.size ?? 0,
      offered: this.#offered.get(actorId)?.size ?? 0,
    });
  }

  countByState(filter: WorkCountFilter): Promise<WorkStateCounts> {
    const counts = emptyStateCounts();
    for (const item of this.#items.values()) {
      if (filter.typeId !== undefined && item.typeId !== filter.typeId) continue;
      if (filter.ownerId !== undefined && item.ownerId !== filter.ownerId) continue;
      counts[item.state] += 1;
    }
    return Promise.resolve(counts);
  }

  countOpenOfType(typeId: string): Promise<number> {
    let n = 0;
    for (const item of this.#items.values()) {
      if (item.typeId === typeId && !TERMINAL.has(item.state)) n += 1;
    }
    return Promise.resolve(n);
  }

  listOpenDueBefore(until: string, limit: number): Promise<WorkItem[]> {
    const due: WorkItem[] = [];
    for (const item of this.#items.values())
      if (!TERMINAL.has(item.state) && item.dueAt !== null && item.dueAt < until) due.push(item);
    due.sort(byTimeThenId((item) => item.dueAt));
    return Promise.resolve(due.slice(0, limit));
  }

  #queue(typeId: string, stageId: string | null): QueueIndex<WorkItem> | undefined {
    return this.#queues.get(typeId)?.get(stageId);
  }

  rankInQueue(item: WorkItem): Promise<number> {
    const queue = this.#queue(item.typeId, item.stageId);
    return Promise.resolve(1 + (queue?.position(item) ?? 0));
  }

  nextClaimable(
    queues: readonly QueueRef[],
    actorId: string,
    passOver?: (item: WorkItem) => boolean,
  ): Promise<WorkItem | null> {
    // Each queue's head (its stored key plus the queue's offset) against the others'.
    let best: WorkItem | null = null;
    let bestRank = 0;
    for (const { typeId, stageId, offset } of queues) {
      for (const item of this.#queue(typeId, stageId)?.entries ?? []) {
        // Work this actor failed or declined before waits for someone else.
        if (item.failedBy.includes(actorId) || item.declinedBy.includes(actorId)) continue;
        if (passOver?.(item) === true) continue;
        const rank = item.priority + offset;
        if (best === null || rank > bestRank || (rank === bestRank && item.id < best.id)) {
          best = item;
          bestRank = rank;
        }
        break;
      }
    }
    return Promise.resolve(best);
  }

  listLeaseExpired(now: string, limit: number): Promise<WorkItem[]> {
    const expired: WorkItem[] = [];
    for (const id of this.#leased) {
      const item = this.#items.get(id) as WorkItem;
      if (item.leaseExpiresAt !== null && item.leaseExpiresAt < now) expired.push(item);
    }
    expired.sort(byTimeThenId((item) => item.leaseExpiresAt));
    return Promise.resolve(expired.slice(0, limit));
  }

  renewLeases(actorId: string, until: string): Promise<number> {
    const ids = [...(this.#held.get(actorId) ?? [])];
    for (const id of ids) {
      const item = this.#items.get(id) as WorkItem;
      const renewed = copyWorkItem(item);
      renewed.leaseExpiresAt = until;
      this.#write(renewed as WorkItem);
    }
    return Promise.resolve(ids.length);
  }

  setPriority(id: string, priority: number): Promise<void> {
    const item = this.#items.get(id);
    if (item !== undefined) {
      const rescored = copyWorkItem(item);
      rescored.priority = priority;
      this.#write(rescored as WorkItem);
    }
    return Promise.resolve();
  }

  insert(item: WorkItem): Promise<void> {
    if (this.#items.has(item.id)) {
      return Promise.reject(new Error(`work item '${item.id}' already exists`));
    }
    this.#write(item);
    for (const dependsOn of item.dependsOn) this.#addDependent(dependsOn, item.id);
    return Promise.resolve();
  }

  update(item: WorkItem): Promise<boolean> {
    const stored = this.#items.get(item.id);
    if (stored?.version !== item.version - 1) return Promise.resolve(false);
    // Dependencies are not a column of the item: they change only through addDependency.
    if (item.dependsOn === stored.dependsOn) this.#write(item);
    else {
      const kept = copyWorkItem(item);
      kept.dependsOn = stored.dependsOn;
      this.#write(kept as WorkItem);
    }
    return Promise.resolve(true);
  }

  addDependency(id: string, dependsOn: string): Promise<void> {
    const item = this.#items.get(id);
    if (item !== undefined) {
      this.#write({ ...item, dependsOn: [...item.dependsOn, dependsOn].sort() });
    }
    this.#addDependent(dependsOn, id);
    return Promise.resolve();
  }

  #addDependent(dependsOn: string, id: string): void {
    const previous = this.#dependents.get(dependsOn);
    this.#dependents.set(dependsOn, [...(previous ?? []), id].sort());
    this.journal.record(() => {
      if (previous === undefined) this.#dependents.delete(dependsOn);
      else this.#dependents.set(dependsOn, previous);
    });
  }

  /** Stores an item and moves it between the indexes; undone on rollback. */
  #write(next: WorkItem): void {
    const previous = this.#items.get(next.id);
    this.journal.record(() => {
      this.#unindex(next);
      if (previous === undefined) this.#items.delete(next.id);
      else {
        this.#items.set(next.id, previous);
        this.#index(previous);
      }
    });
    if (previous !== undefined) this.#unindex(previous);
    this.#items.set(next.id, next);
    this.#index(next);
  }

  #index(item: WorkItem): void {
    if (item.state === 'queued') {
      let stages = this.#queues.get(item.typeId);
      if (stages === undefined)
        this.#queues.set(item.typeId, (stages = new Map<string | null, QueueIndex<WorkItem>>()));
      let queue = stages.get(item.stageId);
      if (queue === undefined) stages.set(item.stageId, (queue = new QueueIndex()));
      queue.insert(item);
    }
    if (HELD_STATES.has(item.state) && item.ownerId !== null)
      addTo(this.#held, item.ownerId, item.id);
    if (item.state === 'offered') addTo(this.#offered, item.offeredTo, item.id);
    if (LEASED_STATES.has(item.state)) this.#leased.add(item.id);
  }

  #unindex(item: WorkItem): void {
    if (item.state === 'queued') this.#queue(item.typeId, item.stageId)?.remove(item);
    if (item.ownerId !== null) this.#held.get(item.ownerId)?.delete(item.id);
    if (item.offeredTo !== null) this.#offered.get(item.offeredTo)?.delete(item.id);
    this.#leased.delete(item.id);
  }
}
