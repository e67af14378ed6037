import type { Actor, WorkItem, WorkType } from '../core/model.js';
import { priorityParts, type PriorityParts } from './prioritize.js';
import { estimateType } from './estimate-work.js';
import { expectedRemainingSeconds } from './queue-refs.js';
import { priorityInputOf } from './rescore-work.js';
import { skillGaps } from './skill-gaps.js';
import { stageRequirements } from './stage-requirements.js';
import { assignWork, offerWork, preemptWork } from './transition-work.js';
import type { WorkContext } from './work-context.js';

/** What a preemption records on the critical item's assignment or offer (shown by explain). */
export type PreemptionDecision = {
  mode: 'preemption';
  /** The item taken back to make room, and the actor it was taken from. */
  preempted: string;
  from: string;
  /** The priority of the item taken back: the lowest non-critical one its domain's actors held. */
  preemptedPriority: PriorityParts;
  /** Every actor that could take the critical item, none of them with free capacity. */
  eligible: string[];
};

/** Why no preemption happened, for the caller's record; not an error. */
export type PreemptionOutcome =
  | { preempted: WorkItem; item: WorkItem; decision: PreemptionDecision }
  | { preempted: null; reason: string };

/**
 * Makes room for a queued critical item when nobody who could take it has any: in a domain that
 * allows preemption, the lowest-priority non-critical item of that domain held (assigned, not yet
 * started) by an actor of the domain with the critical item's skills goes back to the queue, and
 * the critical item goes to that actor (assigned to an actor in pull mode, offered to one in push
 * mode), in the caller's transaction. Work in progress is never taken back: what was done on it
 * would be lost, and the actor would have to stop mid-step. The item taken back keeps its
 * priority key and its record (no failure, no decline), so it takes its place in the queue by
 * priority again.
 */
export async function preemptForCritical(
  ctx: WorkContext,
  itemId: string,
): Promise<PreemptionOutcome> {
  const item = await ctx.tx.work.getForUpdate(itemId);
  if (item === null || item.state !== 'queued' || item.priorityClass !== 'critical')
    return { preempted: null, reason: 'not a queued critical item' };
  const type = await ctx.tx.workTypes.get(item.typeId);
  if (type === null) return { preempted: null, reason: 'unknown work type' };
  const domain = await ctx.tx.domains.get(type.domainId);
  if (domain?.preemption !== true)
    return { preempted: null, reason: `domain '${type.domainId}' does not allow preemption` };
  const requiredSkills = stageRequirements(type, item.stageId).requiredSkills;
  const eligible: Actor[] = [];
  for (const actor of await ctx.tx.actors.list({ status: 'available' })) {
    if (skillGaps(actor.skills, requiredSkills).length > 0) continue;
    if (!ctx.guard.mayTake(actor).allowed) continue;
    if (item.failedBy.includes(actor.id) || item.declinedBy.includes(actor.id)) continue;
    const { held, offered } = await ctx.tx.work.countLoad(actor.id);
    // Someone can take it without taking anything back: claims and offers will.
    if (held + offered < actor.capacity)
      return { preempted: null, reason: `'${actor.id}' has free capacity` };
    eligible.push(actor);
  }
  const owners = eligible.filter((a) => a.domains.includes(type.domainId));
  const victim = await lowestHeld(ctx, owners, type.domainId);
  if (victim === null)
    return { preempted: null, reason: 'no non-critical work of the domain is held unstarted' };
  const locked = await ctx.tx.work.getForUpdate(victim.id);
  if (locked?.state !== 'assigned') return { preempted: null, reason: 'moved concurrently' };
  const actor = owners.find((a) => a.id === locked.ownerId) as Actor;
  // Serializes with the actor's own claims, as every assignment to it does.
  await ctx.tx.actors.getForUpdate(actor.id);
  const victimType = await ctx.tx.workTypes.get(locked.typeId);
  const blocks = (await ctx.tx.work.dependentsOf(locked.id)).length;
  const decision: PreemptionDecision = {
    mode: 'preemption',
    preempted: locked.id,
    from: actor.id,
    preemptedPriority: priorityParts(
      priorityInputOf(locked, blocks),
      victimType === null
        ? 0
        : expectedRemainingSeconds(
            victimType,
            locked.stageId,
            estimateType(victimType, await ctx.tx.workStats.get(victimType.id, null)),
          ),
      ctx.clock.now(),
    ),
    eligible: eligible.map((a) => a.id),
  };
  const preempted = await preemptWork(
    ctx,
    locked,
    item.id,
    `preempted from '${actor.id}' to make room for critical item '${item.id}'`,
  );
  const given =
    actor.mode === 'push'
      ? await offerWork(ctx, item, actor.id, decision)
      : await assignWork(ctx, item, actor.id, decision);
  return { preempted, item: given, decision };
}

/** The lowest-priority non-critical assigned item of the domain that one of `owners` holds. */
async function lowestHeld(
  ctx: WorkContext,
  owners: readonly Actor[],
  domainId: string,
): Promise<WorkItem | null> {
  const types = new Map<string, WorkType>(
    (await ctx.tx.workTypes.list()).map((t) => [t.id, t] as const),
  );
  let lowest: WorkItem | null = null;
  for (const owner of owners) {
    for (const held of await ctx.tx.work.list({
      ownerId: owner.id,
      state: 'assigned',
      limit: owner.capacity,
    })) {
      if (held.priorityClass === 'critical') continue;
      if (types.get(held.typeId)?.domainId !== domainId) continue;
      // Lowest key first; of equals, the newest (it has waited least since it was assigned).
      if (
        lowest === null ||
        held.priority < lowest.priority ||
        (held.priority === lowest.priority && held.id > lowest.id)
      )
        lowest = held;
    }
  }
  return lowest;
}

/**
 * The coordination timer's pass: tries to make room for queued critical items of domains that
 * allow preemption, highest priority first, at most `limit`. Critical items come back to the
 * queue in many ways (a lease runs out, a stage is finished, a prerequisite is done), so creating
 * one is not the only moment room may be needed. Returns the ids of the items that got an actor.
 */
export async function preemptQueuedCritical(ctx: WorkContext, limit: number): Promise<string[]> {
  const domains = new Set(
    (await ctx.tx.domains.list()).filter((d) => d.preemption).map((d) => d.id),
  );
  if (domains.size === 0) return [];
  const waiting: WorkItem[] = [];
  for (const type of await ctx.tx.workTypes.list()) {
    if (!domains.has(type.domainId)) continue;
    waiting.push(
      ...(await ctx.tx.work.list({
        state: 'queued',
        priorityClass: 'critical',
        typeId: type.id,
        limit,
      })),
    );
  }
  waiting.sort((a, b) => b.priority - a.priority || a.id.localeCompare(b.id));
  const placed: string[] = [];
  for (const item of waiting.slice(0, limit)) {
    const outcome = await preemptForCritical(ctx, item.id);
    if (outcome.preempted !== null) placed.push(item.id);
  }
  return placed;
}
