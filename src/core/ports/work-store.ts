import type { WorkItem, WorkState } from '../model.js';

export interface WorkFilter {
  state?: WorkState | undefined;
  typeId?: string | undefined;
  ownerId?: string | undefined;
  /** Return items whose id sorts after this one (ids are time-ordered). */
  after?: string | undefined;
  limit: number;
}

/** Reads of work items, outside or inside a transaction. */
export interface WorkReader {
  /** The item with its dependencies, or null. */
  get(id: string): Promise<WorkItem | null>;
  /** Items in id (creation) order, with their dependencies. */
  list(filter: WorkFilter): Promise<WorkItem[]>;
  /** Ids of the items that depend on this one. */
  dependentsOf(id: string): Promise<string[]>;
  /** Number of items an actor holds (assigned or in progress). */
  countHeldBy(actorId: string): Promise<number>;
  /** Number of items currently offered to an actor. */
  countOfferedTo(actorId: string): Promise<number>;
  /** Number of items of a type that are not yet done, failed or cancelled. */
  countOpenOfType(typeId: string): Promise<number>;
}

/** Writes of work items; only inside a transaction, beside the events that record them. */
export interface WorkStore extends WorkReader {
  /** Reads an item and, on PostgreSQL, locks its row until the transaction ends. */
  getForUpdate(id: string): Promise<WorkItem | null>;
  insert(item: WorkItem): Promise<void>;
  /**
   * Writes the item's new state if its stored version is still `item.version - 1`.
   * @returns false when another writer changed it first.
   */
  update(item: WorkItem): Promise<boolean>;
  addDependency(id: string, dependsOn: string): Promise<void>;
}
