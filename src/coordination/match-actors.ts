import type { Actor, Skills, WorkItem } from '../core/model.js';
import { skillGaps } from './skill-gaps.js';

/** An actor as matching sees it: its configuration and what it holds and is offered now. */
export interface ActorLoad {
  actor: Actor;
  held: number;
  offered: number;
}

export interface CandidateScore {
  actorId: string;
  /** 0–1: 1 when the actor has exactly the levels needed, lower the more expertise sits idle. */
  fit: number;
  /** 0–1: the share of the actor's capacity still free. */
  free: number;
  score: number;
}

export interface MatchResult {
  chosen: CandidateScore | null;
  /** Every eligible actor, best first. */
  candidates: CandidateScore[];
  /** Every other push actor, with why it cannot take the item. */
  rejected: { actorId: string; reasons: string[] }[];
}

/** Half fit, half free capacity: experts are kept for work that needs them, and load spreads. */
const WEIGHTS = { fit: 0.5, free: 0.5 } as const;

/**
 * Chooses whom to offer an item to among actors in push mode: filters (skills, availability,
 * free capacity counting open offers, not having failed or declined the item), then scores the
 * rest on skill fit and free capacity. Every candidate and rejection is returned, for the record.
 */
export function matchActors(
  item: WorkItem,
  /** What taking the item needs now: its type's skills, or its current stage's. */
  requiredSkills: Skills,
  loads: readonly ActorLoad[],
): MatchResult {
  const candidates: CandidateScore[] = [];
  const rejected: MatchResult['rejected'] = [];
  for (const { actor, held, offered } of loads) {
    if (actor.mode !== 'push') continue;
    const reasons = skillGaps(actor.skills, requiredSkills).map((gap) => `lacks ${gap}`);
    if (actor.status !== 'available') reasons.push(`is ${actor.status}`);
    if (held + offered >= actor.capacity)
      reasons.push(`no free capacity (${held} held, ${offered} offered of ${actor.capacity})`);
    if (item.failedBy.includes(actor.id)) reasons.push('failed this item before');
    if (item.declinedBy.includes(actor.id)) reasons.push('declined this item before');
    if (reasons.length > 0) {
      rejected.push({ actorId: actor.id, reasons });
      continue;
    }
    const required = Object.entries(requiredSkills);
    const surplus =
      required.length === 0
        ? 0
        : required.reduce(
            (sum, [skill, level]) => sum + ((actor.skills[skill] ?? 0) - level) / 4,
            0,
          ) / required.length;
    const fit = 1 - surplus;
    const free = 1 - (held + offered) / actor.capacity;
    candidates.push({
      actorId: actor.id,
      fit,
      free,
      score: WEIGHTS.fit * fit + WEIGHTS.free * free,
    });
  }
  candidates.sort((a, b) => b.score - a.score || a.actorId.localeCompare(b.actorId));
  return { chosen: candidates[0] ?? null, candidates, rejected };
}
