import type { WorkContext } from '../coordination/work-context.js';
import type { WorkGuard, WorkOperation } from '../coordination/work-guard.js';
import type { AgentControl, AgentControlKind, Pause, Redirect } from '../core/agent-control.js';
import { WORK_CLASS } from '../core/authority-config.js';
import {
  periodEnd,
  periodOf,
  USAGE_WINDOWS,
  type Budget,
  type Usage,
} from '../core/budget-config.js';
import type { Clock } from '../core/clock.js';
import { notFound } from '../core/errors.js';
import type { ReadStores, Store, TxStores } from '../core/ports/store.js';
import { SYSTEM, type Principal } from '../core/principal.js';
import { raiseException } from '../monitoring/raise-exception.js';
import { controlAwareGuard } from '../supervision/control-aware-guard.js';
import { meterWorkAction, type MeteredAgent } from '../supervision/meter-work-action.js';
import { liftControl, pauseActionClass } from '../supervision/pause-action-class.js';
import { redirectWork } from '../supervision/redirect-work.js';
import { requireRole } from '../supervision/require-role.js';
import type { MonitoringService } from './monitoring-service.js';

/** Runs a use case in one transaction with a work context for `principal`, and publishes. */
export type RunWork = <T>(principal: Principal, fn: (ctx: WorkContext) => Promise<T>) => Promise<T>;

/** A work action as metering sees it: what is done, and to which item when one is named. */
export interface MeteredAction {
  operation: WorkOperation;
  itemId?: string | undefined;
}

/** One window of an agent's budget as the API shows it. */
export interface UsageReport {
  window: Usage['window'];
  period: string;
  /** Actions for the minute, cost units for the day and month. */
  used: number;
  limit: number;
  resetsAt: string;
}

export interface BudgetReport {
  budget: Budget;
  costPerHour: number;
  usage: UsageReport[];
}

type ListFilter = { active?: boolean | undefined; before?: string | undefined; limit: number };

const PEOPLE = ['admin', 'operator'] as const;
const READERS = ['admin', 'operator', 'agent', 'viewer'] as const;

/**
 * Controls on agents short of a halt — pauses of one action class, redirects of their work — and
 * budgets and rate limits. Pauses and redirects are read in every transaction that could act for
 * an agent, so each is in force from the very next request; budgets are counted in the
 * transaction of each work action. Reached through `ControlPlane.controls`.
 */
export class ControlService {
  /** The budgets of the last revision seen, with what metering needs of each agent. */
  #book: { revision: number; agents: Map<string, MeteredAgent> } | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly monitoring: MonitoringService,
    private readonly run: RunWork,
  ) {}

  // ── on every work transaction ──────────────────────────────────────────────────────────

  /** `base`, and besides it the pauses and redirects in force, read in the transaction. */
  async guard(tx: TxStores, base: WorkGuard): Promise<WorkGuard> {
    return controlAwareGuard(base, await tx.controls.listActive());
  }

  /**
   * Counts a work action of an agent token against its agent's budget, if it has one: refused
   * (thrown) over the rate limit or with its cost budget spent; thresholds crossed raise their
   * exceptions in the same transaction. `revision` is the configuration revision the
   * transaction read, which keys the budgets (no extra read while it stays the same).
   */
  async meter(ctx: WorkContext, revision: number, action: MeteredAction): Promise<void> {
    const { principal } = ctx;
    if (principal.kind !== 'token' || principal.actorId === null) return;
    const agent = (await this.book(ctx.tx, revision)).get(principal.actorId);
    if (agent === undefined) return;
    await meterWorkAction(ctx, agent, action, async (signals) => {
      const policy = await this.monitoring.policy();
      for (const signal of signals)
        await raiseException(
          { tx: ctx.tx, clock: this.clock, principal: SYSTEM, policy },
          'budget',
          signal,
        );
    });
  }

  private async book(
    stores: Pick<ReadStores, 'organization' | 'actors'>,
    revision: number,
  ): Promise<Map<string, MeteredAgent>> {
    if (this.#book?.revision === revision) return this.#book.agents;
    const organization = await stores.organization.get();
    const agents = new Map<string, MeteredAgent>();
    for (const budget of organization?.budgets ?? []) {
      const actor = await stores.actors.get(budget.agent);
      if (actor !== null)
        agents.set(budget.agent, {
          budget,
          costPerHour: actor.costPerHour,
          domain: actor.domains[0],
        });
    }
    this.#book = { revision: organization?.revision ?? revision, agents };
    return agents;
  }

  // ── pauses ─────────────────────────────────────────────────────────────────────────────

  /**
   * Pauses one class of an agent's actions (`work` by default) until lifted; the agent is not
   * stopped. Admins and operators only.
   */
  async pause(
    principal: Principal,
    request: { actorId: string; actionClass?: string | undefined; reason: string },
  ): Promise<Pause> {
    requireRole(principal, PEOPLE, 'pause agents');
    return this.run(principal, async (ctx) => {
      const organization = await ctx.tx.organization.get();
      const classes = [
        WORK_CLASS,
        ...new Set((organization?.authority?.actions ?? []).map((a) => a.class)),
      ];
      return pauseActionClass(
        ctx,
        {
          actorId: request.actorId,
          actionClass: request.actionClass ?? WORK_CLASS,
          reason: request.reason,
        },
        classes,
      );
    });
  }

  async liftPause(principal: Principal, id: string, reason: string): Promise<Pause> {
    requireRole(principal, PEOPLE, 'lift pauses');
    return this.run(principal, (ctx) => liftControl(ctx, 'pause', id, reason));
  }

  /** Pauses in force (oldest first), or every pause (newest first, paged by `before`). */
  async listPauses(principal: Principal, filter: ListFilter): Promise<Pause[]> {
    return this.list(principal, 'pause', filter);
  }

  // ── redirects ──────────────────────────────────────────────────────────────────────────

  /**
   * Moves what an agent holds or is offered to another actor (`to`) or back to the queue (`to`
   * null), and gives it no work until the redirect is lifted. Admins and operators only.
   */
  async redirect(
    principal: Principal,
    request: { actorId: string; to?: string | null | undefined; reason: string },
  ): Promise<Awaited<ReturnType<typeof redirectWork>>> {
    requireRole(principal, PEOPLE, 'redirect work');
    return this.run(principal, (ctx) =>
      redirectWork(ctx, {
        actorId: request.actorId,
        to: request.to ?? null,
        reason: request.reason,
      }),
    );
  }

  async liftRedirect(principal: Principal, id: string, reason: string): Promise<Redirect> {
    requireRole(principal, PEOPLE, 'lift redirects');
    return this.run(principal, (ctx) => liftControl(ctx, 'redirect', id, reason));
  }

  /** Redirects in force (oldest first), or every redirect (newest first, paged by `before`). */
  async listRedirects(principal: Principal, filter: ListFilter): Promise<Redirect[]> {
    return this.list(principal, 'redirect', filter);
  }

  private async list<K extends AgentControlKind>(
    principal: Principal,
    kind: K,
    filter: ListFilter,
  ): Promise<Extract<AgentControl, { kind: K }>[]> {
    requireRole(principal, READERS, `read ${kind}s`);
    const controls =
      filter.active === true
        ? await this.store.read.controls.listActive()
        : await this.store.read.controls.list({ ...filter, kind });
    return controls.filter((c): c is Extract<AgentControl, { kind: K }> => c.kind === kind);
  }

  // ── budgets ────────────────────────────────────────────────────────────────────────────

  /**
   * Each budgeted agent's limits and what it has used of them in the current periods (or one
   * agent's). An agent token reads its own only.
   */
  async budgets(principal: Principal, actorId?: string): Promise<BudgetReport[]> {
    requireRole(principal, READERS, 'read budgets');
    const self =
      principal.kind === 'token' && principal.role === 'agent' ? principal.actorId : undefined;
    const wanted = self ?? actorId;
    const read = this.store.read;
    const agents = await this.book(read, await read.organization.revision());
    if (actorId !== undefined && (await read.actors.get(actorId)) === null)
      throw notFound('actor', actorId);
    const now = this.clock.now();
    const reports: BudgetReport[] = [];
    for (const [id, agent] of agents) {
      if (wanted !== undefined && id !== wanted) continue;
      const stored = await read.controls.usage(id);
      const usage: UsageReport[] = [];
      for (const window of USAGE_WINDOWS) {
        const limit =
          window === 'minute'
            ? agent.budget.actionsPerMinute
            : window === 'day'
              ? agent.budget.costPerDay
              : agent.budget.costPerMonth;
        if (limit === undefined) continue;
        const period = periodOf(window, now);
        const row = stored.find((u) => u.window === window && u.period === period);
        usage.push({
          window,
          period,
          used: row === undefined ? 0 : window === 'minute' ? row.actions : row.cost,
          limit,
          resetsAt: periodEnd(window, now).toISOString(),
        });
      }
      reports.push({ budget: agent.budget, costPerHour: agent.costPerHour, usage });
    }
    return reports;
  }
}
