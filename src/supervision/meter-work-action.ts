import { msOf } from '../core/iso-time.js';
import type { WorkContext } from '../coordination/work-context.js';
import type { WorkOperation } from '../coordination/work-guard.js';
import type { Budget } from '../core/budget-config.js';
import type { Signal } from '../monitoring/signal.js';
import { checkBudget, windowsOf } from './check-budget.js';

/** What metering knows of a budgeted agent, from the applied configuration. */
export interface MeteredAgent {
  budget: Budget;
  /** The agent's configured cost of an hour's work: what its attempts cost. */
  costPerHour: number;
  /** Its first domain, as the label its exceptions are routed by. */
  domain?: string | undefined;
}

/** The work actions that end what an agent holds: a spent budget does not refuse them. */
const ENDING = new Set<WorkOperation>(['complete', 'fail', 'release']);

/**
 * Counts one work action of a budgeted agent, in the action's own transaction (one upsert of
 * its usage rows), and refuses it — by throwing, so the transaction and the count roll back —
 * when it goes over the rate limit or the cost budget is spent. A completion or failure costs the
 * attempt it ends: the agent's costPerHour × the hours since the item was started, as
 * performance's `work_cost_total` counts it. Crossing a threshold raises its exception through
 * `raise`, in the same transaction.
 */
export async function meterWorkAction(
  ctx: WorkContext,
  agent: MeteredAgent,
  action: { operation: WorkOperation; itemId?: string | undefined },
  raise: (signals: readonly Signal[]) => Promise<void>,
): Promise<void> {
  const { budget } = agent;
  const now = ctx.clock.now();
  let cost = 0;
  const costed = budget.costPerDay !== undefined || budget.costPerMonth !== undefined;
  if (
    costed &&
    agent.costPerHour > 0 &&
    (action.operation === 'complete' || action.operation === 'fail') &&
    action.itemId !== undefined
  ) {
    const item = await ctx.tx.work.get(action.itemId);
    if (item?.startedAt != null && item.ownerId === budget.agent)
      cost = (agent.costPerHour * Math.max(0, now.getTime() - msOf(item.startedAt))) / 3_600_000;
  }
  const charge = { actions: 1, cost };
  const after = await ctx.tx.controls.charge(budget.agent, windowsOf(budget, now), charge);
  const verdict = checkBudget(budget, after, charge, now, {
    ending: ENDING.has(action.operation),
    domain: agent.domain,
  });
  if (verdict.refusal !== null) throw verdict.refusal;
  if (verdict.signals.length > 0) await raise(verdict.signals);
}
