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
import { seriesKey, type MetricSeries } from '../core/metric.js';
import type { SeriesFilter } from '../core/ports/metric-series-store.js';
import type { Store, TxStores } from '../core/ports/store.js';
import { principalName, SYSTEM, type Principal } from '../core/principal.js';
import { advanceEscalations } from '../monitoring/advance-escalations.js';
import {
  BUILTIN_EVENT_TYPES,
  BUILTIN_SERIES,
  builtinSeriesPoints,
  countBuiltinEvents,
  firstOpenMinute,
} from '../monitoring/builtin-series-points.js';
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
import {
  recordMetricPoints,
  type NewMetricPoint,
  type RecordedPoint,
} from '../monitoring/record-metric-points.js';
import { recordWebhookAttempt } from '../monitoring/record-webhook-attempt.js';
import { reconcileSignals, type Reconciled } from '../monitoring/reconcile-signals.js';
import type { Signal } from '../monitoring/signal.js';
import { earliestWake } from '../monitoring/wake.js';
import { validateSilence } from '../monitoring/validate-silence.js';
import { refuseHaltedPrincipal } from '../supervision/halt-aware-guard.js';
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

const MINUTE = 60_000;

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
  /** The last minute the built-in series were brought up to (derived: redone after a restart). */
  #builtinMinute = 0;
  /** When the last evaluation's verdicts would next change with no new event (see Wake). */
  #wakeAt: number | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    /** Where webhook keys are read from (`secret_env`), at each attempt. */
    private readonly env: NodeJS.ProcessEnv = process.env,
    readonly settings: DetectorSettings = DEFAULT_DETECTOR_SETTINGS,
  ) {}

  /**
   * The routing and escalation the applied configuration sets, compiled once per revision; for
   * use cases of later dimensions that raise exceptions in their own transactions (budgets).
   */
  async policy(): Promise<MonitoringPolicy> {
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
    const { result, events } = await this.store.transaction(async (tx: TxStores) => {
      await refuseHaltedPrincipal(tx, principal);
      return fn({ tx, clock: this.clock, principal, policy });
    });
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
    const earliest = earliestWake(snapshot.now.getTime());
    const result = await this.write(SYSTEM, (ctx) =>
      evaluateDetectors(ctx, snapshot, this.settings, earliest.wake),
    );
    this.#wakeAt = earliest.at;
    return result;
  }

  /**
   * When monitoring has something to do next with no new event: the moment the last evaluation's
   * clock-driven detectors said a verdict would change (see Wake), or the next escalation step
   * due, whichever comes first.
   */
  async nextDue(): Promise<Date | null> {
    const escalation = await this.store.read.exceptions.nextEscalationDue();
    const now = this.clock.now().getTime();
    // A step still due after escalating waits on something else (a silence, the group's wait):
    // the periodic tick looks at it again, not a loop.
    const times = [this.#wakeAt, escalation === null ? null : Date.parse(escalation)].filter(
      (t): t is number => t !== null && t > now,
    );
    return times.length === 0 ? null : new Date(Math.min(...times));
  }

  /**
   * Scores the built-in series (per domain: items arrived, completed and failed each minute) for
   * every minute closed since they were last scored, up to an hour back. Cheap between minutes:
   * it reads the log only when a minute has closed.
   */
  async observeBuiltinSeries(): Promise<RecordedPoint[]> {
    const lastClosed = Math.floor(this.clock.now().getTime() / MINUTE) * MINUTE - MINUTE;
    if (lastClosed <= this.#builtinMinute) return [];
    const read = this.store.read;
    const domains = (await read.domains.list()).map((d) => d.id);
    const domainOfType = new Map((await read.workTypes.list()).map((t) => [t.id, t.domainId]));
    const stored = new Map<string, MetricSeries>();
    for (let after: string | undefined; ;) {
      const page = await read.metricSeries.list({ origin: 'builtin', after, limit: 1000 });
      for (const series of page) stored.set(series.key, series);
      if (page.length < 1000) break;
      after = page.at(-1)?.key;
    }
    let from = lastClosed;
    for (const domain of domains)
      for (const name of Object.values(BUILTIN_SERIES))
        from = Math.min(from, firstOpenMinute(stored.get(seriesKey(name, { domain })), lastClosed));
    const counts = new Map<string, number>();
    const since = new Date(from).toISOString();
    const until = new Date(lastClosed + MINUTE).toISOString();
    for (let afterSeq = 0; ;) {
      const page = await read.events.list({
        types: BUILTIN_EVENT_TYPES,
        since,
        until,
        afterSeq,
        limit: 5000,
      });
      countBuiltinEvents(counts, page, domainOfType);
      if (page.length < 5000) break;
      afterSeq = page.at(-1)?.seq ?? afterSeq;
    }
    const points = builtinSeriesPoints(counts, domains, stored, lastClosed);
    const recorded =
      points.length === 0
        ? []
        : await this.write(SYSTEM, (ctx) =>
            recordMetricPoints(ctx, points, this.settings, 'builtin'),
          );
    this.#builtinMinute = lastClosed;
    return recorded;
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
   * Raises an exception from outside (an integration, a person, an agent): deduplicated by labels like a
   * detector's, resolved by the same source (`resolution: external`) or by hand.
   */
  async raise(
    principal: Principal,
    source: string,
    signal: Signal,
  ): Promise<{ exception: ExceptionRecord; opened: boolean }> {
    requireRole(principal, RESPONDERS, 'raise exceptions');
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

  // ── metric series ─────────────────────────────────────────────────────────────────────

  /**
   * Records points of custom series, all or none, each scored by its series' anomaly detector
   * (an anomaly raises a `MetricAnomaly` exception).
   */
  async recordMetrics(
    principal: Principal,
    points: readonly NewMetricPoint[],
  ): Promise<RecordedPoint[]> {
    requireRole(principal, RESPONDERS, 'report metrics');
    return this.write(principal, (ctx) => recordMetricPoints(ctx, points, this.settings));
  }

  async listSeries(principal: Principal, filter: SeriesFilter): Promise<MetricSeries[]> {
    requireRole(principal, READERS, 'read metric series');
    return this.store.read.metricSeries.list(filter);
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
