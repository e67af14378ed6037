import {
  diffArguments,
  type Approval,
  type ApprovalResource,
  type ApprovalState,
  type ArgumentChange,
} from '../core/approval.js';
import { pauseRef, type PauseRef } from '../core/agent-control.js';
import type { Clock } from '../core/clock.js';
import { haltCovering, type Halt } from '../core/halt.js';
import { DomainError, notFound } from '../core/errors.js';
import { newEvent } from '../core/events.js';
import type { TokenRole } from '../core/model.js';
import type { ReadStores, Store, TxStores } from '../core/ports/store.js';
import { principalName, SYSTEM, type Principal } from '../core/principal.js';
import type { ApprovalContext } from '../supervision/approval-context.js';
import type { Authority } from '../supervision/build-authority.js';
import {
  decideApproval,
  expireApprovals,
  refusalToDecide,
  type ApprovalDecision,
} from '../supervision/decide-approval.js';
import { authorityMap, type AuthorityMap } from '../supervision/authority-map.js';
import { refuseHaltedPrincipal } from '../supervision/halt-aware-guard.js';
import { performAction, type PerformedAction } from '../supervision/perform-action.js';
import { requestApproval } from '../supervision/request-approval.js';
import { requireRole, requireSelfOrOperator } from '../supervision/require-role.js';
import type { EventBus } from './event-bus.js';
import type { MonitoringService } from './monitoring-service.js';

const READERS: readonly TokenRole[] = ['admin', 'operator', 'agent', 'viewer'];
const WRITERS: readonly TokenRole[] = ['admin', 'operator', 'agent'];

/** The longest a caller may wait for a decision in one request. */
export const MAX_WAIT_SECONDS = 300;

/** An approval as the API shows it: with what the approver's edits changed. */
export type ApprovalView = Approval & {
  /** The diff from the requested to the approved arguments (empty unless approved with edits). */
  changes: ArgumentChange[];
};

const view = (approval: Approval): ApprovalView => ({
  ...approval,
  changes:
    approval.approvedArguments === null
      ? []
      : diffArguments(approval.arguments, approval.approvedArguments),
});

export interface NewApprovalRequest {
  /** The agent that will act; an agent token's own actor by default. */
  actorId?: string | undefined;
  action: string;
  resource: ApprovalResource;
  arguments?: Record<string, unknown> | undefined;
  justification?: string | undefined;
  webhook?: { url: string } | undefined;
}

/**
 * Approvals, assembled: agents ask for a person's go-ahead on one exact action, people decide,
 * agents wait and then act once; custom actions are recorded through the same authority.
 * Reached through `ControlPlane.approvals`.
 */
export class ApprovalService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    private readonly monitoring: MonitoringService,
    /**
     * The authority in force, with the agents' trust levels and the pauses as `stores` see
     * them: a pause of a class denies its actions, approvals and checks.
     */
    private readonly authorityFor: (
      stores: Pick<
        ReadStores,
        'organization' | 'actors' | 'domains' | 'workTypes' | 'trust' | 'controls'
      >,
    ) => Promise<Authority>,
  ) {}

  /**
   * Runs an approval use case in one transaction (a halted agent is refused first), deciding
   * with the authority as the transaction sees it: trust levels and pauses in force.
   */
  private async write<T>(
    principal: Principal,
    fn: (ctx: ApprovalContext) => Promise<T>,
  ): Promise<T> {
    const routing = await this.monitoring.policy();
    const { result, events } = await this.store.transaction(async (tx: TxStores) => {
      await refuseHaltedPrincipal(tx, principal);
      const authority = await this.authorityFor(tx);
      return fn({ tx, clock: this.clock, principal, authority, routing });
    });
    this.bus.publish(events);
    return result;
  }

  /** The agent a request is for: an agent token's own; people name one. */
  private actorFor(principal: Principal, actorId: string | undefined, what: string): string {
    const actor = actorId ?? (principal.kind === 'token' ? principal.actorId : null);
    if (actor === null)
      throw new DomainError('validation_failed', 'name the agent that will act', {
        issues: [{ path: 'actorId', message: 'required unless the token is bound to an actor' }],
      });
    requireSelfOrOperator(principal, actor, what);
    return actor;
  }

  /**
   * Asks approval for one action on one resource with these arguments: refused when the
   * policies allow it anyway (nothing to approve) or deny it.
   */
  async request(principal: Principal, request: NewApprovalRequest): Promise<ApprovalView> {
    requireRole(principal, WRITERS, 'request approvals');
    const actorId = this.actorFor(principal, request.actorId, 'request approvals');
    if ((await this.store.read.actors.get(actorId)) === null)
      throw new DomainError('unknown_reference', `actor '${actorId}' does not exist`, {
        issues: [{ path: 'actorId', message: 'unknown actor' }],
      });
    const approval = await this.write(principal, (ctx) =>
      requestApproval(ctx, {
        actorId,
        action: request.action,
        resource: request.resource,
        arguments: request.arguments ?? {},
        justification: request.justification,
        webhook: request.webhook,
      }),
    );
    return view(approval);
  }

  /** Oldest first, paged by id. */
  async list(
    principal: Principal,
    filter: {
      state?: ApprovalState | undefined;
      actorId?: string | undefined;
      after?: string | undefined;
      limit: number;
    },
  ): Promise<ApprovalView[]> {
    requireRole(principal, READERS, 'read approvals');
    return (await this.store.read.approvals.list(filter)).map(view);
  }

  async get(principal: Principal, id: string): Promise<ApprovalView> {
    requireRole(principal, READERS, 'read approvals');
    // Readable by every reader, as its events are: only its own agent can use it.
    const approval = await this.store.read.approvals.get(id);
    if (approval === null) throw notFound('approval', id);
    return view(approval);
  }

  /**
   * The approval once it is decided (or expired, or used), or as it is after `waitSeconds`:
   * woken by the event bus when its events commit, never by polling the store.
   */
  async await(
    principal: Principal,
    id: string,
    waitSeconds: number,
    /** Ends the wait early (the client went away, the server is closing). */
    signal?: AbortSignal,
  ): Promise<ApprovalView> {
    let wake: () => void = () => undefined;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    // Listening before the first read: a decision committed in between still wakes us.
    const unsubscribe = this.bus.subscribe((events) => {
      if (events.some((e) => e.subject === id && e.type.startsWith('supervision.approval.')))
        wake();
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      const first = await this.get(principal, id);
      if (first.state !== 'pending' || waitSeconds <= 0) return first;
      const ms = Math.min(waitSeconds, MAX_WAIT_SECONDS) * 1000;
      signal?.addEventListener('abort', wake, { once: true });
      if (signal?.aborted === true) wake();
      await Promise.race([woken, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
      return await this.get(principal, id);
    } finally {
      unsubscribe();
      signal?.removeEventListener('abort', wake);
      if (timer !== undefined) clearTimeout(timer);
    }
  }

  approve(
    principal: Principal,
    id: string,
    edits: { arguments?: Record<string, unknown> | undefined; reason?: string | undefined } = {},
  ): Promise<ApprovalView> {
    return this.decide(principal, id, { kind: 'approve', ...edits });
  }

  reject(principal: Principal, id: string, reason: string): Promise<ApprovalView> {
    return this.decide(principal, id, { kind: 'reject', reason });
  }

  /**
   * A decision by a person entitled to it. Anyone else's attempt (an agent, the requester, a
   * person who is not an approver) is refused with 403 and recorded in the log, the approval
   * unchanged.
   */
  private async decide(
    principal: Principal,
    id: string,
    decision: ApprovalDecision,
  ): Promise<ApprovalView> {
    const approval = await this.store.read.approvals.get(id);
    if (approval === null) throw notFound('approval', id);
    const refusal = refusalToDecide(principal, approval);
    if (refusal !== null) {
      const { events } = await this.store.transaction((tx) => {
        tx.events.append(
          newEvent('supervision.approval.decision_refused', principalName(principal), id, {
            attempted: decision.kind,
            role: principal.kind === 'token' ? principal.role : principal.kind,
            reason: refusal,
          }),
        );
        return Promise.resolve();
      });
      this.bus.publish(events);
      throw new DomainError('forbidden', refusal, { details: { approval: id, recorded: true } });
    }
    return view(await this.write(principal, (ctx) => decideApproval(ctx, id, decision)));
  }

  /**
   * Records a custom action an agent takes outside the control plane, after the authority
   * decides it (an approval is needed, and spent, where the policies require one).
   */
  async perform(
    principal: Principal,
    request: {
      actorId?: string | undefined;
      action: string;
      resource: ApprovalResource;
      arguments?: Record<string, unknown> | undefined;
      approvalId?: string | undefined;
    },
  ): Promise<PerformedAction> {
    requireRole(principal, WRITERS, 'perform actions');
    const actorId = this.actorFor(principal, request.actorId, 'perform actions');
    return this.write(principal, (ctx) =>
      performAction(ctx, {
        actorId,
        action: request.action,
        resource: request.resource,
        arguments: request.arguments ?? {},
        approvalId: request.approvalId,
      }),
    );
  }

  /**
   * For an agent: which actions it may take where (allow, approval, deny per action, work type
   * and domain; see authorityMap) under the policies and pauses in force, and the halts and
   * pauses that stop it now.
   */
  async actorAuthority(
    principal: Principal,
    actorId?: string,
  ): Promise<AuthorityMap & { halts: Halt[]; pauses: PauseRef[] }> {
    requireRole(principal, READERS, 'read authority');
    const actor = this.actorFor(principal, actorId, 'read authority');
    const read = this.store.read;
    const found = await read.actors.get(actor);
    if (found === null) throw notFound('actor', actor);
    const map = authorityMap(await this.authorityFor(read), actor, {
      domains: await read.domains.list(),
      workTypes: await read.workTypes.list(),
    });
    const halt = haltCovering(await read.halts.listActive(), found);
    const pauses = (await read.controls.listActive()).flatMap((c) =>
      c.kind === 'pause' && c.actorId === actor ? [pauseRef(c)] : [],
    );
    return { ...map, halts: halt === null ? [] : [halt], pauses };
  }

  // ── the engine's own work, on the monitoring timer ──────────────────────────────────────

  /** Pending approvals past their expiry become expired; returns them. */
  async expireDue(limit = 100): Promise<Approval[]> {
    return this.write(SYSTEM, (ctx) => expireApprovals(ctx, limit));
  }

  /** When the next pending approval expires, for the timer; null when none is pending. */
  async nextExpiry(): Promise<Date | null> {
    const at = await this.store.read.approvals.nextExpiry();
    return at === null ? null : new Date(at);
  }
}
