import type { Actor, WorkItem } from '../core/model.js';
import type { Principal } from '../core/principal.js';
import type { WorkAction } from '../core/work-transitions.js';

/** `claim`: a pull, asked about the item the claim would give. */
export type WorkOperation = WorkAction | 'create' | 'claim' | 'add_dependency';

export interface WorkRequest {
  operation: WorkOperation;
  /**
   * The item acted on. Null when the item is not known yet: before a claim picks one, before a
   * new item is made (each is asked again with the item).
   */
  item: WorkItem | null;
  /** The actor the work would go to (offer, assign). */
  targetActorId: string | null;
}

export type GuardDecision =
  | { allowed: true }
  | {
      allowed: false;
      reason: string;
      /** Why, as an error code: refused outright (the default), or allowed only with approval. */
      code?: 'forbidden' | 'approval_required';
      /** Facts for the caller, such as the policies that decided. */
      details?: Record<string, unknown>;
    };

/**
 * The port through which supervision decides who may do what to work. Coordination asks; it
 * never decides authority itself.
 */
export interface WorkGuard {
  /** May this principal make this request? */
  check(principal: Principal, request: WorkRequest): GuardDecision;
  /**
   * May this actor take work now (claim it, be offered or assigned it, receive it in place of
   * preempted work)? Whoever asks: a halted agent takes nothing, even from an operator.
   */
  mayTake(actor: Actor): GuardDecision;
}

const ALLOWED: GuardDecision = { allowed: true };

/** Allows everything: the engine's own decisions and tests of coordination alone. */
export const allowAllWorkGuard: WorkGuard = { check: () => ALLOWED, mayTake: () => ALLOWED };
