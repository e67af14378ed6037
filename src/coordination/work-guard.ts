import type { WorkItem } from '../core/model.js';
import type { Principal } from '../core/principal.js';
import type { WorkAction } from '../core/work-transitions.js';

export type WorkOperation = WorkAction | 'create' | 'add_dependency';

export interface WorkRequest {
  operation: WorkOperation;
  /** The item acted on; null when creating. */
  item: WorkItem | null;
  /** The actor the work would go to (offer, assign). */
  targetActorId: string | null;
}

export type GuardDecision = { allowed: true } | { allowed: false; reason: string };

/**
 * The port through which supervision decides who may do what to work. Coordination asks; it
 * never decides authority itself.
 */
export interface WorkGuard {
  check(principal: Principal, request: WorkRequest): GuardDecision;
}

/** Allows everything: the engine's own decisions and tests of coordination alone. */
export const allowAllWorkGuard: WorkGuard = { check: () => ({ allowed: true }) };
