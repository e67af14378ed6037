import { WORK_STATES, type PriorityClass, type WorkItem, type WorkState } from '../model.js';

export interface WorkFilter {
  state?: WorkState | undefined;
  typeId?: string | undefined;
  ownerId?: string | undefined;
  offeredTo?: string | undefined;
  priorityClass?: PriorityClass | undefined;
  /**
   * Return items whose id comes after this one in the listing's order (ids are time-ordered):
   * greater ids oldest first, smaller ids newest first.
   */
  after?: string | undefined;
  /** `asc` (default): oldest first; `desc`: newest first. */
  order?: 'asc' | 'desc' | undefined;
  limit: number;
}

/** Which items a count by state covers. */
export type WorkCountFilter = Pick<WorkFilter, 'typeId' | 'ownerId'>;

/** Number of items per state; every state is present, 0 when none is in it. */
export type WorkStateCounts = Record<WorkState, number>;

/** Counts with every state at 0, to add to. */
export const emptyStateCounts = (): WorkStateCounts =>
  Object.fromEntries(WORK_STATES.map((state) => [state, 0])) as WorkStateCounts;

/**
 * One queue of claimable work: the queued items of a type at one of its stages (null for a type
 * without stages). Who may take from it depends on that stage's skills.
 */
export interface WorkQueue {
  typeId: string;
  stageId: string | null;
}

/** A queue's identity as one string, for maps and sets keyed by queue. */
export const queueKey = (typeId: string, stageId: string | null): string =>
  `${typeId}\u0000${stageId ?? ''}`;

/**
 * A queue as a claim compares it with the others: the points its items' stored keys are raised
 * by (the part of priority that is the same for every item of the queue and may change while
 * they wait: the slack their expected remaining duration takes up, see coordination/prioritize).
 */
export interface QueueRef extends WorkQueue {
  offset: number;
}

/** How many items an actor holds and how many are offered to it. */
export interface ActorLoadCount {
  held: number;
  offered: number;
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
  /**
   * What an actor holds (assigned or in progress) and is offered, in one read: its load, as
   * claims and offers weigh it against its capacity.
   */
  countLoad(actorId: string): Promise<ActorLoadCount>;
  /** Number of items in each state, over the items the filter covers. */
  countByState(filter: WorkCountFilter): Promise<WorkStateCounts>;
  /** Number of items of a type that are not yet done, failed or cancelled. */
  countOpenOfType(typeId: string): Promise<number>;
  /** 1 + the number of queued items of the same type and stage ahead of this one. */
  rankInQueue(item: WorkItem): Promise<number>;
  /** Items not yet done, failed or cancelled that are due before `until`, earliest first. */
  listOpenDueBefore(until: string, limit: number): Promise<WorkItem[]>;
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
  /**
   * The highest-priority queued item of one of these queues (type and stage; its stored key plus
   * its queue's offset), locked for this transaction. On PostgreSQL rows other transactions hold are skipped, so concurrent claimers
   * never wait for or receive the same item. Items `actorId` failed or declined before are passed
   * over: they go to others; so are items `passOver` says it may not take (its authority).
   */
  nextClaimable(
    queues: readonly QueueRef[],
    actorId: string,
    passOver?: (item: WorkItem) => boolean,
  ): Promise<WorkItem | null>;
  /** Offered or held items whose lease ran out before `now`, oldest deadline first. */
  listLeaseExpired(now: string, limit: number): Promise<WorkItem[]>;
  /**
   * Extends the leases of everything an actor holds. A liveness signal, not a decision: no
   * version bump, no event.
   */
  renewLeases(actorId: string, until: string): Promise<number>;
  /** Rewrites the derived priority key; not a state change (no version bump, no event). */
  setPriority(id: string, priority: number): Promise<void>;
}
