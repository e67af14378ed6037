import type { WorkItem } from '../core/model.js';
import { matchActors, type ActorLoad, type MatchResult } from './match-actors.js';
import { eligibleQueues } from './eligible-queues.js';
import { stageRequirements } from './stage-requirements.js';
import { offerWork } from './transition-work.js';
import type { WorkContext } from './work-context.js';

/** What an offer records about itself (shown by explain). */
export type PushDecision = {
  mode: 'push';
  candidates: MatchResult['candidates'];
  rejected: MatchResult['rejected'];
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
  const actors = (await ctx.tx.actors.list()).filter((a) => a.mode === 'push');
  if (!actors.some((a) => a.status === 'available')) return [];
  const types = await ctx.tx.workTypes.list();
  const loads: ActorLoad[] = [];
  for (const actor of actors) {
    loads.push({
      actor,
      held: await ctx.tx.work.countHeldBy(actor.id),
      offered: await ctx.tx.work.countOfferedTo(actor.id),
    });
  }
  const offers: WorkItem[] = [];
  const exhausted = new Set<string>();
  while (offers.length < limit) {
    // The best item any seeker could do goes first, so priority holds across work types.
    let item: WorkItem | null = null;
    for (const seeker of loads) {
      if (seeker.actor.status !== 'available' || exhausted.has(seeker.actor.id)) continue;
      if (seeker.held + seeker.offered >= seeker.actor.capacity) continue;
      const head = await ctx.tx.work.nextClaimable(
        eligibleQueues(seeker.actor.skills, types).eligible,
        seeker.actor.id,
      );
      if (head === null) {
        exhausted.add(seeker.actor.id);
        continue;
      }
      if (
        item === null ||
        head.priority > item.priority ||
        (head.priority === item.priority && head.id < item.id)
      )
        item = head;
    }
    if (item === null) break;
    const type = types.find((t) => t.id === item.typeId);
    const match =
      type === undefined
        ? null
        : matchActors(item, stageRequirements(type, item.stageId).requiredSkills, loads);
    const target = match?.chosen?.actorId;
    if (target === undefined) break;
    const decision: PushDecision = {
      mode: 'push',
      candidates: match?.candidates ?? [],
      rejected: match?.rejected ?? [],
    };
    offers.push(await offerWork(ctx, item, target, decision));
    const load = loads.find((l) => l.actor.id === target);
    if (load !== undefined) load.offered += 1;
  }
  return offers;
}
