import { DomainError } from '../core/errors.js';
import type { WorkItem, WorkType } from '../core/model.js';
import { assertAllowed } from './assert-allowed.js';
import type { Estimate } from './estimate-work.js';
import { priorityParts, type PriorityParts } from './prioritize.js';
import { queueRefs } from './queue-refs.js';
import { priorityInputOf } from './rescore-work.js';
import { skillGaps } from './skill-gaps.js';
import { assignWork } from './transition-work.js';
import type { WorkContext } from './work-context.js';

/** Why a pull found nothing: what the actor can do about it differs per reason. */
export type NoWorkReason =
  | 'actor_unavailable' // the actor is away or offline
  | 'at_capacity' // it holds as many items as it may
  | 'no_matching_type' // no work type's required skills are met
  | 'no_queued_work'; // nothing it can take is queued

/** What a pull assignment records about itself (shown by explain). */
// A type alias, not an interface, so it is assignable to the event's open record shape.
export type PullDecision = {
  mode: 'pull';
  /** The work types the actor's skills meet; the item is the highest-priority queued one of these. */
  eligibleTypes: string[];
  /** The other types, with the skills missing for each. */
  ineligibleTypes: { typeId: string; missing: string[] }[];
  priority: PriorityParts;
  /** What is expected of the item's type, learned from completed work: the slack part uses it. */
  estimate: Estimate;
};

export type ClaimOutcome =
  | { claimed: WorkItem; decision: PullDecision }
  | { claimed: null; reason: NoWorkReason; message: string };

/**
 * Pull: an actor asks for work and receives the highest-priority queued item whose work type its
 * skills meet, assigned to it with a lease, in one transaction. Concurrent claimers never receive
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
  if (actor.status !== 'available') {
    return {
      claimed: null,
      reason: 'actor_unavailable',
      message: `actor '${actorId}' is ${actor.status}`,
    };
  }
  const held = await ctx.tx.work.countHeldBy(actorId);
  const offered = await ctx.tx.work.countOfferedTo(actorId);
  if (held + offered >= actor.capacity) {
    return {
      claimed: null,
      reason: 'at_capacity',
      message: `actor '${actorId}' holds ${held} of ${actor.capacity} items`,
    };
  }
  const eligible: WorkType[] = [];
  const ineligibleTypes: PullDecision['ineligibleTypes'] = [];
  const types = await ctx.tx.workTypes.list();
  for (const type of types) {
    const missing = skillGaps(actor.skills, type.requiredSkills);
    if (missing.length === 0) eligible.push(type);
    else ineligibleTypes.push({ typeId: type.id, missing });
  }
  const eligibleTypes = eligible.map((t) => t.id);
  if (eligibleTypes.length === 0) {
    return {
      claimed: null,
      reason: 'no_matching_type',
      message: `actor '${actorId}' has the skills of none of the ${types.length} work types`,
    };
  }
  const { queues, estimates } = await queueRefs(ctx.tx.workStats, eligible);
  const item = await ctx.tx.work.nextClaimable(queues, actorId);
  if (item === null) {
    return {
      claimed: null,
      reason: 'no_queued_work',
      message: `nothing is queued of the ${eligibleTypes.length} work types actor '${actorId}' can take`,
    };
  }
  const estimate = estimates.get(item.typeId) as Estimate;
  const blocks = (await ctx.tx.work.dependentsOf(item.id)).length;
  const decision: PullDecision = {
    mode: 'pull',
    eligibleTypes,
    ineligibleTypes,
    priority: priorityParts(
      priorityInputOf(item, blocks),
      estimate.expectedSeconds,
      ctx.clock.now(),
    ),
    estimate,
  };
  return { claimed: await assignWork(ctx, item, actorId, decision), decision };
}
