import { describe, expect, it } from 'vitest';
import type { Budget, Usage } from '../core/budget-config.js';
import { checkBudget, windowsOf } from './check-budget.js';

const budget: Budget = {
  agent: 'bot',
  costPerDay: 10,
  costPerMonth: 100,
  actionsPerMinute: 2,
  warnAt: 0.8,
};
const now = new Date('2026-05-31T23:59:45.000Z');
const usage = (window: Usage['window'], actions: number, cost: number): Usage => ({
  actorId: 'bot',
  window,
  period: windowsOf(budget, now).find((w) => w.window === window)?.period ?? '',
  actions,
  cost,
});
const names = (v: ReturnType<typeof checkBudget>) => v.signals.map((s) => s.labels.alertname);

describe('checkBudget', () => {
  it('counts in the UTC minute, day and month the instant falls in', () => {
    expect(windowsOf(budget, now)).toEqual([
      { window: 'minute', period: '2026-05-31T23:59' },
      { window: 'day', period: '2026-05-31' },
      { window: 'month', period: '2026-05' },
    ]);
    expect(windowsOf({ agent: 'bot', costPerMonth: 1, warnAt: 0.8 }, now)).toEqual([
      { window: 'month', period: '2026-05' },
    ]);
  });

  it('refuses past the rate limit until the minute ends, and raises RateLimited on reaching it', () => {
    const reached = checkBudget(budget, [usage('minute', 2, 0)], { actions: 1, cost: 0 }, now, {
      ending: false,
    });
    expect(reached.refusal).toBeNull();
    expect(names(reached)).toEqual(['RateLimited']);
    const over = checkBudget(budget, [usage('minute', 3, 0)], { actions: 1, cost: 0 }, now, {
      ending: true,
    });
    expect(over.refusal?.code).toBe('rate_limited');
    expect(over.refusal?.details).toMatchObject({ retryAfterSeconds: 15, limit: 2 });
    expect(over.signals).toEqual([]);
  });

  it('warns once at the share, exceeds once at the limit, and then refuses what takes work', () => {
    const charge = { actions: 1, cost: 3 };
    const at = (cost: number, ending = true) =>
      checkBudget(budget, [usage('day', 1, cost)], charge, now, { ending, domain: 'ops' });
    expect(names(at(7.9))).toEqual([]);
    expect(names(at(8))).toEqual(['BudgetWarning']);
    expect(names(at(9.9))).toEqual(['BudgetWarning']); // from 6.9: past the share, not the limit
    expect(names(at(11))).toEqual(['BudgetExceeded']); // from 8: the limit is the news
    expect(names(at(12))).toEqual(['BudgetExceeded']);
    expect(at(12).signals[0]?.labels).toMatchObject({
      actor: 'bot',
      severity: 'critical',
      window: 'day',
      period: '2026-05-31',
      domain: 'ops',
    });
    expect(names(at(13))).toEqual([]); // spent before this one: nothing new to say
    // An ending action is not refused once spent; one that takes work is, with when it resets.
    expect(at(14).refusal).toBeNull();
    const refused = checkBudget(budget, [usage('day', 1, 10)], { actions: 1, cost: 0 }, now, {
      ending: false,
    }).refusal;
    expect(refused?.code).toBe('budget_exhausted');
    expect(refused?.details).toMatchObject({ resetsAt: '2026-06-01T00:00:00.000Z', spent: 10 });
  });
});
