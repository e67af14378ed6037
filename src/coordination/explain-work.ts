import type { AssignmentDecision, OfferDecision } from '../core/events.js';
import type { Skills, WorkItem, WorkState } from '../core/model.js';
import type { ReadStores } from '../core/ports/store.js';
import { estimateType, type Estimate } from './estimate-work.js';
import { matchActors, type ActorLoad, type MatchResult } from './match-actors.js';
import { priorityParts, type PriorityParts } from './prioritize.js';
import { expectedRemainingSeconds } from './queue-refs.js';
import { priorityInputOf } from './rescore-work.js';
import { skillGaps } from './skill-gaps.js';
import { stageRequirements } from './stage-requirements.js';

export interface CandidateView {
  actorId: string;
  /** Whether the actor could take the item now. */
  eligible: boolean;
  /** Why not, when it cannot: missing skills, status, capacity. */
  reasons: string[];
}

export interface WorkExplanation {
  itemId: string;
  state: WorkState;
  /** One sentence: why the item is where it is. */
  summary: string;
  priority: PriorityParts;
  /**
   * What is expected of the item's type, learned from its completed and failed attempts and
   * shrunk towards the configured expected duration (`configuredSeconds`); the slack part of
   * the priority uses `expectedSeconds`. Null when the type no longer exists.
   */
  estimate: (Estimate & { configuredSeconds: number }) | null;
  /** For an offered item: to whom, until when, and the recorded decision (every candidate's score). */
  offer: { actorId: string; expiresAt: string; decision: OfferDecision | null } | null;
  /**
   * For a queued item: how push matching would score the push actors now, part by part (fit,
   * learned speed and success rate, free capacity, cost), best first, and who it would pass over.
   */
  match: Pick<MatchResult, 'candidates' | 'rejected'> | null;
  /** For a type with stages: the stage the item is at, its place among them and what it needs. */
  stage: {
    id: string;
    name: string;
    position: number;
    of: number;
    requiredSkills: Skills;
    /** The stage completing this one leads to; null at the last. */
    next: string | null;
  } | null;
  /** For a queued item: 1 + the queued items of its type (and stage) ahead of it. */
  rank: number | null;
  /** For a held item: who holds it, until when, and why it went to them. */
  owner: { actorId: string; leaseExpiresAt: string; decision: AssignmentDecision | null } | null;
  /**
   * For an item not held whose last owner lost it to preemption: the critical item it made room
   * for, whom it was taken from and when.
   */
  preempted: { for: string; from: string; at: string } | null;
  /** For a blocked item: what it waits on. */
  waitingOn: { id: string; state: WorkState | 'missing' }[];
  /** For an item not held: every actor, and whether it could take the item. */
  candidates: CandidateView[];
}

type Reads = Pick<ReadStores, 'work' | 'actors' | 'workTypes' | 'events' | 'workStats'>;

/** The decision recorded with the item's latest event of this type (assignment or offer). */
async function recordedDecision<D>(
  reads: Reads,
  itemId: string,
  type: 'coordination.work.assigned' | 'coordination.work.offered',
): Promise<D | null> {
  const [last] = await reads.events.list({
    subject: itemId,
    types: [type],
    order: 'desc',
    limit: 1,
  });
  return (last?.payload as { decision?: D } | undefined)?.decision ?? null;
}

/**
 * Why an item is where it is, and at which stage for a type with stages (whose skills then
 * decide who can take it): the recorded reasons of its assignment for a held item; for any
 * other, what stands between it and an owner (no actor with the skills, all saturated, blocked
 * by X, leased to Y until T), computed from the current state.
 */
export async function explainWork(
  reads: Reads,
  item: WorkItem,
  now: Date,
): Promise<WorkExplanation> {
  const type = await reads.workTypes.get(item.typeId);
  const estimate =
    type === null ? null : estimateType(type, await reads.workStats.get(type.id, null));
  const blocks = (await reads.work.dependentsOf(item.id)).length;
  const requirements = type === null ? null : stageRequirements(type, item.stageId);
  const priority = priorityParts(
    priorityInputOf(item, blocks),
    type === null || estimate === null ? 0 : expectedRemainingSeconds(type, item.stageId, estimate),
    now,
  );
  const current = requirements?.stage ?? null;
  const stage =
    current === null
      ? null
      : {
          id: current.id,
          name: current.name,
          position: current.position,
          of: current.of,
          requiredSkills: current.requiredSkills,
          next: requirements?.next?.id ?? null,
        };
  // Every summary of a staged item opens with where it stands among its stages.
  const at = stage === null ? '' : `at stage '${stage.id}' (${stage.position} of ${stage.of}): `;
  const base = {
    itemId: item.id,
    state: item.state,
    priority,
    estimate:
      type === null || estimate === null
        ? null
        : { ...estimate, configuredSeconds: type.expectedDurationSeconds },
    rank: null,
    owner: null,
    offer: null,
    match: null,
    stage,
    preempted: null,
    waitingOn: [],
    candidates: [],
  };

  if (item.state === 'assigned' || item.state === 'in_progress') {
    const decision = await recordedDecision<AssignmentDecision>(
      reads,
      item.id,
      'coordination.work.assigned',
    );
    const how =
      decision?.mode === 'preemption'
        ? `nobody with the skills had room, so it was given the item at once in place of '${String(decision.preempted)}', preempted as its domain's lowest-priority unstarted work`
        : {
            pull: 'it pulled the item as its highest-priority eligible work',
            offer_accepted: 'it accepted the offer of the item',
            manual: 'it was assigned by hand',
          }[decision?.mode ?? 'manual'];
    return {
      ...base,
      summary: `${at}${item.state === 'assigned' ? 'assigned' : 'in progress'}: leased to '${item.ownerId}' until ${item.leaseExpiresAt}; ${how}`,
      owner: { actorId: item.ownerId, leaseExpiresAt: item.leaseExpiresAt, decision },
    };
  }
  const preempted = await lastPreemption(reads, item.id);
  // Said last in the summary of a queued, offered or blocked item: why it has no owner now.
  const since =
    preempted === null
      ? ''
      : `; taken back from '${preempted.from}' at ${preempted.at} to make room for critical item '${preempted.for}'`;
  if (item.state === 'blocked') {
    const waitingOn: WorkExplanation['waitingOn'] = [];
    for (const id of item.dependsOn) {
      const dep = await reads.work.get(id);
      if (dep?.state !== 'done') waitingOn.push({ id, state: dep?.state ?? 'missing' });
    }
    return {
      ...base,
      summary: `${at}blocked by ${waitingOn.map((w) => `'${w.id}' (${w.state})`).join(', ')}${since}`,
      waitingOn,
      preempted,
    };
  }
  if (item.state !== 'queued' && item.state !== 'offered') {
    const summary = {
      paused: 'paused: held out of the flow until resumed',
      done: 'done',
      failed: 'failed: retry re-queues it',
      cancelled: 'cancelled',
    }[item.state];
    return { ...base, summary: item.state === 'done' ? summary : `${at}${summary}` };
  }

  const requiredSkills = requirements?.requiredSkills ?? {};
  const candidates: CandidateView[] = [];
  const loads: ActorLoad[] = [];
  for (const actor of await reads.actors.list()) {
    const reasons = skillGaps(actor.skills, requiredSkills).map((gap) => `lacks ${gap}`);
    if (actor.status !== 'available') reasons.push(`is ${actor.status}`);
    if (item.failedBy.includes(actor.id)) reasons.push('failed this item before');
    if (item.declinedBy.includes(actor.id)) reasons.push('declined this item before');
    const held = await reads.work.countHeldBy(actor.id);
    const offered = await reads.work.countOfferedTo(actor.id);
    loads.push({ actor, held, offered });
    if (held + offered >= actor.capacity) {
      reasons.push(`at capacity (${held} held, ${offered} offered of ${actor.capacity})`);
    }
    candidates.push({ actorId: actor.id, eligible: reasons.length === 0, reasons });
  }
  if (item.state === 'offered') {
    const decision = await recordedDecision<OfferDecision>(
      reads,
      item.id,
      'coordination.work.offered',
    );
    return {
      ...base,
      summary: `${at}offered to '${item.offeredTo}' until ${item.leaseExpiresAt}, waiting for it to accept (assign) or reject (release)${since}`,
      offer: {
        actorId: item.offeredTo,
        expiresAt: item.leaseExpiresAt,
        decision,
      },
      candidates,
      preempted,
    };
  }

  const rank = await reads.work.rankInQueue(item);
  const skilled = candidates.filter((c) => !c.reasons.some((r) => r.startsWith('lacks ')));
  const eligible = candidates.filter((c) => c.eligible);
  const needs = Object.entries(requiredSkills)
    .map(([skill, level]) => `${skill} ≥ ${level}`)
    .join(', ');
  const queue = stage === null ? 'its type' : 'its type at this stage';
  const summary =
    at +
    (skilled.length === 0
      ? `no actor has the skills: needs ${needs}`
      : eligible.length === 0
        ? `all ${skilled.length} actors with the skills are saturated or unavailable`
        : `queued at position ${rank} of ${queue}; ${eligible.length} actors with the skills and free capacity can claim it`);
  const match =
    type === null || estimate === null
      ? null
      : matchActors(item, requiredSkills, loads, {
          type: estimate,
          actors: new Map(
            (await reads.workStats.listActors(type.id)).map((s) => [s.actorId ?? '', s]),
          ),
        });
  return {
    ...base,
    summary: summary + since,
    rank,
    candidates,
    match: match === null ? null : { candidates: match.candidates, rejected: match.rejected },
    preempted,
  };
}

/** The preemption that took the item from its last owner, if that is how it lost one. */
async function lastPreemption(reads: Reads, itemId: string): Promise<WorkExplanation['preempted']> {
  const [last] = await reads.events.list({
    subject: itemId,
    types: ['coordination.work.preempted', 'coordination.work.assigned'],
    order: 'desc',
    limit: 1,
  });
  if (last?.type !== 'coordination.work.preempted') return null;
  const payload = last.payload as { preemptedFor: string; preemptedFrom: string };
  return { for: payload.preemptedFor, from: payload.preemptedFrom, at: last.time };
}
