import type { ApprovalResource, ArgumentChange } from './approval.js';
import type { AuthorityConfig } from './authority-config.js';
import type { ErrorCode } from './errors.js';
import type { Labels, Resolution } from './exception.js';
import type { HaltScope } from './halt.js';
import type { Budget } from './budget-config.js';
import type { MetricPoint } from './metric.js';
import type { ActorStatus, TokenRole, WorkState } from './model.js';
import type { Objective } from './objective-config.js';
import type { KeyResultStatus } from './ports/outcome-store.js';
import type { RoutingConfig } from './route-config.js';
import type { SloDefinition } from './slo-config.js';
import type { TrustEvidence } from './trust.js';
import type { WorkAction } from './work-transitions.js';

/** Payload of every work state change: enough to replay the item's state and owner. */
export interface WorkTransitionPayload {
  action: WorkAction;
  from: WorkState;
  to: WorkState;
  /** Owner after the change (null when the item has none). */
  ownerId: string | null;
  /** Actor the item is offered to after the change, if any. */
  offeredTo: string | null;
  reason?: string;
}

/**
 * The attempt a completion or failure ended, as learning records it: from these alone, folded
 * in sequence order, the learned durations and success rates can be rebuilt.
 */
export interface AttemptRecord {
  typeId: string;
  /** Whose attempt it was (the owner until this event). */
  actorId: string;
  /** When the attempt was started, if it was. */
  startedAt: string | null;
  /** Start to completion, in seconds; null for a failure. */
  durationSeconds: number | null;
}

/**
 * Why an item went to its owner, recorded with the assignment: `manual` when a person or
 * program named the actor, `pull` when the actor asked and the engine chose (see
 * coordination/claim-work for the shape of its reasons), `preemption` when the engine made room
 * for a critical item (see coordination/preempt-for-critical).
 */
export type AssignmentDecision =
  | { mode: 'manual' }
  | { mode: 'offer_accepted' }
  | ({ mode: 'pull' } & Record<string, unknown>)
  | ({ mode: 'preemption' } & Record<string, unknown>);

/** Why an item was offered to its actor: by hand, or `push` with the candidates and rejections. */
export type OfferDecision =
  | { mode: 'manual' }
  | ({ mode: 'push' } & Record<string, unknown>)
  | ({ mode: 'preemption' } & Record<string, unknown>);

/** A summary of one applied configuration; the full diff is in the event too. */
export interface ConfigChange {
  /**
   * `routing` entries are `route`, `inhibit_rules` and `time_intervals`; an `slo` is named by
   * its OpenSLO `metadata.name`; `action` entries are custom actions by id, `policy` entries
   * authority policy files by name, `trust` the trust rules (id `rules`).
   */
  kind:
    | 'organization'
    | 'domain'
    | 'actor'
    | 'workType'
    | 'routing'
    | 'slo'
    | 'objective'
    | 'action'
    | 'policy'
    | 'trust'
    | 'budget';
  id: string;
  change: 'added' | 'changed' | 'removed';
  fields?: string[];
}

/** Whose trust, where, in what: an actor in a domain, for one action class. */
/** What the end of an approval's wait records about it: how long agents wait is measured so. */
export interface ApprovalEnd {
  /** The domain of its resource. */
  domainId: string;
  /** When it was asked for. */
  requestedAt: string;
}

export interface TrustKey {
  actorId: string;
  domainId: string;
  class: string;
}

/**
 * Every event the system writes, by type. Types are `dimension.subject.verb`; `core.*` events
 * belong to the shared kernel (configuration and access). Declared once so producers and
 * consumers agree on payloads at compile time.
 */
export interface EventMap {
  'core.config.applied': {
    changes: ConfigChange[];
    source: string;
    revision: number;
    name: string;
  };
  'core.domain.upserted': {
    name: string;
    owners: string[];
    description: string;
    preemption: boolean;
  };
  'core.domain.removed': Record<string, never>;
  'core.actor.upserted': {
    kind: string;
    name: string;
    domains: string[];
    skills: Record<string, number>;
    capacity: number;
    mode: string;
    costPerHour: number;
  };
  'core.actor.removed': Record<string, never>;
  'core.work_type.upserted': {
    domainId: string;
    name: string;
    requiredSkills: Record<string, number>;
    expectedDurationSeconds: number;
    slaSeconds: number;
    maxAttempts: number;
    stages: {
      id: string;
      name: string;
      requiredSkills: Record<string, number>;
      expectedDurationSeconds: number;
    }[];
  };
  'core.work_type.removed': Record<string, never>;
  /** The exception routing now in force, whole, as written (empty when the file has none). */
  'core.routing.updated': RoutingConfig;
  /** An SLO as now in force, whole (its OpenSLO documents resolved). */
  'core.slo.upserted': SloDefinition;
  'core.slo.removed': Record<string, never>;
  /** An objective with its key results as now in force. */
  'core.objective.upserted': Omit<Objective, 'id'>;
  'core.objective.removed': Record<string, never>;
  /** The budgets and rate limits per agent now in force, whole (empty: none). */
  'core.budgets.updated': { budgets: Budget[] };
  /** The custom actions and authority policies now in force, whole (empty: none). */
  'core.authority.updated': AuthorityConfig;
  'core.token.created': { name: string; role: TokenRole; actorId: string | null };
  /** Who revoked it is the event's actor; why, when they said (absent in older events). */
  'core.token.revoked': { reason?: string };
  'coordination.actor.status_changed': { from: ActorStatus; to: ActorStatus };
  'coordination.work.created': {
    typeId: string;
    title: string;
    value: number;
    dueAt: string | null;
    priorityClass: string;
    dependsOn: string[];
    state: WorkState;
    /** The first stage, for a type with stages. */
    stageId?: string;
  };
  'coordination.work.dependency_added': { dependsOn: string };
  'coordination.work.offered': WorkTransitionPayload & { decision: OfferDecision };
  'coordination.work.assigned': WorkTransitionPayload & {
    leaseExpiresAt: string;
    decision: AssignmentDecision;
  };
  'coordination.work.started': WorkTransitionPayload;
  'coordination.work.completed': WorkTransitionPayload & { attempt: AttemptRecord };
  /**
   * A stage that is not the last was completed: the item is queued again for the next stage,
   * with no owner (the next one is chosen by that stage's skills).
   */
  'coordination.work.stage_completed': WorkTransitionPayload & {
    fromStage: string;
    toStage: string;
    /** The actor that held the item and finished the stage. */
    completedBy: string;
  };
  'coordination.work.failed': WorkTransitionPayload & { attempt: AttemptRecord };
  /**
   * Taken back from its owner (assigned, not started) to make room for a critical item; the item
   * keeps its priority and counts no failure or decline.
   */
  'coordination.work.preempted': WorkTransitionPayload & {
    /** The critical item it made room for. */
    preemptedFor: string;
    /** The actor it was taken from, who receives the critical item. */
    preemptedFrom: string;
  };
  'coordination.work.released': WorkTransitionPayload;
  'coordination.work.blocked': WorkTransitionPayload & { waitingOn: string[] };
  'coordination.work.unblocked': WorkTransitionPayload;
  'coordination.work.paused': WorkTransitionPayload;
  'coordination.work.resumed': WorkTransitionPayload;
  'coordination.work.retried': WorkTransitionPayload;
  'coordination.work.cancelled': WorkTransitionPayload;
  /** An exception: the item failed on as many attempts as its type allows and stays failed. */
  'coordination.work.retries_exhausted': {
    attempts: number;
    maxAttempts: number;
    failedBy: string[];
  };
  /** Something needs an owner: raised by a detector, an external alert, or a person. */
  'monitoring.exception.opened': {
    fingerprint: string;
    source: string;
    labels: Labels;
    summary: string;
    details: Record<string, unknown>;
    receivers: string[];
    routes: string[];
    group: string;
    silencedBy: string | null;
  };
  'monitoring.exception.acknowledged': { comment: string };
  'monitoring.exception.resolved': { resolution: Resolution; reason: string };
  /**
   * A step of a receiver's escalation policy reached people (step 0 when the exception opens);
   * who was passed over and why (offline, halted) is recorded beside who was reached.
   */
  'monitoring.exception.notified': {
    receiver: string;
    step: number;
    loop: number;
    targets: string[];
    skipped: { actorId: string; reason: string }[];
    /** When the next step is due unless someone acknowledges; null once the policy is exhausted. */
    nextAt: string | null;
  };
  'monitoring.silence.created': {
    matchers: string[];
    startsAt: string;
    endsAt: string;
    comment: string;
  };
  'monitoring.silence.expired': Record<string, never>;
  /**
   * A point of a custom series, as reported to `POST /v1/metrics`; performance rolls it up and
   * monitoring watches the series for anomalies.
   */
  'monitoring.metric.recorded': MetricPoint;
  /** A person stopped agents; the work they held or were offered went back to the queue. */
  'supervision.halt.applied': { scope: HaltScope; reason: string; requeued: string[] };
  'supervision.halt.lifted': { scope: HaltScope; reason: string };
  /** A person refused one class of an agent's actions (subject: the pause id). */
  'supervision.pause.applied': { actorId: string; actionClass: string; reason: string };
  'supervision.pause.lifted': { actorId: string; actionClass: string; reason: string };
  /**
   * A person moved an agent's work to another actor or back to the queue (each move is its own
   * coordination event too), and gives it none until the redirect is lifted.
   */
  'supervision.redirect.applied': {
    actorId: string;
    to: string | null;
    reason: string;
    moved: { workItem: string; from: 'held' | 'offered'; to: string | null }[];
  };
  'supervision.redirect.lifted': { actorId: string; to: string | null; reason: string };
  /**
   * A token's request was refused (forbidden, or approval required): nothing it asked for
   * happened, and this records that it was tried, by whom, through what and why it was refused.
   */
  'supervision.access.refused': {
    via: 'http' | 'mcp';
    /** The route (`POST /v1/work/{id}/complete`) or MCP tool (`complete_work`). */
    operation: string;
    code: ErrorCode;
    reason: string;
    role: TokenRole;
  };
  /**
   * An agent asked a person's go-ahead for one action on one resource with exactly these
   * arguments (bound by their hash); subject: the approval.
   */
  'supervision.approval.requested': {
    actorId: string;
    action: string;
    class: string;
    resource: ApprovalResource;
    domainId: string;
    arguments: Record<string, unknown>;
    argumentsHash: string;
    justification: string;
    policies: string[];
    approvers: string[];
    expiresAt: string;
  };
  /** Approved as asked, or with edits (then `changes` is the diff and the hash is new). */
  'supervision.approval.approved': ApprovalEnd & {
    actorId: string;
    action: string;
    resource: ApprovalResource;
    approvedHash: string;
    changes: ArgumentChange[];
    reason: string;
  };
  'supervision.approval.rejected': ApprovalEnd & {
    actorId: string;
    action: string;
    resource: ApprovalResource;
    reason: string;
  };
  /** Nobody decided before the expiry: it can no longer be decided or used. */
  'supervision.approval.expired': ApprovalEnd & {
    actorId: string;
    action: string;
    resource: ApprovalResource;
    expiresAt: string;
  };
  /** The approved action was taken, once: the approval is spent. */
  'supervision.approval.used': {
    actorId: string;
    action: string;
    resource: ApprovalResource;
    argumentsHash: string;
  };
  /**
   * Someone who may not decide an approval tried to (an agent, the requester itself, a person
   * who is not an approver): refused, and recorded; the approval is unchanged.
   */
  'supervision.approval.decision_refused': {
    attempted: 'approve' | 'reject';
    role: string;
    reason: string;
  };
  /**
   * An agent took a custom action (outside the work queue) the authority policies let it take,
   * alone or with an approval; subject: the resource. Trust is counted from these.
   */
  'supervision.action.performed': {
    actorId: string;
    action: string;
    class: string;
    resource: ApprovalResource;
    domainId: string;
    argumentsHash: string;
    approvalId: string | null;
  };
  /**
   * An actor's trust level in a domain and action class changed (subject: the actor): promoted
   * by a rule met (automatically, or approved by a person), demoted by an incident (the circuit
   * breaker), or set by a person. Carries the evidence read when it changed.
   */
  'supervision.trust.changed': TrustKey & {
    from: number;
    to: number;
    cause: 'promotion' | 'approved_promotion' | 'incident' | 'override';
    reason: string;
    evidence: TrustEvidence;
    promotionId: string | null;
  };
  /** A person (or an exception about the agent) reported an incident; subject: the actor. */
  'supervision.trust.incident_recorded': TrustKey & { reason: string; ref: string | null };
  /** A person undid an agent's completed work; subject: the actor. */
  'supervision.trust.reversal_recorded': TrustKey & { reason: string; workItemId: string | null };
  /** A rule found a promotion earned that a person must confirm; subject: the promotion. */
  'supervision.trust.promotion_proposed': TrustKey & {
    from: number;
    to: number;
    evidence: TrustEvidence;
  };
  /** A pending promotion approved, rejected, or set aside by a level change; subject: it. */
  'supervision.trust.promotion_decided': TrustKey & {
    decision: 'approved' | 'rejected' | 'superseded';
    reason: string;
  };
  /**
   * A key result's status moved (on track, at risk, off track, no data), as its hourly
   * snapshot found it; subject `<objective>/<key result>`.
   */
  'performance.key_result.status_changed': {
    objectiveId: string;
    keyResultId: string;
    from: KeyResultStatus | null;
    to: KeyResultStatus;
    value: number;
    progress: number;
    forecast: number | null;
  };
}

export type EventType = keyof EventMap;

/** An event as a use case produces it; sequence, time and hashes are given at append. */
export interface NewEvent<T extends EventType = EventType> {
  type: T;
  /** Who caused it: an actor id, `token:<id>`, `cli:<user>` or `system`. */
  actor: string;
  /** The thing it is about (work item id, actor id, …); null for organization-wide events. */
  subject: string | null;
  payload: EventMap[T];
}

/** An event as stored in the log. `payload` is untyped here: old events outlive type changes. */
export interface StoredEvent {
  seq: number;
  time: string;
  type: string;
  actor: string;
  subject: string | null;
  payload: unknown;
  prevHash: string;
  hash: string;
}

export function newEvent<T extends EventType>(
  type: T,
  actor: string,
  subject: string | null,
  payload: EventMap[T],
): NewEvent<T> {
  return { type, actor, subject, payload };
}
