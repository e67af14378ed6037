/**
 * The shapes the dashboard reads from the API (`/docs` has them all); only the fields it shows.
 * Kept here rather than imported from the server so the browser bundle holds no server code.
 */

export const WORK_STATES = [
  'queued',
  'offered',
  'assigned',
  'in_progress',
  'blocked',
  'paused',
  'failed',
  'done',
  'cancelled',
] as const;
export type WorkState = (typeof WORK_STATES)[number];

/** Unfinished work, and failed work that may be retried: what the board shows by default. */
export const OPEN_STATES: readonly WorkState[] = WORK_STATES.filter(
  (s) => s !== 'done' && s !== 'cancelled',
);

export type Role = 'admin' | 'operator' | 'agent' | 'viewer';

export interface Me {
  tokenId: string;
  role: Role;
  actorId: string | null;
  name: string;
  canWrite: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

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

export interface WorkItem {
  id: string;
  typeId: string;
  title: string;
  value: number;
  dueAt: string | null;
  priorityClass: 'critical' | 'high' | 'normal' | 'low';
  priority: number;
  dependsOn: string[];
  stageId: string | null;
  attempts: number;
  createdAt: string;
  updatedAt: string;
  state: WorkState;
  ownerId: string | null;
  offeredTo: string | null;
  leaseExpiresAt: string | null;
  startedAt: string | null;
  version: number;
}

export type WorkDetail = WorkItem & { history: StoredEvent[] };

export interface WorkCounts {
  counts: Record<WorkState, number>;
  total: number;
}

export interface Explanation {
  itemId: string;
  state: WorkState;
  summary: string;
  priority: Record<string, number>;
  stage: { id: string; name: string; position: number; of: number; next: string | null } | null;
  rank: number | null;
  owner: { actorId: string; leaseExpiresAt: string; decision: unknown } | null;
  waitingOn: { id: string; state: string }[];
  candidates: { actorId: string; eligible: boolean; reasons: string[] }[];
}

export interface Actor {
  id: string;
  kind: 'human' | 'agent';
  name: string;
  domains: string[];
  skills: Record<string, number>;
  capacity: number;
  mode: 'pull' | 'push';
  status: 'available' | 'away' | 'offline';
  lastHeartbeatAt: string | null;
}

export type ActorDetail = Actor & { held: number };

export interface WorkType {
  id: string;
  domainId: string;
  name: string;
}

export interface Domain {
  id: string;
  name: string;
}

export type HaltScope =
  { kind: 'actor'; id: string } | { kind: 'domain'; id: string } | { kind: 'all' };

export interface Halt {
  id: string;
  scope: HaltScope;
  reason: string;
  haltedBy: string;
  haltedAt: string;
  liftedAt: string | null;
}

export type ExceptionState = 'open' | 'acknowledged' | 'resolved';

export interface ExceptionView {
  id: string;
  source: string;
  labels: Record<string, string>;
  summary: string;
  state: ExceptionState;
  openedAt: string;
  lastSeenAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  receivers: string[];
  routes: string[];
  escalations: {
    receiver: string;
    step: number;
    loop: number;
    nextAt: string | null;
    notified: string[];
  }[];
  silencedBy: string | null;
}

export interface Silence {
  id: string;
  matchers: string[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

export type SloStatus = 'ok' | 'burning' | 'breached' | 'no_data';

export interface Slo {
  name: string;
  service: string;
  status: SloStatus;
  reason?: string;
  objectives: {
    name: string;
    target: number;
    status: SloStatus;
    sli: number | null;
    errorBudget: { allowed: number; consumed: number | null; remaining: number | null };
    burnRates: Record<string, number | null>;
    alerts: { severity: 'page' | 'ticket'; window: string; firing: boolean }[];
  }[];
}

export type KeyResultStatus = 'on_track' | 'at_risk' | 'off_track' | 'no_data';

export interface KeyResult {
  id: string;
  name: string;
  start: number;
  target: number;
  periodStart: string;
  periodEnd: string;
  evaluation: {
    status: KeyResultStatus;
    reason: string;
    value: number | null;
    progress: number | null;
    expectedProgress: number;
    forecast: number | null;
    forecastProgress: number | null;
  };
  history?: { at: string; value: number; forecast: number | null }[];
}

export interface Objective {
  id: string;
  name: string;
  owner: string | null;
  status: KeyResultStatus;
  keyResults: KeyResult[];
}

export interface KpiReport {
  from: string;
  to: string;
  by: string[];
  rows: { labels: Record<string, string>; values: Record<string, number | null> }[];
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  lastSeq: number;
  problem: { kind: string; seq: number; message: string } | null;
}

export const APPROVAL_STATES = ['pending', 'approved', 'rejected', 'expired', 'used'] as const;
export type ApprovalState = (typeof APPROVAL_STATES)[number];

/** One member an approver's edits added, removed or changed, by path (`amount`, `address.city`). */
export interface ArgumentChange {
  path: string;
  requested?: unknown;
  approved?: unknown;
}

export interface Approval {
  id: string;
  state: ApprovalState;
  /** The agent it lets act: only it may use it. */
  actorId: string;
  requestedBy: string;
  action: string;
  actionClass: string;
  resource: { type: 'WorkItem' | 'Domain'; id: string };
  domainId: string;
  arguments: Record<string, unknown>;
  argumentsHash: string;
  /** The arguments as approved with edits; null when approved as asked. */
  approvedArguments: Record<string, unknown> | null;
  approvedHash: string;
  changes: ArgumentChange[];
  justification: string;
  policies: { id: string; effect: 'permit' | 'forbid'; annotations: Record<string, string> }[];
  /** The people who may decide (admins may always decide besides them). */
  approvers: string[];
  exceptionId: string | null;
  createdAt: string;
  expiresAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  decisionReason: string | null;
  usedAt: string | null;
}

/** Decayed counts: each event weighs less as it ages (the half-life is `trust.halfLife`). */
export interface TrustCounts {
  attempts: number;
  successes: number;
  reversals: number;
  incidents: number;
}

export interface TrustEvidence {
  counts: TrustCounts;
  /** (successes − reversals) / attempts; null before any attempt. */
  successRate: number | null;
  cleanDays: number;
}

export interface PromotionRule {
  class: string | null;
  to: number;
  minAttempts: number;
  minSuccessRate: number;
  cleanDays: number;
  automatic: boolean;
}

/** An agent's trust level in one domain and action class, and the record behind it. */
export interface TrustEntry {
  actorId: string;
  domainId: string;
  class: string;
  level: number;
  levelName: string;
  /** null while the initial level from org.yaml holds. */
  setAt: string | null;
  setBy: string | null;
  setReason: string | null;
  evidence: TrustEvidence | null;
  next: { to: number; rule: PromotionRule; unmet: string | null } | null;
  pendingPromotion: string | null;
}

export type PromotionState = 'pending' | 'approved' | 'rejected' | 'superseded';

export interface TrustPromotion {
  id: string;
  actorId: string;
  domainId: string;
  class: string;
  from: number;
  to: number;
  state: PromotionState;
  proposedAt: string;
  evidence: TrustEvidence & { rule: PromotionRule | null };
  decidedAt: string | null;
  decidedBy: string | null;
  reason: string | null;
}

interface ControlFields {
  id: string;
  actorId: string;
  reason: string;
  appliedBy: string;
  appliedAt: string;
  liftedAt: string | null;
  liftedBy: string | null;
  liftReason: string | null;
}

/** One class of an agent's actions refused until lifted (`work`, or a custom action's class). */
export type Pause = ControlFields & { kind: 'pause'; actionClass: string };

/** An agent's work moved to another actor (`to`) or the queue (null), and none given it. */
export type Redirect = ControlFields & { kind: 'redirect'; to: string | null };

export interface RedirectResult {
  redirect: Redirect;
  moved: { workItem: string; from: 'held' | 'offered'; to: string | null }[];
}

/** What each trust level means (the organization's policies decide what it allows). */
export const TRUST_LEVEL_NAMES = [
  'suggest only',
  'act with approval each time',
  'act alone within low-risk bounds',
  'act alone with sampled review',
  'act alone within the domain',
] as const;
