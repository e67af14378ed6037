/**
 * Monitoring's records: exceptions (something needs an owner's attention), silences and the
 * notifications that reached people. They live in the kernel because the store implements their
 * port; what they mean and when they change is decided in monitoring/.
 */

export const EXCEPTION_STATES = ['open', 'acknowledged', 'resolved'] as const;
export type ExceptionState = (typeof EXCEPTION_STATES)[number];

export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Label name → value, as Alertmanager's: what routing, grouping, silences and dedup see. */
export type Labels = Readonly<Record<string, string>>;

/** How an exception ended: its condition cleared, a person resolved it, or its source said so. */
export type Resolution = 'cleared' | 'manual' | 'external';

/** Where an exception stands in one receiver's escalation policy. */
export interface EscalationState {
  receiver: string;
  /** The step last notified (0-based). */
  step: number;
  /** Completed passes through the policy's steps before the current one. */
  loop: number;
  /** When the next step is due unless someone acknowledges; null once the policy is exhausted. */
  nextAt: string | null;
  /** Who the current step reached. */
  notified: readonly string[];
}

interface ExceptionBase {
  id: string;
  /** Hash of the labels: one active exception per fingerprint (dedup). */
  fingerprint: string;
  /** What raised it: `detector:<name>`, `external:<integration>` or `manual`. */
  source: string;
  labels: Labels;
  /** One line saying what is wrong and why, in words. */
  summary: string;
  /** The evidence the source measured when it raised the exception. */
  details: Readonly<Record<string, unknown>>;
  openedAt: string;
  /** The last time the source still saw the condition. */
  lastSeenAt: string;
  /** Receivers the routing tree picked, in match order. */
  receivers: readonly string[];
  /** The matched routes, as paths in the configuration (`route`, `route.routes.0`). */
  routes: readonly string[];
  /**
   * The aggregation group it belongs to on its first route, as Alertmanager keys groups: the
   * route's key and the values of its `group_by` labels (`{}/{domain="ops"}:{work_type="x"}`).
   */
  group: string;
  escalations: readonly EscalationState[];
  /** The silence that mutes it, if one did when it last changed. */
  silencedBy: string | null;
  /** Optimistic-concurrency version, bumped on every change. */
  version: number;
}

/**
 * The lifecycle is part of the type: only an acknowledged or resolved exception has who
 * acknowledged it, only a resolved one has its resolution.
 */
export type ExceptionRecord = ExceptionBase &
  (
    | {
        state: 'open';
        acknowledgedAt: null;
        acknowledgedBy: null;
        resolvedAt: null;
        resolvedBy: null;
        resolution: null;
      }
    | {
        state: 'acknowledged';
        acknowledgedAt: string;
        acknowledgedBy: string;
        resolvedAt: null;
        resolvedBy: null;
        resolution: null;
      }
    | {
        state: 'resolved';
        acknowledgedAt: string | null;
        acknowledgedBy: string | null;
        resolvedAt: string;
        resolvedBy: string;
        resolution: Resolution;
      }
  );

/** The earliest escalation step due among the receivers', while nobody has acknowledged. */
export function nextEscalationAt(e: ExceptionRecord): string | null {
  if (e.state !== 'open') return null;
  let next: string | null = null;
  for (const escalation of e.escalations)
    if (escalation.nextAt !== null && (next === null || escalation.nextAt < next))
      next = escalation.nextAt;
  return next;
}

/** A mute on every exception whose labels match all its matchers, from `startsAt` to `endsAt`. */
export interface Silence {
  id: string;
  /** Alertmanager matchers (`name="value"`, `name=~"re"`, `!=`, `!~`). */
  matchers: readonly string[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  createdAt: string;
  /** Set when someone ended it before `endsAt`. */
  expiredAt: string | null;
}

/** One message in an actor's inbox: an exception reached it at a step of an escalation. */
export interface InboxNotification {
  id: string;
  actorId: string;
  exceptionId: string;
  receiver: string;
  /** `opened` for a policy's first step, `escalated` for later ones, `resolved` at the end. */
  reason: 'opened' | 'escalated' | 'resolved';
  step: number;
  summary: string;
  createdAt: string;
  readAt: string | null;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One notification posted to a receiver's webhook: written with the change it reports (an
 * outbox), sent and retried afterwards; its attempts are the delivery log.
 */
export interface WebhookDelivery {
  id: string;
  exceptionId: string;
  receiver: string;
  url: string;
  format: 'json' | 'slack';
  /** The environment variable holding the HMAC key it is signed with. */
  secretEnv: string;
  /** What it reports: the exception opened, escalated a step, or resolved. */
  event: 'opened' | 'escalated' | 'resolved';
  /** The body, fixed when written, so every retry sends (and signs) the same bytes. */
  body: string;
  status: DeliveryStatus;
  attempts: number;
  /** When the next attempt is due, while pending. */
  nextAttemptAt: string | null;
  /** The HTTP status of the last attempt, if it got one. */
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}
