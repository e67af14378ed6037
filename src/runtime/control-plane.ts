import { addDependency } from '../coordination/add-dependency.js';
import { claimWork, type ClaimOutcome } from '../coordination/claim-work.js';
import { createWork, type NewWork } from '../coordination/create-work.js';
import { dispatchOffers } from '../coordination/dispatch-offers.js';
import { expireLeases } from '../coordination/expire-leases.js';
import { explainWork, type WorkExplanation } from '../coordination/explain-work.js';
import { learnedEstimates, type LearnedEstimates } from '../coordination/learned-estimates.js';
import { preemptForCritical, preemptQueuedCritical } from '../coordination/preempt-for-critical.js';
import { recordHeartbeat, setActorStatus } from '../coordination/set-actor-status.js';
import {
  transitionWork,
  type RequestableAction,
  type TransitionOptions,
} from '../coordination/transition-work.js';
import type { WorkContext } from '../coordination/work-context.js';
import { applyOrgConfig, loadOrgModel, type ApplyResult } from '../core/apply-org-config.js';
import type { AuthorityConfig } from '../core/authority-config.js';
import { systemClock, type Clock } from '../core/clock.js';
import { DomainError, notFound } from '../core/errors.js';
import { newEvent, type StoredEvent } from '../core/events.js';
import type { ChainVerification } from '../core/hash-chain.js';
import type { Halt, HaltScope } from '../core/halt.js';
import type {
  Actor,
  ActorStatus,
  ApiToken,
  Domain,
  TokenRole,
  WorkItem,
  WorkType,
} from '../core/model.js';
import {
  orgConfigSchema,
  toOrgConfigDocument,
  toOrgModel,
  type OrgConfigInput,
  type OrgModel,
} from '../core/org-config.js';
import type { EventFilter } from '../core/ports/event-log.js';
import type { Organization } from '../core/ports/organization-store.js';
import type { ReadStores, Store, TxStores } from '../core/ports/store.js';
import type { WorkCountFilter, WorkFilter, WorkStateCounts } from '../core/ports/work-store.js';
import { principalName, SYSTEM, type Principal } from '../core/principal.js';
import {
  authenticate,
  issueToken,
  revokeToken,
  type IssuedToken,
} from '../supervision/api-tokens.js';
import { requireRole, requireSelfOrOperator } from '../supervision/require-role.js';
import { haltAgents, liftHalt } from '../supervision/halt-agents.js';
import { haltAwareGuard, refuseHaltedPrincipal } from '../supervision/halt-aware-guard.js';
import { roleWorkGuard } from '../supervision/role-work-guard.js';
import { authorityWorkGuard } from '../supervision/authority-work-guard.js';
import type { Authority } from '../supervision/build-authority.js';
import { TrustLevels } from '../supervision/trust-levels.js';
import { compileAuthority } from '../supervision/compile-authority.js';
import type { AuthorityDecision } from '../supervision/decide-authority.js';
import { loadAuthority } from '../supervision/load-authority.js';
import { pauseAwareAuthority } from '../supervision/pause-aware-authority.js';
import { spendWorkApproval } from '../supervision/use-approval.js';
import { verifyAuditLog } from '../supervision/verify-audit-log.js';
import type { MigrationReport } from '../store/migrate.js';
import { openStore } from '../store/open-store.js';
import { SqlStore, type CommitCounts } from '../store/sql-store.js';
import { EventBus } from './event-bus.js';
import {
  DEFAULT_DETECTOR_SETTINGS,
  type DetectorSettings,
} from '../monitoring/detector-settings.js';
import { ApprovalService } from './approval-service.js';
import { MonitoringService } from './monitoring-service.js';
import { ControlService, type MeteredAction } from './control-service.js';
import { OutcomeService } from './outcome-service.js';
import { PerformanceService } from './performance-service.js';
import { TrustService } from './trust-service.js';
import type { MetricReader } from '../core/ports/metric-reader.js';
import { DEFAULT_OFFER_SECONDS, type RuntimeConfig } from './runtime-config.js';

/**
 * Checks authority policies against the schema their organization's actions make; throws
 * `invalid_config` naming file (its path from `paths` when given, by index), line and column of
 * each problem. Apply does the same.
 */
export function validateAuthority(authority: AuthorityConfig, paths?: readonly string[]): void {
  compileAuthority(authority, paths);
}

/** An authority decision as the API answers it. */
export type AuthorityCheck = AuthorityDecision & {
  /** False when the organization has no policies (token roles alone decide). */
  configured: boolean;
  /** The configuration revision whose policies decided. */
  revision: number;
  actorId: string;
};

export type WorkDetail = WorkItem & {
  /** Every event about the item, oldest first. */
  history: StoredEvent[];
};

const READERS: readonly TokenRole[] = ['admin', 'operator', 'agent', 'viewer'];
const WRITERS: readonly TokenRole[] = ['admin', 'operator', 'agent'];

/**
 * The control plane assembled: one store, one clock, one event bus, and every use case behind
 * the access check it needs. HTTP, MCP and the CLI all call this and nothing below it.
 */
export class ControlPlane {
  readonly bus = new EventBus();
  /** Exceptions: detectors, routing, escalation, silences and inboxes. */
  readonly monitoring: MonitoringService;
  /** Rollups folded from the log, KPIs and the MetricReader. */
  readonly performance: PerformanceService;
  /** SLOs and objectives, measured through the rollups (or the metric reader given at open). */
  readonly outcomes: OutcomeService;
  /** Approvals bound to the exact action, and custom actions recorded through the authority. */
  readonly approvals: ApprovalService;
  /** Earned trust levels: records folded from the log, promotions, incidents, overrides. */
  readonly trust: TrustService;
  /** Pauses, redirects, budgets and rate limits: controls on agents short of a halt. */
  readonly controls: ControlService;
  /** The compiled authority of the last revision seen: rebuilt only when the revision moves. */
  #authority: Authority | null = null;

  private constructor(
    private readonly store: Store,
    readonly clock: Clock,
    readonly config: Pick<RuntimeConfig, 'leaseSeconds' | 'offerSeconds'> &
      Partial<Pick<RuntimeConfig, 'minuteRollupHours'>>,
    /** Where the data lives (file path or URL without password), for messages. */
    readonly location: string,
    /** What opening the store migrated. */
    readonly migrations: MigrationReport,
    detectorSettings: DetectorSettings = DEFAULT_DETECTOR_SETTINGS,
    metricReader: MetricReader | null = null,
  ) {
    this.monitoring = new MonitoringService(store, clock, this.bus, process.env, detectorSettings);
    this.performance = new PerformanceService(store, clock, this.bus, {
      ...(config.minuteRollupHours === undefined
        ? {}
        : { minuteRetentionMs: config.minuteRollupHours * 3_600_000 }),
    });
    this.outcomes = new OutcomeService(
      store,
      clock,
      this.bus,
      this.monitoring,
      metricReader ?? this.performance.foldedMetrics,
    );
    this.trust = new TrustService(store, clock, this.bus, (stores) => this.authorityOf(stores));
    this.controls = new ControlService(store, clock, this.monitoring, (principal, fn) =>
      this.write(async (tx) => fn(await this.workContext(tx, principal))),
    );
    this.approvals = new ApprovalService(store, clock, this.bus, this.monitoring, (stores) =>
      this.agentAuthorityOf(stores),
    );
  }

  static async open(
    config: Pick<RuntimeConfig, 'databaseUrl' | 'leaseSeconds'> &
      Partial<Pick<RuntimeConfig, 'offerSeconds' | 'minuteRollupHours'>>,
    options: {
      clock?: Clock;
      /** How sensitive the detectors are (the defaults suit most organizations). */
      detectorSettings?: Partial<DetectorSettings>;
      /**
       * Where SLOs and key results read metrics instead of the store's own rollups (a test's
       * fixed figures, another system). A function of the store, so one over it can be made.
       */
      metricReader?: MetricReader | ((store: Store) => MetricReader);
    } = {},
  ): Promise<ControlPlane> {
    const clock = options.clock ?? systemClock;
    const { store, location, migrations } = await openStore(config.databaseUrl, clock);
    return new ControlPlane(
      store,
      clock,
      {
        leaseSeconds: config.leaseSeconds,
        offerSeconds: config.offerSeconds ?? DEFAULT_OFFER_SECONDS,
        ...(config.minuteRollupHours === undefined
          ? {}
          : { minuteRollupHours: config.minuteRollupHours }),
      },
      location,
      migrations ?? { applied: [], current: [] },
      { ...DEFAULT_DETECTOR_SETTINGS, ...options.detectorSettings },
      typeof options.metricReader === 'function'
        ? options.metricReader(store)
        : (options.metricReader ?? null),
    );
  }

  get dialect(): Store['dialect'] {
    return this.store.dialect;
  }

  async close(): Promise<void> {
    await this.performance.stop();
    await this.trust.stop();
    await this.store.close();
  }

  /**
   * Commits and the transactions they made durable since opening, for a SQL store (SQLite
   * commits transactions that arrive together at once); null for a store that does not count.
   */
  commitCounts(): CommitCounts | null {
    return this.store instanceof SqlStore ? { ...this.store.commitCounts } : null;
  }

  /** Runs a use case in one transaction and announces what it committed. */
  private async write<T>(fn: (tx: TxStores) => Promise<T>): Promise<T> {
    const { result, events } = await this.store.transaction(fn);
    this.bus.publish(events);
    return result;
  }

  /**
   * What a coordination use case runs with. The halts, pauses and redirects in force are read in
   * the transaction: a halted agent's own requests are refused here, and no halted, paused or
   * redirected agent is given work. An agent's work `action` is counted against its budget
   * here, and refused over it.
   */
  private async workContext(
    tx: TxStores,
    principal: Principal,
    options: {
      /** An approval the request carries, spent in this transaction. */
      approval?: Parameters<typeof spendWorkApproval>[2] | null;
      /** The agent's work action, counted against its budget. */
      action?: MeteredAction;
    } = {},
  ): Promise<WorkContext> {
    const halts = await refuseHaltedPrincipal(tx, principal);
    let guard = await this.controls.guard(tx, haltAwareGuard(roleWorkGuard, halts));
    // An approval the request carries is spent in this transaction: undone if the action fails.
    const approved =
      options.approval === undefined || options.approval === null
        ? null
        : await spendWorkApproval(
            tx,
            principal.kind === 'token' ? principal.actorId : null,
            options.approval,
            this.clock.now().toISOString(),
          );
    // Authority policies and budgets govern agent tokens; others need not even read the
    // revision. The agent's trust levels are read here, in the transaction, so a change counts
    // at once.
    const authority =
      principal.kind === 'token' && principal.role === 'agent' ? await this.authorityOf(tx) : null;
    if (authority !== null && principal.kind === 'token') {
      const trust =
        principal.actorId === null
          ? undefined
          : await this.trust.levelsFor(tx, principal.actorId, authority);
      guard = authorityWorkGuard(guard, authority, approved, trust);
    }
    const ctx: WorkContext = {
      tx,
      clock: this.clock,
      principal,
      guard,
      leaseSeconds: this.config.leaseSeconds,
      offerSeconds: this.config.offerSeconds,
    };
    if (authority !== null && options.action !== undefined)
      await this.controls.meter(ctx, authority.revision, options.action);
    return ctx;
  }

  /**
   * The authority agents are decided by outside the work queue — authority checks, approval
   * requests and decisions, custom actions, the map of what an agent may do: the policies of
   * the revision, with the trust levels and the pauses in force as `stores` see them (a
   * transaction's, for a use case), so a promotion or a pause counts from the very next
   * request. Work actions read the same pauses in their guard (see workContext). Off the hot
   * claim path, so reading every agent's levels is fine; `actorId` reads only that agent's,
   * for a caller that decides about it alone.
   */
  private async agentAuthorityOf(
    stores: Pick<
      ReadStores,
      'organization' | 'actors' | 'domains' | 'workTypes' | 'trust' | 'controls'
    >,
    actorId?: string,
  ): Promise<Authority> {
    const authority = await this.authorityOf(stores);
    const controls = await stores.controls.listActive();
    if (!authority.configured) return pauseAwareAuthority(authority, controls);
    const levels = new TrustLevels(
      await stores.trust.levels(actorId === undefined ? {} : { actorId }),
      authority.trust,
    );
    return pauseAwareAuthority(
      {
        ...authority,
        decide: (actor, action, resource, context, trust) =>
          authority.decide(actor, action, resource, context, trust ?? levels),
      },
      controls,
    );
  }

  /** The authority of the revision `stores` see, compiled once per revision. */
  private async authorityOf(
    stores: Pick<ReadStores, 'organization' | 'actors' | 'domains' | 'workTypes'>,
  ): Promise<Authority> {
    const authority = await loadAuthority(stores, this.#authority);
    this.#authority = authority;
    return authority;
  }

  /**
   * Records that a token's request was refused, in a transaction of its own (the refused one
   * changed nothing): every forbidden or approval-required attempt is in the audit log. A
   * refusal its use case already recorded (`details.recorded`) is not recorded twice.
   */
  async recordRefusal(
    principal: Principal | null,
    via: 'http' | 'mcp',
    operation: string,
    error: DomainError,
  ): Promise<void> {
    if (principal?.kind !== 'token') return;
    if (error.code !== 'forbidden' && error.code !== 'approval_required') return;
    if (error.details.recorded === true) return;
    await this.write((tx) => {
      tx.events.append(
        newEvent('supervision.access.refused', principalName(principal), null, {
          via,
          operation,
          code: error.code,
          reason: error.message,
          role: principal.role,
        }),
      );
      return Promise.resolve();
    });
  }

  // ── organization as code ───────────────────────────────────────────────────────────────

  async organization(): Promise<Organization | null> {
    return this.store.read.organization.get();
  }

  async applyConfig(
    principal: Principal,
    desired: OrgModel,
    source: string,
    options: { dryRun?: boolean } = {},
  ): Promise<ApplyResult> {
    requireRole(principal, ['admin'], 'apply configuration');
    // Policies are validated against the schema the file's own actions make, before anything
    // is written: one bad policy and nothing is applied.
    if (desired.authority !== undefined) compileAuthority(desired.authority);
    return this.write((tx) =>
      applyOrgConfig(tx, this.clock, principalName(principal), desired, source, options),
    );
  }

  /**
   * Validates an organization document (the JSON form of org.yaml) and applies it. Access is
   * checked first, so a caller without the right learns nothing about the document.
   */
  async applyConfigDocument(
    principal: Principal,
    document: unknown,
    source: string,
    options: { dryRun?: boolean } = {},
  ): Promise<ApplyResult> {
    requireRole(principal, ['admin'], 'apply configuration');
    const parsed = orgConfigSchema.safeParse(document);
    if (!parsed.success) {
      throw new DomainError('invalid_config', 'invalid organization configuration', {
        // An unknown key is reported at the object holding it; name the key itself.
        issues: parsed.error.issues.flatMap((issue) =>
          issue.code === 'unrecognized_keys'
            ? issue.keys.map((key) => ({
                path: [...issue.path, key].join('.'),
                message: 'unknown field',
              }))
            : [{ path: issue.path.join('.'), message: issue.message }],
        ),
      });
    }
    return this.applyConfig(principal, toOrgModel(parsed.data), source, options);
  }

  async exportConfig(principal: Principal): Promise<OrgConfigInput | null> {
    requireRole(principal, READERS, 'read configuration');
    const model = await loadOrgModel(this.store.read);
    return model === null ? null : toOrgConfigDocument(model);
  }

  // ── work ───────────────────────────────────────────────────────────────────────────────

  /**
   * Creates a work item. A critical item that nobody with the skills has room for may, in a
   * domain that allows it, take the place of lower-priority work at once, in the same
   * transaction: the engine decides that (as `system`), not the creator. Returns the item as the
   * transaction left it.
   */
  async createWork(principal: Principal, input: NewWork): Promise<WorkItem> {
    requireRole(principal, WRITERS, 'create work');
    return this.write(async (tx) => {
      const ctx = await this.workContext(tx, principal, { action: { operation: 'create' } });
      const item = await createWork(ctx, input);
      if (item.priorityClass !== 'critical' || item.state !== 'queued') return item;
      const outcome = await preemptForCritical(await this.workContext(tx, SYSTEM), item.id);
      return outcome.preempted === null ? item : outcome.item;
    });
  }

  /**
   * One work action. `approvalId` carries a person's approval of exactly this action, item and
   * options (the request without `approvalId`), where the authority policies require one.
   */
  async transitionWork(
    principal: Principal,
    id: string,
    action: RequestableAction,
    options: TransitionOptions & { approvalId?: string | undefined } = {},
  ): Promise<WorkItem> {
    requireRole(principal, WRITERS, `${action} work`);
    const { approvalId, ...rest } = options;
    const approval =
      approvalId === undefined
        ? null
        : { approvalId, action, workItemId: id, arguments: rest as Record<string, unknown> };
    return this.write(async (tx) =>
      transitionWork(
        await this.workContext(tx, principal, {
          approval,
          action: { operation: action, itemId: id },
        }),
        id,
        action,
        rest,
      ),
    );
  }

  async addDependency(principal: Principal, id: string, dependsOn: string): Promise<WorkItem> {
    requireRole(principal, WRITERS, 'change dependencies');
    return this.write(async (tx) =>
      addDependency(
        await this.workContext(tx, principal, {
          action: { operation: 'add_dependency', itemId: id },
        }),
        id,
        dependsOn,
      ),
    );
  }

  /**
   * Pull: the actor (an agent token's own, or any for operators) receives its best queued item
   * with a lease, or the reason there is none.
   */
  async claimWork(principal: Principal, actorId: string | undefined): Promise<ClaimOutcome> {
    requireRole(principal, WRITERS, 'claim work');
    const actor = actorId ?? (principal.kind === 'token' ? principal.actorId : null);
    if (actor === null) {
      throw new DomainError('validation_failed', 'name the actor to claim for', {
        issues: [{ path: 'actorId', message: 'required unless the token is bound to an actor' }],
      });
    }
    return this.write(async (tx) =>
      claimWork(await this.workContext(tx, principal, { action: { operation: 'claim' } }), actor),
    );
  }

  async explainWork(principal: Principal, id: string): Promise<WorkExplanation> {
    requireRole(principal, READERS, 'read work');
    const item = await this.store.read.work.get(id);
    if (item === null) throw notFound('work item', id);
    return explainWork(this.store.read, item, this.clock.now());
  }

  /** Push: offers queued work to actors in push mode; the runtime's timer calls this. */
  async dispatchOffers(limit = 100): Promise<WorkItem[]> {
    return this.write(async (tx) => dispatchOffers(await this.workContext(tx, SYSTEM), limit));
  }

  /**
   * Makes room for queued critical items nobody with the skills has room for, in domains that
   * allow preemption; the runtime's timer calls this.
   */
  async preemptForCritical(limit = 100): Promise<string[]> {
    return this.write(async (tx) =>
      preemptQueuedCritical(await this.workContext(tx, SYSTEM), limit),
    );
  }

  /** Re-queues items whose lease or offer ran out; the runtime's timer calls this. */
  async expireLeases(limit = 100): Promise<string[]> {
    return this.write(async (tx) => expireLeases(await this.workContext(tx, SYSTEM), limit));
  }

  async getWork(principal: Principal, id: string): Promise<WorkDetail> {
    requireRole(principal, READERS, 'read work');
    const item = await this.store.read.work.get(id);
    if (item === null) throw notFound('work item', id);
    const history = await this.store.read.events.list({ subject: id, limit: 10_000 });
    return { ...item, history };
  }

  async listWork(principal: Principal, filter: WorkFilter): Promise<WorkItem[]> {
    requireRole(principal, READERS, 'read work');
    return this.store.read.work.list(filter);
  }

  async countWork(principal: Principal, filter: WorkCountFilter): Promise<WorkStateCounts> {
    requireRole(principal, READERS, 'read work');
    return this.store.read.work.countByState(filter);
  }

  // ── actors and the organization model ───────────────────────────────────────────────────

  async listActors(
    principal: Principal,
    filter: { kind?: Actor['kind'] | undefined; status?: ActorStatus | undefined } = {},
  ): Promise<Actor[]> {
    requireRole(principal, READERS, 'read actors');
    return this.store.read.actors.list(filter);
  }

  async getActor(principal: Principal, id: string): Promise<Actor & { held: number }> {
    requireRole(principal, READERS, 'read actors');
    const actor = await this.store.read.actors.get(id);
    if (actor === null) throw notFound('actor', id);
    return { ...actor, held: await this.store.read.work.countHeldBy(id) };
  }

  async setActorStatus(principal: Principal, id: string, status: ActorStatus): Promise<Actor> {
    requireRole(principal, WRITERS, 'change actor status');
    requireSelfOrOperator(principal, id, 'change actor status');
    return this.write(async (tx) =>
      setActorStatus(await this.workContext(tx, principal), id, status),
    );
  }

  async heartbeat(principal: Principal, id: string): Promise<Actor> {
    requireRole(principal, WRITERS, 'send heartbeats');
    requireSelfOrOperator(principal, id, 'send heartbeats');
    return this.write(async (tx) => recordHeartbeat(await this.workContext(tx, principal), id));
  }

  async listDomains(principal: Principal): Promise<Domain[]> {
    requireRole(principal, READERS, 'read domains');
    return this.store.read.domains.list();
  }

  async getDomain(principal: Principal, id: string): Promise<Domain> {
    requireRole(principal, READERS, 'read domains');
    const domain = await this.store.read.domains.get(id);
    if (domain === null) throw notFound('domain', id);
    return domain;
  }

  async listWorkTypes(principal: Principal): Promise<WorkType[]> {
    requireRole(principal, READERS, 'read work types');
    return this.store.read.workTypes.list();
  }

  async getWorkType(principal: Principal, id: string): Promise<WorkType> {
    requireRole(principal, READERS, 'read work types');
    const type = await this.store.read.workTypes.get(id);
    if (type === null) throw notFound('work type', id);
    return type;
  }

  /** What was learned about a work type and each actor on it, and the estimates in use. */
  async learnedEstimates(principal: Principal, typeId: string): Promise<LearnedEstimates> {
    requireRole(principal, READERS, 'read work types');
    const type = await this.store.read.workTypes.get(typeId);
    if (type === null) throw notFound('work type', typeId);
    return learnedEstimates(this.store.read.workStats, type);
  }

  // ── supervision: authority ──────────────────────────────────────────────────────────────

  /**
   * What the authority policies decide about an actor taking an action on a resource: allow,
   * approval required or deny, with the policies that decided; deny, naming the pause, while
   * the action's class is paused for the actor. An agent token asks about itself only; people
   * may ask about anyone.
   */
  async checkAuthority(
    principal: Principal,
    request: {
      actorId?: string | undefined;
      action: string;
      resource: { type: 'WorkItem' | 'Domain'; id: string };
      context?: Record<string, unknown> | undefined;
    },
  ): Promise<AuthorityCheck> {
    requireRole(principal, READERS, 'check authority');
    const actorId = request.actorId ?? (principal.kind === 'token' ? principal.actorId : null);
    if (actorId === null)
      throw new DomainError('validation_failed', 'name the actor to check', {
        issues: [{ path: 'actorId', message: 'required unless the token is bound to an actor' }],
      });
    if (principal.kind === 'token' && principal.role === 'agent')
      requireSelfOrOperator(principal, actorId, 'check authority');
    const read = this.store.read;
    if ((await read.actors.get(actorId)) === null)
      throw new DomainError('unknown_reference', `actor '${actorId}' does not exist`, {
        issues: [{ path: 'actorId', message: 'unknown actor' }],
      });
    let resource: Parameters<Authority['decide']>[2];
    if (request.resource.type === 'WorkItem') {
      const item = await read.work.get(request.resource.id);
      if (item === null)
        throw new DomainError(
          'unknown_reference',
          `work item '${request.resource.id}' does not exist`,
          {
            issues: [{ path: 'resource.id', message: 'unknown work item' }],
          },
        );
      resource = { kind: 'workItem', item };
    } else {
      if ((await read.domains.get(request.resource.id)) === null)
        throw new DomainError(
          'unknown_reference',
          `domain '${request.resource.id}' does not exist`,
          {
            issues: [{ path: 'resource.id', message: 'unknown domain' }],
          },
        );
      resource = { kind: 'domain', id: request.resource.id };
    }
    const authority = await this.agentAuthorityOf(read, actorId);
    const decision = authority.decide(
      actorId,
      request.action,
      resource,
      (request.context ?? {}) as Parameters<Authority['decide']>[3],
    );
    return { ...decision, configured: authority.configured, revision: authority.revision, actorId };
  }

  /** The Cedar schema policies are written against, for the revision in force (null: no policies). */
  async authoritySchema(
    principal: Principal,
  ): Promise<{ revision: number; schema: string | null }> {
    requireRole(principal, READERS, 'read authority');
    const authority = await this.authorityOf(this.store.read);
    return { revision: authority.revision, schema: authority.schema };
  }

  // ── supervision: halts ──────────────────────────────────────────────────────────────────

  /**
   * Stops agents — one, a domain's, or all — until a person lifts the halt; what they held goes
   * back to the queue at once. People (admins, operators) halt; agents never do.
   */
  async halt(
    principal: Principal,
    scope: HaltScope,
    reason: string,
  ): Promise<{ halt: Halt; requeued: string[] }> {
    requireRole(principal, ['admin', 'operator'], 'halt agents');
    return this.write(async (tx) =>
      haltAgents(await this.workContext(tx, principal), scope, reason),
    );
  }

  async liftHalt(principal: Principal, id: string, reason: string): Promise<Halt> {
    requireRole(principal, ['admin', 'operator'], 'lift halts');
    return this.write(async (tx) => liftHalt(await this.workContext(tx, principal), id, reason));
  }

  /** Halts in force (oldest first), or every halt (newest first, paged by `before`). */
  async listHalts(
    principal: Principal,
    filter: { active?: boolean | undefined; before?: string | undefined; limit: number },
  ): Promise<Halt[]> {
    requireRole(principal, READERS, 'read halts');
    return filter.active === true
      ? this.store.read.halts.listActive()
      : this.store.read.halts.list(filter);
  }

  // ── access ─────────────────────────────────────────────────────────────────────────────

  async authenticate(secret: string): Promise<Principal | null> {
    return authenticate(this.store.read.tokens, secret);
  }

  async issueToken(
    principal: Principal,
    request: { name: string; role: TokenRole; actorId?: string | null | undefined },
  ): Promise<IssuedToken> {
    requireRole(principal, ['admin'], 'create tokens');
    return this.write((tx) => issueToken(tx, this.clock, principalName(principal), request));
  }

  /** Revokes a token: every request with it is refused from the very next one, HTTP or MCP. */
  async revokeToken(principal: Principal, id: string, reason?: string): Promise<ApiToken> {
    requireRole(principal, ['admin'], 'revoke tokens');
    return this.write((tx) => revokeToken(tx, this.clock, principalName(principal), id, reason));
  }

  async listTokens(principal: Principal): Promise<ApiToken[]> {
    requireRole(principal, ['admin'], 'list tokens');
    return this.store.read.tokens.list();
  }

  // ── the log ────────────────────────────────────────────────────────────────────────────

  async listEvents(principal: Principal, filter: EventFilter): Promise<StoredEvent[]> {
    requireRole(principal, READERS, 'read events');
    return this.store.read.events.list(filter);
  }

  /** The sequence number of the newest event (0 for an empty log). */
  async latestSeq(principal: Principal): Promise<number> {
    requireRole(principal, READERS, 'read events');
    return (await this.store.read.events.head())?.seq ?? 0;
  }

  async verifyAudit(principal: Principal): Promise<ChainVerification> {
    requireRole(principal, ['admin', 'operator', 'viewer'], 'verify the audit log');
    return verifyAuditLog(this.store.read.events);
  }
}
