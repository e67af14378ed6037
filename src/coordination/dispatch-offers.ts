import type { WorkItem } from '../core/model.js';
import { matchActors, type ActorLoad, type MatchResult } from './match-actors.js';
import { skillGaps } from './skill-gaps.js';
import { offerWork } from './transition-work.js';
import type { WorkContext } from './work-context.js';

/** What an offer records about itself (shown by explain). */
export type PushDecision = {
  mode: 'push';
  candidates: MatchResult['candidates'];
  rejected: MatchResult['rejected'];
};

/**
 * Push: offers queued work to actors in push mode, at most `limit` offers per call. Each push
 * actor with free capacity brings up the best queued item it could do; the item is then offered
 * to the best-scoring eligible push actor (which may be another). An offer holds until its actor
 * accepts (assign), rejects (release) or lets it time out; then the item goes to the next
 * candidate. Returns the items offered.
 */
export async function dispatchOffers(ctx: WorkContext, limit: number): Promise<WorkItem[]> {
  const actors = (await ctx.tx.actors.list()).filter(
    (a) => a.mode === 'push' && a.status === 'available',
  );
  if (actors.length === 0) return [];
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
    const seeker = loads.find(
      (l) => !exhausted.has(l.actor.id) && l.held + l.offered < l.actor.capacity,
    );
    if (seeker === undefined) break;
    const eligibleTypes = types.filter(
      (t) => skillGaps(seeker.actor.skills, t.requiredSkills).length === 0,
    );
    const item = await ctx.tx.work.nextClaimable(
      eligibleTypes.map((t) => t.id),
      seeker.actor.id,
    );
    if (item === null) {
      exhausted.add(seeker.actor.id);
      continue;
    }
    const type = types.find((t) => t.id === item.typeId);
    const match = type === undefined ? null : matchActors(item, type, loads);
    const target = match?.chosen?.actorId ?? seeker.actor.id;
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
