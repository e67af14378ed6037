import { isoAt, msOf } from '../core/iso-time.js';
import { copyWorkItem } from '../core/copy-work-item.js';
import { DomainError, notFound } from '../core/errors.js';
import type {
  AssignmentDecision,
  AttemptRecord,
  EventType,
  OfferDecision,
  WorkTransitionPayload,
} from '../core/events.js';
import {
  DEFAULT_MAX_ATTEMPTS,
  type WorkItem,
  type WorkState,
  type WorkType,
} from '../core/model.js';
import { principalName } from '../core/principal.js';
import {
  allowedActions,
  canPerform,
  DERIVED_ACTIONS,
  WORK_ACTIONS,
  type WorkAction,
} from '../core/work-transitions.js';
import { assertAllowed } from './assert-allowed.js';
import { LEARNING } from './estimate-work.js';
import { priorityKey } from './prioritize.js';
import { priorityInputOf } from './rescore-work.js';
import { stageRequirements } from './stage-requirements.js';
import { assertMayTake } from './assert-may-take.js';
import type { WorkContext } from './work-context.js';

/** The event each action records. */
export const WORK_ACTION_EVENTS = {
  offer: 'coordination.work.offered',
  assign: 'coordination.work.assigned',
  start: 'coordination.work.started',
  complete: 'coordination.work.completed',
  complete_stage: 'coordination.work.stage_completed',
  preempt: 'coordination.work.preempted',
  fail: 'coordination.work.failed',
  release: 'coordination.work.released',
  block: 'coordination.work.blocked',
  unblock: 'coordination.work.unblocked',
  pause: 'coordination.work.paused',
  resume: 'coordination.work.resumed',
  retry: 'coordination.work.retried',
  cancel: 'coordination.work.cancelled',
} as const satisfies Record<WorkAction, EventType>;

export interface TransitionOptions {
  /** The actor to offer or assign to. */
  actorId?: string | undefined;
  reason?: string | undefined;
}

/**
 * Actions callers may request; `block` and `unblock` follow from dependencies alone, and
 * `complete_stage` from requesting `complete` on an item with stages still to go.
 */
export const REQUESTABLE_ACTIONS = [
  'offer',
  'assign',
  'start',
  'complete',
  'fail',
  'release',
  'pause',
  'resume',
  'retry',
  'cancel',
] as const satisfies readonly WorkAction[];
export type RequestableAction = (typeof REQUESTABLE_ACTIONS)[number];

export function illegalTransition(item: WorkItem, action: WorkAction): DomainError {
  const allowed = allowedActions(item.state).filter(
    (a) => !(DERIVED_ACTIONS as readonly WorkAction[]).includes(a),
  );
  const allowedStates = [...new Set(allowed.map((a) => WORK_ACTIONS[a].to))];
  return new DomainError(
    'illegal_transition',
    `cannot ${action} work item '${item.id}': it is ${item.state}; from ${item.state} it can ${
      allowed.length > 0 ? allowed.join(', ') : 'do nothing more (terminal state)'
    }`,
    { details: { currentState: item.state, allowedActions: allowed, allowedStates } },
  );
}

/**
 * Performs one action of the state machine on a work item, records its event, and follows
 * through what it implies: completing a stage that is not the last queues the item for the next
 * stage, without an owner; completing an item unblocks the items waiting only on it; a failed
 * attempt is retried on another actor while the work type allows; an item re-queued while it
 * still waits on dependencies goes straight back to blocked.
 */
export async function transitionWork(
  ctx: WorkContext,
  id: string,
  action: RequestableAction,
  options: TransitionOptions = {},
): Promise<WorkItem> {
  const item = await ctx.tx.work.getForUpdate(id);
  if (item === null) throw notFound('work item', id);
  if (!canPerform(item.state, action)) throw illegalTransition(item, action);

  const targetActorId = targetOf(item, action, options.actorId);
  assertAllowed(ctx, { operation: action, item, targetActorId });
  if (targetActorId !== null) await checkTarget(ctx, item, action, targetActorId);

  const type =
    action === 'complete' || action === 'fail' ? await ctx.tx.workTypes.get(item.typeId) : null;
  const nextStage = action === 'complete' ? await nextStageOf(ctx, item, type) : null;
  // An attempt at the whole item ends when it is completed or fails; a stage completed on the
  // way teaches nothing about the item's duration.
  const attempt =
    (action === 'complete' && nextStage === null) || action === 'fail'
      ? attemptOf(ctx, item, action, (type?.stages.length ?? 0) > 0)
      : undefined;
  let next =
    nextStage === null
      ? await applyAction(ctx, item, action, targetActorId, options.reason, { attempt })
      : await applyAction(ctx, item, 'complete_stage', null, options.reason, { nextStage });
  if (action === 'fail') next = await retryOrGiveUp(ctx, next);
  // Whatever sent it back to the queue, an item still waiting on work goes on to blocked.
  next = await blockIfWaiting(ctx, next);
  if (next.state === 'done') await unblockDependents(ctx, item.id);
  if (attempt !== undefined) {
    // Last before the events: on PostgreSQL the learned rows of a type are locked from here to
    // the commit, so completions of one type wait for each other only this long.
    await ctx.tx.workStats.record({
      typeId: attempt.typeId,
      actorId: attempt.actorId,
      outcome: action === 'complete' ? 'completed' : 'failed',
      durationSeconds: attempt.durationSeconds,
      decay: LEARNING.decay,
      at: isoAt(ctx.clock.now().getTime()),
    });
  }
  return next;
}

/**
 * The attempt a completion or failure ends: whose it was and, for a completion, how long it
 * took from its start (the configured expected duration means the same span). A type with
 * stages is worked stage by stage, so its last stage's span is not the item's: no duration.
 */
function attemptOf(
  ctx: WorkContext,
  item: WorkItem,
  action: 'complete' | 'fail',
  staged: boolean,
): AttemptRecord {
  const startedAt = item.startedAt;
  return {
    typeId: item.typeId,
    actorId: item.ownerId as string,
    startedAt,
    durationSeconds:
      action === 'complete' && startedAt !== null && !staged
        ? Math.max(0, (ctx.clock.now().getTime() - msOf(startedAt)) / 1000)
        : null,
  };
}

/**
 * For an item whose type has a stage after its current one: that stage, with the item's priority
 * key there. Null when completing finishes the item.
 */
async function nextStageOf(
  ctx: WorkContext,
  item: WorkItem,
  type: WorkType | null,
): Promise<NextStage | null> {
  if (type === null) return null;
  const next = stageRequirements(type, item.stageId).next;
  if (next === null) return null;
  const blocks = (await ctx.tx.work.dependentsOf(item.id)).length;
  const priority = priorityKey(priorityInputOf({ ...item, stageId: next.id }, blocks));
  return { id: next.id, priority };
}

interface NextStage {
  id: string;
  priority: number;
}

interface ApplyOptions {
  decision?: AssignmentDecision | OfferDecision | undefined;
  /** Whether releasing an offer counts as the offered actor declining it (default true). */
  decline?: boolean;
  /** The attempt a completion or failure ends, recorded with its event. */
  attempt?: AttemptRecord | undefined;
  /** For `complete_stage`: the stage the item moves to. */
  nextStage?: NextStage;
  /** For `preempt`: the critical item it makes room for. */
  preemptedFor?: string;
}

/**
 * After a failed attempt: back to the queue for another actor while the work type allows more
 * attempts; otherwise the item stays failed and an exception event says so, for monitoring to
 * route to an owner.
 */
async function retryOrGiveUp(ctx: WorkContext, failed: WorkItem): Promise<WorkItem> {
  const type = await ctx.tx.workTypes.get(failed.typeId);
  const maxAttempts = type?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const failures = failed.failedBy.length;
  if (failures < maxAttempts) {
    return applyAction(
      ctx,
      failed,
      'retry',
      null,
      `attempt ${failures} of ${maxAttempts} failed; retrying on another actor`,
    );
  }
  ctx.tx.events.append({
    type: 'coordination.work.retries_exhausted',
    actor: 'system',
    subject: failed.id,
    payload: { attempts: failures, maxAttempts, failedBy: [...failed.failedBy] },
  });
  return failed;
}

function targetOf(
  item: WorkItem,
  action: WorkAction,
  requested: string | undefined,
): string | null {
  if (action !== 'offer' && action !== 'assign') {
    if (requested !== undefined) {
      throw new DomainError(
        'validation_failed',
        `actorId is only meaningful for offer and assign`,
        {
          issues: [{ path: 'actorId', message: `not allowed for ${action}` }],
        },
      );
    }
    return null;
  }
  // Accepting an offer assigns to the actor it was offered to.
  const actorId = requested ?? (item.state === 'offered' ? item.offeredTo : undefined);
  if (actorId === undefined) {
    throw new DomainError(
      'validation_failed',
      `${action} needs the actor to ${action} the item to`,
      {
        issues: [{ path: 'actorId', message: 'required' }],
      },
    );
  }
  if (action === 'assign' && item.state === 'offered' && actorId !== item.offeredTo) {
    throw new DomainError(
      'conflict',
      `work item '${item.id}' is offered to '${item.offeredTo}', not '${actorId}'`,
      {
        details: { offeredTo: item.offeredTo },
      },
    );
  }
  return actorId;
}

/** The target actor must exist, be reachable and, for an assignment, have free capacity. */
async function checkTarget(
  ctx: WorkContext,
  item: WorkItem,
  action: WorkAction,
  actorId: string,
): Promise<void> {
  const actor = await ctx.tx.actors.getForUpdate(actorId);
  if (actor === null) {
    throw new DomainError('unknown_reference', `actor '${actorId}' does not exist`, {
      issues: [{ path: 'actorId', message: 'unknown actor' }],
    });
  }
  if (actor.status === 'offline') {
    throw new DomainError('conflict', `actor '${actorId}' is offline`, {
      details: { actorStatus: actor.status },
    });
  }
  assertMayTake(ctx, actor);
  if (action === 'assign') {
    const load = await ctx.tx.work.countLoad(actorId);
    const held = load.held;
    // Open offers reserve capacity too, except the offer of this very item being accepted.
    const accepting = item.state === 'offered' && item.offeredTo === actorId ? 1 : 0;
    const offered = load.offered - accepting;
    if (held + offered >= actor.capacity) {
      throw new DomainError(
        'capacity_exceeded',
        `actor '${actorId}' already holds ${held} and is offered ${offered} of ${actor.capacity} items`,
        { details: { held, offered, capacity: actor.capacity } },
      );
    }
  }
}

/** Writes one transition and its event; the state/owner pairing is decided here and only here. */
async function applyAction(
  ctx: WorkContext,
  item: WorkItem,
  action: WorkAction,
  targetActorId: string | null,
  reason: string | undefined,
  options: ApplyOptions = {},
): Promise<WorkItem> {
  const { decision, decline = true, attempt, nextStage, preemptedFor } = options;
  const now = ctx.clock.now();
  const nowMs = now.getTime();
  // Formatted once: a transition writes the same instant in several fields.
  const nowIso = isoAt(nowMs);
  const to: WorkState = WORK_ACTIONS[action].to;
  let ownerId: string | null = null;
  let offeredTo: string | null = null;
  let leaseExpiresAt: string | null = null;
  let { attempts, failedBy, declinedBy, stageId, priority } = item;
  switch (to) {
    case 'offered':
      offeredTo = targetActorId;
      leaseExpiresAt = isoAt(nowMs + ctx.offerSeconds * 1000);
      break;
    case 'assigned':
    case 'in_progress': {
      ownerId = to === 'assigned' ? targetActorId : item.ownerId;
      leaseExpiresAt = isoAt(nowMs + ctx.leaseSeconds * 1000);
      if (to === 'assigned') attempts += 1;
      break;
    }
    default: {
      // A failed attempt is remembered (one entry each, so they can be counted), so the item is
      // retried on someone else; so is an offer rejected or left to time out, so the item is
      // offered to someone else.
      if (action === 'fail' && item.ownerId !== null) failedBy = [...item.failedBy, item.ownerId];
      if (
        action === 'release' &&
        decline &&
        item.offeredTo !== null &&
        !item.declinedBy.includes(item.offeredTo)
      )
        declinedBy = [...item.declinedBy, item.offeredTo];
      // A new stage is a new question with other skills: whoever failed or declined the last
      // stage may be just who this one needs, and its attempts count afresh.
      if (action === 'complete_stage' && nextStage !== undefined) {
        stageId = nextStage.id;
        priority = nextStage.priority;
        failedBy = [];
        declinedBy = [];
      }
    }
  }
  // One copy of the item, field by field (see copyWorkItem); the state/owner pairing above is
  // what makes it a valid WorkItem.
  const draft = copyWorkItem(item);
  draft.version = item.version + 1;
  draft.updatedAt = nowIso;
  // The start of the current attempt: set by start, kept once done, gone with the owner.
  draft.startedAt = action === 'start' ? nowIso : to === 'done' ? item.startedAt : null;
  draft.state = to;
  draft.ownerId = ownerId;
  draft.offeredTo = offeredTo;
  draft.leaseExpiresAt = leaseExpiresAt;
  draft.attempts = attempts;
  draft.failedBy = failedBy;
  draft.declinedBy = declinedBy;
  draft.stageId = stageId;
  draft.priority = priority;
  const next = draft as WorkItem;
  if (!(await ctx.tx.work.update(next))) {
    throw new DomainError('conflict', `work item '${item.id}' was changed concurrently; retry`, {
      details: { version: item.version },
    });
  }
  const payload: WorkTransitionPayload = {
    action,
    from: item.state,
    to,
    ownerId: next.ownerId,
    offeredTo: next.offeredTo,
  };
  if (reason !== undefined) payload.reason = reason;
  // The parts of each kind of event are added to this one object (Object.assign), in the order
  // a spread would give them: spreading a payload cost more than the rest of building it.
  const actor = principalName(ctx.principal);
  if (action === 'assign') {
    ctx.tx.events.append({
      type: 'coordination.work.assigned',
      actor,
      subject: item.id,
      payload: Object.assign(payload, {
        leaseExpiresAt: next.leaseExpiresAt as string,
        decision:
          decision ?? (item.state === 'offered' ? { mode: 'offer_accepted' } : { mode: 'manual' }),
      }),
    });
  } else if (action === 'offer') {
    ctx.tx.events.append({
      type: 'coordination.work.offered',
      actor,
      subject: item.id,
      payload: Object.assign(payload, { decision: decision ?? { mode: 'manual' } }),
    });
  } else if ((action === 'complete' || action === 'fail') && attempt !== undefined) {
    ctx.tx.events.append({
      type: WORK_ACTION_EVENTS[action],
      actor,
      subject: item.id,
      payload: Object.assign(payload, { attempt }),
    });
  } else if (action === 'complete_stage') {
    ctx.tx.events.append({
      type: 'coordination.work.stage_completed',
      actor,
      subject: item.id,
      payload: Object.assign(payload, {
        fromStage: item.stageId as string,
        toStage: next.stageId as string,
        completedBy: item.ownerId as string,
      }),
    });
  } else if (action === 'preempt') {
    ctx.tx.events.append({
      type: 'coordination.work.preempted',
      actor,
      subject: item.id,
      payload: Object.assign(payload, {
        preemptedFor: preemptedFor as string,
        preemptedFrom: item.ownerId as string,
      }),
    });
  } else if (action === 'block') {
    ctx.tx.events.append({
      type: 'coordination.work.blocked',
      actor,
      subject: item.id,
      payload: Object.assign(payload, { waitingOn: await unfinishedDependencies(ctx, next) }),
    });
  } else {
    ctx.tx.events.append({ type: WORK_ACTION_EVENTS[action], actor, subject: item.id, payload });
  }
  return next;
}

export async function unfinishedDependencies(ctx: WorkContext, item: WorkItem): Promise<string[]> {
  const waiting: string[] = [];
  for (const depId of item.dependsOn) {
    const dep = await ctx.tx.work.get(depId);
    if (dep?.state !== 'done') waiting.push(depId);
  }
  return waiting;
}

/** Moves the blocked items that waited only on `doneId` back to the queue. */
async function unblockDependents(ctx: WorkContext, doneId: string): Promise<void> {
  for (const dependentId of await ctx.tx.work.dependentsOf(doneId)) {
    const dependent = await ctx.tx.work.getForUpdate(dependentId);
    if (dependent?.state !== 'blocked') continue;
    if ((await unfinishedDependencies(ctx, dependent)).length === 0) {
      await applyAction(ctx, dependent, 'unblock', null, `dependency '${doneId}' is done`);
    }
  }
}

/**
 * Assigns a queued item the engine chose (a pull), recording why. The caller has checked the
 * actor's availability and capacity and holds the item's row.
 */
export async function assignWork(
  ctx: WorkContext,
  item: WorkItem,
  actorId: string,
  decision: AssignmentDecision,
): Promise<WorkItem> {
  if (!canPerform(item.state, 'assign')) throw illegalTransition(item, 'assign');
  return applyAction(ctx, item, 'assign', actorId, undefined, { decision });
}

/**
 * Offers a queued item the engine chose to an actor in push mode, recording why. The caller
 * holds the item's row and has checked the actor.
 */
export async function offerWork(
  ctx: WorkContext,
  item: WorkItem,
  actorId: string,
  decision: OfferDecision,
): Promise<WorkItem> {
  if (!canPerform(item.state, 'offer')) throw illegalTransition(item, 'offer');
  return applyAction(ctx, item, 'offer', actorId, undefined, { decision });
}

/**
 * Gives a held item back to the queue on the engine's own initiative (a lease that ran out),
 * re-blocking it if it waits on unfinished work.
 */
export async function releaseWork(
  ctx: WorkContext,
  item: WorkItem,
  reason: string,
  decline = true,
): Promise<WorkItem> {
  if (!canPerform(item.state, 'release')) throw illegalTransition(item, 'release');
  const next = await applyAction(ctx, item, 'release', null, reason, { decline });
  return blockIfWaiting(ctx, next);
}

/** A queued item that still waits on unfinished work is blocked again; any other is left as is. */
async function blockIfWaiting(ctx: WorkContext, item: WorkItem): Promise<WorkItem> {
  return item.state === 'queued' && (await unfinishedDependencies(ctx, item)).length > 0
    ? applyAction(ctx, item, 'block', null, 'waiting on dependencies')
    : item;
}

/**
 * Takes an assigned item back from its owner to make room for the critical item `forItemId`:
 * back to the queue with its priority key, and no failure or decline counted (it did nothing
 * wrong); blocked instead if it waits on unfinished work. The caller holds the item's row.
 */
export async function preemptWork(
  ctx: WorkContext,
  item: WorkItem,
  forItemId: string,
  reason: string,
): Promise<WorkItem> {
  if (!canPerform(item.state, 'preempt')) throw illegalTransition(item, 'preempt');
  const next = await applyAction(ctx, item, 'preempt', null, reason, { preemptedFor: forItemId });
  return blockIfWaiting(ctx, next);
}

/** Blocks a queued item that has gained an unfinished dependency. */
export async function blockWork(
  ctx: WorkContext,
  item: WorkItem,
  reason: string,
): Promise<WorkItem> {
  return applyAction(ctx, item, 'block', null, reason);
}
