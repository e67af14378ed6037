import { DomainError } from '../core/errors.js';
import type { WorkItem } from '../core/model.js';
import { assertAllowed } from './assert-allowed.js';
import type { Estimate } from './estimate-work.js';
import { priorityParts, type PriorityParts } from './prioritize.js';
import { expectedRemainingSeconds, queueRefs } from './queue-refs.js';
import { priorityInputOf } from './rescore-work.js';
import { eligibleQueues, type QueueEligibility } from './eligible-queues.js';
import { assignWork } from './transition-work.js';
import { assertMayTake } from './assert-may-take.js';
import type { WorkContext } from './work-context.js';

/** Why a pull found nothing: what the actor can do about it differs per reason. */
export type NoWorkReason =
  | 'actor_unavailable' // the actor is away or offline
  | 'at_capacity' // it holds as many items as it may
  | 'no_matching_type' // no work type's (or stage's) required skills are met
  | 'no_queued_work'; // nothing it can take is queued

/** What a pull assignment records about itself (shown by explain). */
// A type alias, not an interface, so it is assignable to the event's open record shape.
export type PullDecision = {
  mode: 'pull';
  /**
   * The work types the actor's skills meet (for a type with stages: at least one stage); the
   * item is the highest-priority queued one of these.
   */
  eligibleTypes: string[];
  /** Of types with stages, the stages whose skills the actor meets. */
  eligibleStages: { typeId: string; stageId: string }[];
  /** The other types (or stages), with the skills missing for each. */
  ineligibleTypes: QueueEligibility['ineligible'];
  /** The stage the item was at when claimed; absent for a type without stages. */
  stageId?: string;
  priority: PriorityParts;
  /** What is expected of the item's type, learned from completed work: the slack part uses it. */
  estimate: Estimate;
};

export type ClaimOutcome =
  | { claimed: WorkItem; decision: PullDecision }
  | { claimed: null; reason: NoWorkReason; message: string };

/**
 * Pull: an actor asks for work and receives the highest-priority queued item whose work type (or,
 * for a type with stages, whose current stage) its skills meet, assigned to it with a lease, in one transaction. Concurrent claimers never receive
 * the same item. Finding nothing is an answer with its reason, not an error.
 */
export async function claimWork(ctx: WorkContext, actorId: string): Promise<ClaimOutcome> {
  assertAllowed(ctx, { operation: 'assign', item: null, targetActorId: actorId });
  const actor = await ctx.tx.actors.getForUpdate(actorId);
  if (actor === null) {
    throw new DomainError('unknown_reference', `actor '${actorId}' does not exist`, {
      issues: [{ path: 'actorId', message: 'unknown actor' }],
    });
  }
  assertMayTake(ctx, actor);
  if (actor.status !== 'available') {
    return {
      claimed: null,
      reason: 'actor_unavailable',
      message: `actor '${actorId}' is ${actor.status}`,
    };
  }
  const { held, offered } = await ctx.tx.work.countLoad(actorId);
  if (held + offered >= actor.capacity) {
    return {
      claimed: null,
      reason: 'at_capacity',
      message: `actor '${actorId}' holds ${held} of ${actor.capacity} items`,
    };
  }
  const types = await ctx.tx.workTypes.list();
  const queues = eligibleQueues(actor.skills, types);
  if (queues.eligible.length === 0) {
    return {
      claimed: null,
      reason: 'no_matching_type',
      message: `actor '${actorId}' has the skills of none of the ${types.length} work types or their stages`,
    };
  }
  const { queues: refs, estimates } = await queueRefs(ctx.tx.workStats, types, queues.eligible);
  // Authority policies may refuse this actor a particular item: it is passed over (left for
  // others) rather than blocking the actor's claims while it heads the queue.
  const refused: WorkItem[] = [];
  const item = await ctx.tx.work.nextClaimable(refs, actorId, (candidate) => {
    const request = { operation: 'claim' as const, item: candidate, targetActorId: actorId };
    if (ctx.guard.check(ctx.principal, request).allowed) return false;
    refused.push(candidate);
    return true;
  });
  const eligibleTypes = [...new Set(queues.eligible.map((q) => q.typeId))];
  // Everything queued for it was refused: say why, for the first of them.
  const [firstRefused] = refused;
  if (item === null && firstRefused !== undefined)
    assertAllowed(ctx, { operation: 'claim', item: firstRefused, targetActorId: actorId });
  if (item === null) {
    return {
      claimed: null,
      reason: 'no_queued_work',
      message: `nothing is queued of the ${eligibleTypes.length} work types actor '${actorId}' can take`,
    };
  }
  const estimate = estimates.get(item.typeId) as Estimate;
  const type = types.find((t) => t.id === item.typeId);
  const blocks = (await ctx.tx.work.dependentsOf(item.id)).length;
  const decision: PullDecision = {
    mode: 'pull',
    eligibleTypes,
    eligibleStages: queues.eligible.flatMap(({ typeId, stageId }) =>
      stageId === null ? [] : [{ typeId, stageId }],
    ),
    ineligibleTypes: queues.ineligible,
    ...(item.stageId === null ? {} : { stageId: item.stageId }),
    priority: priorityParts(
      priorityInputOf(item, blocks),
      type === undefined ? 0 : expectedRemainingSeconds(type, item.stageId, estimate),
      ctx.clock.now(),
    ),
    estimate,
  };
  return { claimed: await assignWork(ctx, item, actorId, decision), decision };
}
