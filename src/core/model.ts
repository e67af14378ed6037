/** The kernel's nouns: who works (actors), where (domains), on what (work types and items). */

export type SkillLevel = 1 | 2 | 3 | 4 | 5;
/** Skill name → level 1 (novice) … 5 (expert). */
export type Skills = Readonly<Record<string, SkillLevel>>;

export interface Domain {
  id: string;
  name: string;
  description: string;
  /** Actor ids of the humans accountable for the domain. */
  owners: readonly string[];
  /**
   * Whether a critical item of the domain that nobody has room for may take the place of the
   * domain's lowest-priority unstarted work (see coordination/preempt-for-critical).
   */
  preemption: boolean;
}

export type ActorKind = 'human' | 'agent';
export type ActorMode = 'pull' | 'push';
export const ACTOR_STATUSES = ['available', 'away', 'offline'] as const;
export type ActorStatus = (typeof ACTOR_STATUSES)[number];

export interface Actor {
  id: string;
  kind: ActorKind;
  name: string;
  /** Domains the actor works in. */
  domains: readonly string[];
  skills: Skills;
  /** Maximum number of work items held at once (assigned or in progress). */
  capacity: number;
  /** pull: the actor asks for work (claims); push: the engine offers it work. */
  mode: ActorMode;
  /** What an hour of the actor's work costs, in the organization's own unit (0: not counted). */
  costPerHour: number;
  status: ActorStatus;
  lastHeartbeatAt: string | null;
}

/** One step of a staged work type: who may do it and how long it takes. */
export interface WorkStage {
  id: string;
  name: string;
  /** Minimum skill levels an actor needs to take an item at this stage. */
  requiredSkills: Skills;
  /** Expected time from start to completion of this stage, in seconds. */
  expectedDurationSeconds: number;
}

export interface WorkType {
  id: string;
  domainId: string;
  name: string;
  description: string;
  /**
   * Minimum skill levels an actor needs to take work of this type. Empty when the type has
   * stages: each stage names its own.
   */
  requiredSkills: Skills;
  /**
   * The steps an item goes through in order (draft → review → approve); empty for a type done in
   * one step. Completing a stage that is not the last queues the item for the next one.
   */
  stages: readonly WorkStage[];
  /** Expected time from start to completion, in seconds. */
  expectedDurationSeconds: number;
  /** Time from creation to completion the organization commits to, in seconds. */
  slaSeconds: number;
  /** Attempts before failing work stops being retried on another actor. */
  maxAttempts: number;
}

/** Failed attempts before work is no longer retried, unless its work type says otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 3;

export const PRIORITY_CLASSES = ['critical', 'high', 'normal', 'low'] as const;
export type PriorityClass = (typeof PRIORITY_CLASSES)[number];

export const WORK_STATES = [
  'queued',
  'offered',
  'assigned',
  'in_progress',
  'blocked',
  'paused',
  'done',
  'failed',
  'cancelled',
] as const;
export type WorkState = (typeof WORK_STATES)[number];

/** Fields every work item has whatever its state. */
interface WorkItemBase {
  id: string;
  typeId: string;
  title: string;
  payload: Readonly<Record<string, unknown>>;
  /** Business value of finishing the item, in the organization's own unit. */
  value: number;
  dueAt: string | null;
  priorityClass: PriorityClass;
  /** Ids of the items this one waits for. */
  dependsOn: readonly string[];
  /** The stage the item is at, for a type with stages; null for a type without. */
  stageId: string | null;
  /**
   * The ordering key of the coordination priority (higher first). Its time-dependent parts grow
   * alike for every item, so the key stays correct as time passes (see coordination/prioritize).
   */
  priority: number;
  /** Number of times the item has been assigned. */
  attempts: number;
  /** Actors whose attempt failed: the item is retried on others. */
  failedBy: readonly string[];
  /** Actors that rejected an offer of the item or let it time out: it is offered to others. */
  declinedBy: readonly string[];
  /**
   * When the current attempt was started (in progress), kept once done: how long work takes is
   * learned from it. Null before a start and after the item leaves its owner.
   */
  startedAt: string | null;
  /** Optimistic-concurrency version, bumped on every change. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * Ownership is part of the state: only `assigned` and `in_progress` items have an owner and a
 * lease, only `offered` items have an offer. The union makes an owned queued item unrepresentable.
 */
export type WorkItem = WorkItemBase &
  // An offer is reserved for its actor until its lease (the offer's deadline) runs out.
  (
    | { state: 'offered'; ownerId: null; offeredTo: string; leaseExpiresAt: string }
    | {
        state: 'assigned' | 'in_progress';
        ownerId: string;
        offeredTo: null;
        leaseExpiresAt: string;
      }
    | {
        state: Exclude<WorkState, 'offered' | 'assigned' | 'in_progress'>;
        ownerId: null;
        offeredTo: null;
        leaseExpiresAt: null;
      }
  );

export const TERMINAL_STATES: readonly WorkState[] = ['done', 'failed', 'cancelled'];

export const TOKEN_ROLES = ['admin', 'operator', 'agent', 'viewer'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

export interface ApiToken {
  id: string;
  name: string;
  role: TokenRole;
  /** The actor an agent token acts as; null for other roles unless bound. */
  actorId: string | null;
  createdAt: string;
  revokedAt: string | null;
}
