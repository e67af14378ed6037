import type { Actor, Skills, WorkItem } from '../core/model.js';
import type { WorkStats } from '../core/ports/work-stats-store.js';
import { estimateActor, type Estimate } from './estimate-work.js';
import { skillGaps } from './skill-gaps.js';

/** An actor as matching sees it: its configuration and what it holds and is offered now. */
export interface ActorLoad {
  actor: Actor;
  held: number;
  offered: number;
}

/** What was learned about the item's type and about each actor on it. */
export interface MatchLearning {
  type: Estimate;
  /** Each actor's figures on the type, by actor id; an actor without any is taken as typical. */
  actors: ReadonlyMap<string, WorkStats>;
}

/** One candidate's score, part by part (each 0–1), with the learned figures behind them. */
export interface CandidateScore {
  actorId: string;
  /** 1 when the actor has exactly the levels needed, lower the more expertise sits idle. */
  fit: number;
  /** 0.5 when the actor is expected to take as long as is usual for the type; faster is higher. */
  speed: number;
  /** The actor's learned chance of completing an attempt of this type. */
  success: number;
  /** The share of the actor's capacity still free. */
  free: number;
  /** 1 for the lowest expected cost of the item among the candidates, less for dearer ones. */
  cost: number;
  score: number;
  /** What speed, success and cost were computed from. */
  learned: {
    /** Expected seconds from start to completion for this actor on this type. */
    expectedSeconds: number;
    /** The actor's attempts on this type so far. */
    completions: number;
    failures: number;
    /** costPerHour × expected hours. */
    expectedCost: number;
  };
}

export interface MatchResult {
  chosen: CandidateScore | null;
  /** Every eligible actor, best first. */
  candidates: CandidateScore[];
  /** Every other push actor, with why it cannot take the item. */
  rejected: { actorId: string; reasons: string[] }[];
}

/**
 * How much each part weighs; they sum to 1, so a score is 0–1.
 * - success 0.3: a failed attempt costs the whole attempt and the delay of a retry elsewhere,
 *   the dearest mistake matching can make;
 * - speed 0.2: a faster actor frees its capacity sooner and eats less of the item's slack;
 * - fit 0.2: experts stay free for the work that needs them;
 * - free 0.2: load spreads instead of piling up on whoever scores best otherwise;
 * - cost 0.1: money counts, but after the work being done well and on time; it decides between
 *   otherwise close candidates. When every candidate costs the same it adds the same to all.
 * With nothing learned yet every actor is typical (same speed and success), so fit and free
 * decide, half and half, as before anything was learned.
 */
export const MATCH_WEIGHTS = { fit: 0.2, speed: 0.2, success: 0.3, free: 0.2, cost: 0.1 } as const;

/** Expected speed relative to the type's: r / (1 + r) of the ratio r = type's time / actor's. */
export function speedScore(typeSeconds: number, actorSeconds: number): number {
  if (actorSeconds <= 0) return 1;
  const ratio = typeSeconds / actorSeconds;
  return ratio / (1 + ratio);
}

/** Cheapest expected cost scores 1, the others cheapest / theirs; free work scores 1. */
export function costScore(expectedCost: number, cheapest: number): number {
  return expectedCost <= 0 ? 1 : cheapest / expectedCost;
}

/** 1 − the mean idle expertise over the required skills, each level above the need a quarter. */
export function skillFit(actor: Actor, requiredSkills: Skills): number {
  const required = Object.entries(requiredSkills);
  if (required.length === 0) return 1;
  const surplus =
    required.reduce((sum, [skill, level]) => sum + ((actor.skills[skill] ?? 0) - level) / 4, 0) /
    required.length;
  return 1 - surplus;
}

/**
 * Chooses whom to offer an item to among actors in push mode: filters (skills, availability,
 * free capacity counting open offers, not having failed or declined the item), then scores the
 * rest on skill fit, learned speed and success rate on the item's type, free capacity and
 * expected cost (see MATCH_WEIGHTS). Every candidate with its parts and every rejection is
 * returned, for the record.
 */
export function matchActors(
  item: WorkItem,
  /** What taking the item needs now: its type's skills, or its current stage's. */
  requiredSkills: Skills,
  loads: readonly ActorLoad[],
  learning: MatchLearning,
): MatchResult {
  const eligible: { load: ActorLoad; estimate: Estimate; expectedCost: number }[] = [];
  const rejected: MatchResult['rejected'] = [];
  for (const load of loads) {
    const { actor, held, offered } = load;
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
    const estimate = estimateActor(learning.type, learning.actors.get(actor.id) ?? null);
    const expectedCost = (actor.costPerHour * estimate.expectedSeconds) / 3600;
    eligible.push({ load, estimate, expectedCost });
  }
  const cheapest = Math.min(...eligible.map((e) => e.expectedCost));
  const candidates = eligible.map(({ load, estimate, expectedCost }): CandidateScore => {
    const parts = {
      fit: skillFit(load.actor, requiredSkills),
      speed: speedScore(learning.type.expectedSeconds, estimate.expectedSeconds),
      success: estimate.successRate,
      free: 1 - (load.held + load.offered) / load.actor.capacity,
      cost: costScore(expectedCost, cheapest),
    };
    const score =
      MATCH_WEIGHTS.fit * parts.fit +
      MATCH_WEIGHTS.speed * parts.speed +
      MATCH_WEIGHTS.success * parts.success +
      MATCH_WEIGHTS.free * parts.free +
      MATCH_WEIGHTS.cost * parts.cost;
    return {
      actorId: load.actor.id,
      ...parts,
      score,
      learned: {
        expectedSeconds: estimate.expectedSeconds,
        completions: estimate.completions,
        failures: estimate.failures,
        expectedCost,
      },
    };
  });
  candidates.sort((a, b) => b.score - a.score || a.actorId.localeCompare(b.actorId));
  return { chosen: candidates[0] ?? null, candidates, rejected };
}
