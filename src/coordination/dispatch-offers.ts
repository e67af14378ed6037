import type { Actor, WorkItem } from '../core/model.js';
import { queueKey, type QueueRef } from '../core/ports/work-store.js';
import type { Estimate } from './estimate-work.js';
import { queuesOf, rememberedEligibility } from './eligible-queues.js';
import {
  matchActors,
  type ActorLoad,
  type MatchLearning,
  type MatchResult,
} from './match-actors.js';
import { queueRefs } from './queue-refs.js';
import { stageRequirements } from './stage-requirements.js';
import { offerWork } from './transition-work.js';
import type { WorkContext } from './work-context.js';

/** What an offer records about itself (shown by explain). */
export type PushDecision = {
  mode: 'push';
  /** Every eligible push actor, best first, with its score part by part. */
  candidates: MatchResult['candidates'];
  rejected: MatchResult['rejected'];
  /** What is expected of the item's type, learned from completed work. */
  estimate: Estimate;
};

/**
 * Push: offers queued work to actors in push mode, at most `limit` offers per call. Each
 * available push actor with free capacity brings up the best queued item it could do (judged by
 * the skills of the item's current stage, for a type with stages); the best
 * of those goes first (so priority holds across work types), offered to the best-scoring
 * eligible push actor (which may be another). An offer holds until its actor
 * accepts (assign), rejects (release) or lets it time out; then the item goes to the next
 * candidate. Returns the items offered.
 */
export async function dispatchOffers(ctx: WorkContext, limit: number): Promise<WorkItem[]> {
  // Every push actor is matched (an away or offline one is rejected with its status); only
  // available ones with room bring work up.
  // A halted agent is not matched at all: it takes nothing until its halt is lifted.
  const actors = (await ctx.tx.actors.list()).filter(
    (a) => a.mode === 'push' && ctx.guard.mayTake(a).allowed,
  );
  if (!actors.some((a) => a.status === 'available')) return [];
  const types = await ctx.tx.workTypes.list();
  // Every queue there is (one per type, or per stage of a type with stages), with its offset.
  const { queues, estimates } = await queueRefs(
    ctx.tx.workStats,
    types,
    types.flatMap((t) => queuesOf(t).map(({ typeId, stageId }) => ({ typeId, stageId }))),
  );
  const refOf = new Map(queues.map((q) => [queueKey(q.typeId, q.stageId), q]));
  const offsetOf = (w: WorkItem) => refOf.get(queueKey(w.typeId, w.stageId))?.offset ?? 0;
  const learned = new Map<string, MatchLearning>();
  const learningOf = async (typeId: string, estimate: Estimate): Promise<MatchLearning> => {
    let learning = learned.get(typeId);
    if (learning === undefined) {
      const stats = await ctx.tx.workStats.listActors(typeId);
      learning = { type: estimate, actors: new Map(stats.map((s) => [s.actorId ?? '', s])) };
      learned.set(typeId, learning);
    }
    return learning;
  };
  const loads: ActorLoad[] = [];
  for (const actor of actors) loads.push({ actor, ...(await ctx.tx.work.countLoad(actor.id)) });
  // The queues each seeker may take from, worked out when it first seeks (most dispatches find
  // one or two actors with room): its skills do not change in between.
  const eligibleOf = new Map<string, QueueRef[]>();
  const eligibleFor = (actor: Actor): QueueRef[] => {
    let refs = eligibleOf.get(actor.id);
    if (refs === undefined) {
      refs = [];
      for (const key of rememberedEligibility(actor.skills, types).keys) {
        const ref = refOf.get(key);
        if (ref !== undefined) refs.push(ref);
      }
      eligibleOf.set(actor.id, refs);
    }
    return refs;
  };
  const offers: WorkItem[] = [];
  const exhausted = new Set<string>();
  while (offers.length < limit) {
    // The best item any seeker could do goes first, so priority holds across work types.
    let item: WorkItem | null = null;
    let itemRank = 0;
    for (const seeker of loads) {
      if (seeker.actor.status !== 'available' || exhausted.has(seeker.actor.id)) continue;
      if (seeker.held + seeker.offered >= seeker.actor.capacity) continue;
      const head = await ctx.tx.work.nextClaimable(eligibleFor(seeker.actor), seeker.actor.id);
      if (head === null) {
        exhausted.add(seeker.actor.id);
        continue;
      }
      // Compared as claims compare queue heads: stored key plus the type's learned offset.
      const rank = head.priority + offsetOf(head);
      if (item === null || rank > itemRank || (rank === itemRank && head.id < item.id)) {
        item = head;
        itemRank = rank;
      }
    }
    if (item === null) break;
    const type = types.find((t) => t.id === item.typeId);
    const estimate = estimates.get(item.typeId);
    if (type === undefined || estimate === undefined) break;
    const match = matchActors(
      item,
      stageRequirements(type, item.stageId).requiredSkills,
      loads,
      await learningOf(type.id, estimate),
    );
    const target = match.chosen?.actorId;
    if (target === undefined) break;
    const decision: PushDecision = {
      mode: 'push',
      candidates: match.candidates,
      rejected: match.rejected,
      estimate,
    };
    offers.push(await offerWork(ctx, item, target, decision));
    const load = loads.find((l) => l.actor.id === target);
    if (load !== undefined) load.offered += 1;
  }
  return offers;
}
