import {
  periodEnd,
  periodOf,
  type Budget,
  type Usage,
  type UsageWindow,
} from '../core/budget-config.js';
import { DomainError } from '../core/errors.js';
import type { Signal } from '../monitoring/signal.js';

/** What one work action adds to an agent's usage. */
export interface Charge {
  actions: number;
  /** Cost units: the agent's costPerHour × the hours of the attempt it ends (0 for others). */
  cost: number;
}

/** The windows a budget counts in, each at the period `now` falls in. */
export function windowsOf(budget: Budget, now: Date): { window: UsageWindow; period: string }[] {
  const windows: UsageWindow[] = [
    ...(budget.actionsPerMinute === undefined ? [] : (['minute'] as const)),
    ...(budget.costPerDay === undefined ? [] : (['day'] as const)),
    ...(budget.costPerMonth === undefined ? [] : (['month'] as const)),
  ];
  return windows.map((window) => ({ window, period: periodOf(window, now) }));
}

export interface BudgetVerdict {
  /** Why the action is refused (the transaction that counted it must roll back), or null. */
  refusal: DomainError | null;
  /** The exceptions this action's crossing of a threshold raises (none when refused). */
  signals: Signal[];
}

const COST_LIMITS = { day: 'costPerDay', month: 'costPerMonth' } as const;

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * Judges one work action against an agent's budget, given its usage as counted *with* the
 * action (`after`, one row per window of windowsOf): over the rate limit, any action is refused
 * until the minute ends; with a cost limit already spent, an action that takes or starts work is
 * refused until the period ends, while one that ends work (`ending`: complete, fail, release)
 * goes on — the cost is incurred, and refusing it would strand the work. The action that reaches
 * a limit raises `RateLimited` or `BudgetExceeded`, the one that crosses the warning share of a
 * cost limit `BudgetWarning`: each once, when it happens, so refusals change nothing.
 */
export function checkBudget(
  budget: Budget,
  after: readonly Usage[],
  charge: Charge,
  now: Date,
  options: { ending: boolean; domain?: string | undefined },
): BudgetVerdict {
  const actorId = budget.agent;
  const labels = (alertname: string, severity: 'warning' | 'critical', window: UsageWindow) => ({
    alertname,
    severity,
    actor: actorId,
    window,
    ...(options.domain === undefined ? {} : { domain: options.domain }),
  });
  const signals: Signal[] = [];
  for (const usage of after) {
    const resetsAt = periodEnd(usage.window, now).toISOString();
    if (usage.window === 'minute') {
      const limit = budget.actionsPerMinute;
      if (limit === undefined) continue;
      if (usage.actions > limit) {
        const retryAfterSeconds = Math.max(
          1,
          Math.ceil((periodEnd('minute', now).getTime() - now.getTime()) / 1000),
        );
        return {
          refusal: new DomainError(
            'rate_limited',
            `'${actorId}' made its ${limit} work actions of this minute: retry after ${retryAfterSeconds}s`,
            { details: { actorId, window: 'minute', limit, retryAfterSeconds, resetsAt } },
          ),
          signals: [],
        };
      }
      if (usage.actions === limit)
        signals.push({
          labels: labels('RateLimited', 'warning', 'minute'),
          summary: `agent '${actorId}' reached its limit of ${limit} work actions a minute; more are refused until the minute ends`,
          details: { limit, minute: usage.period, resetsAt },
        });
      continue;
    }
    const limit = budget[COST_LIMITS[usage.window]];
    if (limit === undefined) continue;
    const spent = round(usage.cost);
    const before = round(usage.cost - charge.cost);
    if (before >= limit && !options.ending)
      return {
        refusal: new DomainError(
          'budget_exhausted',
          `'${actorId}' has spent its budget of ${limit} cost units for the ${usage.window} ${usage.period} (${before}): no new work until ${resetsAt}`,
          {
            details: {
              actorId,
              window: usage.window,
              period: usage.period,
              limit,
              spent: before,
              resetsAt,
            },
          },
        ),
        signals: [],
      };
    const warnAt = limit * budget.warnAt;
    const details = { limit, spent, period: usage.period, resetsAt };
    // The period is a label: each day's (or month's) overrun is its own exception.
    if (spent >= limit && before < limit)
      signals.push({
        labels: { ...labels('BudgetExceeded', 'critical', usage.window), period: usage.period },
        summary: `agent '${actorId}' spent its budget of ${limit} for the ${usage.window} ${usage.period} (${spent}); it takes no new work until ${resetsAt}`,
        details,
      });
    else if (spent >= warnAt && before < warnAt)
      signals.push({
        labels: { ...labels('BudgetWarning', 'warning', usage.window), period: usage.period },
        summary: `agent '${actorId}' spent ${spent} of its budget of ${limit} for the ${usage.window} ${usage.period} (warning at ${Math.round(budget.warnAt * 100)}%)`,
        details,
      });
  }
  return { refusal: null, signals };
}
