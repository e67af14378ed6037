import type { Actor, Domain, WorkItem, WorkType } from '../core/model.js';
import type { WorkStats } from '../core/ports/work-stats-store.js';

/** One ended attempt in the failure window, from its completion or failure event. */
export interface RecentAttempt {
  typeId: string;
  actorId: string;
  failed: boolean;
}

/** The open backlog of each work type at one moment, for growth over a window. */
export interface BacklogSample {
  at: number;
  open: ReadonlyMap<string, number>;
}

/**
 * What the detectors look at, read in one go so that every detector judges the same moment and
 * none reads the store itself: detectors are pure functions of a snapshot and settings.
 */
export interface MonitoringSnapshot {
  now: Date;
  actors: ReadonlyMap<string, Actor>;
  domains: ReadonlyMap<string, Domain>;
  types: ReadonlyMap<string, WorkType>;
  /** Learned figures per type (key typeId) and per actor on a type (key `typeId actorId`). */
  stats: ReadonlyMap<string, WorkStats>;
  /** Assigned and in-progress items. */
  held: readonly WorkItem[];
  blocked: readonly WorkItem[];
  /** Failed items whose attempts are used up. */
  exhausted: readonly WorkItem[];
  /** Open items due within the SLA horizon, earliest first. */
  dueSoon: readonly WorkItem[];
  /** The oldest queued item of each work type, and how many of the type are queued (up to a cap). */
  queueHeads: readonly { item: WorkItem; queued: number }[];
  /** How many items each actor holds. */
  heldBy: ReadonlyMap<string, number>;
  /** State of every item a blocked item waits on (by id). */
  prerequisites: ReadonlyMap<string, WorkItem>;
  recentAttempts: readonly RecentAttempt[];
  /** Backlog per type over the growth window, oldest first, the current one last. */
  backlog: readonly BacklogSample[];
}

export const statsKey = (typeId: string, actorId: string | null): string =>
  actorId === null ? typeId : `${typeId} ${actorId}`;
