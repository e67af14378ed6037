import { parseDuration } from '../core/duration.js';
import { DomainError, notFound } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import type { StoredEvent } from '../core/events.js';
import type {
  ExceptionRecord,
  InboxNotification,
  Silence,
  WebhookDelivery,
} from '../core/exception.js';
import { newEvent } from '../core/events.js';
import { newId } from '../core/ids.js';
import type { TokenRole } from '../core/model.js';
import type {
  DeliveryFilter,
  ExceptionFilter,
  InboxFilter,
} from '../core/ports/exception-store.js';
import type { Store, TxStores } from '../core/ports/store.js';
import { principalName, SYSTEM, type Principal } from '../core/principal.js';
import { advanceEscalations } from '../monitoring/advance-escalations.js';
import { acknowledgeException, resolveException } from '../monitoring/close-exception.js';
import { collectSnapshot } from '../monitoring/collect-snapshot.js';
import {
  DEFAULT_DETECTOR_SETTINGS,
  type DetectorSettings,
} from '../monitoring/detector-settings.js';
import { evaluateDetectors } from '../monitoring/evaluate-detectors.js';
import {
  ingestExternal,
  type ExternalAlert,
  type Ingested,
} from '../monitoring/ingest-external.js';
import type { MonitoringContext } from '../monitoring/monitoring-context.js';
import type { MonitoringPolicy } from '../monitoring/monitoring-policy.js';
import { monitoringPolicyOf } from '../monitoring/monitoring-policy-of.js';
import type { BacklogSample } from '../monitoring/monitoring-snapshot.js';
import { raiseException } from '../monitoring/raise-exception.js';
import { recordWebhookAttempt } from '../monitoring/record-webhook-attempt.js';
import { reconcileSignals, type Reconciled } from '../monitoring/reconcile-signals.js';
import type { Signal } from '../monitoring/signal.js';
import { validateSilence } from '../monitoring/validate-silence.js';
import { requireRole, requireSelfOrOperator } from '../supervision/require-role.js';
import type { EventBus } from './event-bus.js';
import { postWebhook } from './post-webhook.js';

/** The end of a silence given by its duration; an unreadable one is refused at its field. */
function silenceEnd(startsAt: string, duration: string | undefined): string {
  const seconds = duration === undefined ? null : parseDuration(duration);
  if (seconds === null || seconds <= 0)
    throw new DomainError('validation_failed', 'invalid silence', {
      issues: [{ path: 'duration', message: 'a duration such as 30m, 2h or 1d' }],
    });
  return new Date(Date.parse(startsAt) + seconds * 1000).toISOString();
}

const READERS: readonly TokenRole[] = ['admin', 'operator', 'agent', 'viewer'];
const RESPONDERS: readonly TokenRole[] = ['admin', 'operator', 'agent'];
const OPERATORS: readonly TokenRole[] = ['admin', 'operator'];

export type ExceptionDetail = ExceptionRecord & {
  /** Every event about the exception, oldest first: opening, each step, acknowledgement, end. */
  history: StoredEvent[];
};

export interface NewSilence {
  matchers: string[];
  startsAt?: string | undefined;
  /** The end, or `duration` from the start (`2h`). */
  endsAt?: string | undefined;
  duration?: string | undefined;
  comment: string;
}

/**
 * Monitoring, assembled: detectors and escalations on the engine's clock, and exceptions,
 * silences and inboxes behind the access checks they need. Reached through `ControlPlane.monitoring`.
 */
export class MonitoringService {
  /** Backlog samples of earlier evaluations: derived, rebuilt by sampling again after a restart. */
  #history: BacklogSample[] = [];
  #policy: { revision: number; policy: MonitoringPolicy } | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    /** Where webhook keys are read from (`secret_env`), at each attempt. */
    private readonly env: NodeJS.ProcessEnv = process.env,
    readonly settings: DetectorSettings = DEFAULT_DETECTOR_SETTINGS,
  ) {}

  /** The routing and escalation the applied configuration sets, compiled once per revision. */
  private async policy(): Promise<MonitoringPolicy> {
    const organization = await this.store.read.organization.get();
    const revision = organization?.revision ?? 0;
    if (this.#policy?.revision !== revision)
      this.#policy = { revision, policy: monitoringPolicyOf(organization?.routing) };
    return this.#policy.policy;
  }

  private async write<T>(
    principal: Principal,
    fn: (ctx: MonitoringContext) => Promise<T>,
  ): Promise<T> {
    const policy = await this.policy();
    const { result, events } = await this.store.transaction((tx: TxStores) =>
      fn({ tx, clock: this.clock, principal, policy }),
    );
    this.bus.publish(events);
    return result;
  }

  // ── the engine's own work, on the timer ─────────────────────────────────────────────────

  /** Runs every detector once: raises what holds now, resolves what cleared. */
  async evaluate(): Promise<Record<string, Reconciled>> {
    const snapshot = await collectSnapshot(
      this.store.read,
      this.clock.now(),
      this.settings,
      this.#history,
    );
    this.#history = [...snapshot.backlog];
    return this.write(SYSTEM, (ctx) => evaluateDetectors(ctx, snapshot, this.settings));
  }

  /**
   * Brings one source's exceptions in line with what it sees now (see reconcileSignals): how
   * later dimensions (performance's burn-rate alerts) raise and resolve theirs.
   */
  async reconcile(source: string, signals: readonly Signal[]): Promise<Reconciled> {
    return this.write(SYSTEM, (ctx) => reconcileSignals(ctx, source, signals));
  }

  /** Runs the escalation steps that are due; returns the exceptions that moved. */
  async escalate(limit = 100): Promise<ExceptionRecord[]> {
    return this.write(SYSTEM, async (ctx) => {
      const due = await ctx.tx.exceptions.listEscalationDue(ctx.clock.now().toISOString(), limit);
      const moved: ExceptionRecord[] = [];
      for (const exception of due) moved.push(await advanceEscalations(ctx, exception));
      return moved;
    });
  }

  // ── exceptions ─────────────────────────────────────────────────────────────────────────

  async list(principal: Principal, filter: ExceptionFilter): Promise<ExceptionRecord[]> {
    requireRole(principal, READERS, 'read exceptions');
    return this.store.read.exceptions.list(filter);
  }

  async get(principal: Principal, id: string): Promise<ExceptionDetail> {
    requireRole(principal, READERS, 'read exceptions');
    const exception = await this.store.read.exceptions.get(id);
    if (exception === null) throw notFound('exception', id);
    const history = await this.store.read.events.list({ subject: id, limit: 10_000 });
    return { ...exception, history };
  }

  async acknowledge(principal: Principal, id: string, comment = ''): Promise<ExceptionRecord> {
    requireRole(principal, RESPONDERS, 'acknowledge exceptions');
    return this.write(principal, (ctx) => acknowledgeException(ctx, id, comment));
  }

  async resolve(principal: Principal, id: string, reason: string): Promise<ExceptionRecord> {
    requireRole(principal, RESPONDERS, 'resolve exceptions');
    return this.write(principal, (ctx) => resolveException(ctx, id, 'manual', reason));
  }

  /**
   * Raises an exception from outside (an integration, a person): deduplicated by labels like a
   * detector's, resolved by the same source (`resolution: external`) or by hand.
   */
  async raise(
    principal: Principal,
    source: string,
    signal: Signal,
  ): Promise<{ exception: ExceptionRecord; opened: boolean }> {
    requireRole(principal, OPERATORS, 'raise exceptions');
    return this.write(principal, (ctx) => raiseException(ctx, source, signal));
  }

  /** Alerts from another system (Alertmanager's webhook): raised, or ended when resolved. */
  async ingest(
    principal: Principal,
    source: string,
    alerts: readonly ExternalAlert[],
  ): Promise<Ingested> {
    requireRole(principal, OPERATORS, 'send alerts');
    return this.write(principal, (ctx) => ingestExternal(ctx, source, alerts));
  }

  // ── webhooks ──────────────────────────────────────────────────────────────────────────

  /**
   * Posts the webhook deliveries that are due, each signed with its key from the environment,
   * and records every attempt: delivered on a 2xx answer, else retried with backoff up to
   * MAX_WEBHOOK_ATTEMPTS, then failed. At least once: a receiver dedups by the
   * `autonomy-delivery` header.
   */
  async deliverWebhooks(limit = 50): Promise<WebhookDelivery[]> {
    const due = await this.store.read.exceptions.listDeliveriesDue(
      this.clock.now().toISOString(),
      limit,
    );
    const done: WebhookDelivery[] = [];
    for (const delivery of due) {
      const outcome = await postWebhook(delivery, this.env, this.clock.now());
      const recorded = recordWebhookAttempt(delivery, outcome, this.clock.now());
      // An attempt is a delivery-log line, not a decision: no event.
      await this.store.transaction((tx) => tx.exceptions.recordDelivery(recorded));
      done.push(recorded);
    }
    return done;
  }

  async listDeliveries(principal: Principal, filter: DeliveryFilter): Promise<WebhookDelivery[]> {
    requireRole(principal, ['admin', 'operator', 'viewer'], 'read webhook deliveries');
    return this.store.read.exceptions.listDeliveries(filter);
  }

  // ── silences ───────────────────────────────────────────────────────────────────────────

  async listSilences(principal: Principal): Promise<Silence[]> {
    requireRole(principal, READERS, 'read silences');
    return this.store.read.exceptions.listSilences(this.clock.now().toISOString());
  }

  async createSilence(principal: Principal, request: NewSilence): Promise<Silence> {
    requireRole(principal, RESPONDERS, 'create silences');
    const now = this.clock.now();
    const startsAt = request.startsAt ?? now.toISOString();
    const silence: Silence = {
      id: newId('sil', now.getTime()),
      matchers: request.matchers,
      startsAt,
      endsAt: request.endsAt ?? silenceEnd(startsAt, request.duration),
      createdBy: principalName(principal),
      comment: request.comment,
      createdAt: now.toISOString(),
      expiredAt: null,
    };
    validateSilence(silence, now);
    return this.write(principal, async (ctx) => {
      await ctx.tx.exceptions.insertSilence(silence);
      ctx.tx.events.append(
        newEvent('monitoring.silence.created', silence.createdBy, silence.id, {
          matchers: [...silence.matchers],
          startsAt: silence.startsAt,
          endsAt: silence.endsAt,
          comment: silence.comment,
        }),
      );
      return silence;
    });
  }

  async expireSilence(principal: Principal, id: string): Promise<Silence> {
    requireRole(principal, RESPONDERS, 'expire silences');
    return this.write(principal, async (ctx) => {
      const silence = await ctx.tx.exceptions.getSilence(id);
      if (silence === null) throw notFound('silence', id);
      const at = ctx.clock.now().toISOString();
      if (!(await ctx.tx.exceptions.expireSilence(id, at)))
        throw new DomainError('illegal_transition', `silence '${id}' has already expired`, {
          details: { silence: id },
        });
      ctx.tx.events.append(
        newEvent('monitoring.silence.expired', principalName(principal), id, {}),
      );
      return { ...silence, expiredAt: at };
    });
  }

  // ── inboxes ────────────────────────────────────────────────────────────────────────────

  async inbox(
    principal: Principal,
    actorId: string,
    filter: InboxFilter,
  ): Promise<InboxNotification[]> {
    requireRole(principal, READERS, 'read inboxes');
    requireSelfOrOperator(principal, actorId, 'read inboxes');
    return this.store.read.exceptions.listInbox(actorId, filter);
  }

  async markRead(principal: Principal, actorId: string, ids: string[]): Promise<number> {
    requireRole(principal, RESPONDERS, 'mark notifications read');
    requireSelfOrOperator(principal, actorId, 'mark notifications read');
    // Reading is not a decision: no event, like a heartbeat.
    const { result } = await this.store.transaction((tx) =>
      tx.exceptions.markRead(actorId, ids, this.clock.now().toISOString()),
    );
    return result;
  }
}
