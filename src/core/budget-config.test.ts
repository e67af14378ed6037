import { describe, expect, it } from 'vitest';
import { periodEnd, periodOf } from './budget-config.js';
import { diffOrgConfig, formatOrgDiff } from './diff-org-config.js';
import {
  orgConfigSchema,
  toOrgConfigDocument,
  toOrgModel,
  type OrgConfigInput,
} from './org-config.js';

const org = (budgets: unknown[]): OrgConfigInput =>
  ({
    apiVersion: 'autonomy/v1',
    kind: 'Organization',
    metadata: { name: 'Budgets' },
    domains: [{ id: 'ops', name: 'Ops' }],
    actors: [
      { id: 'tom', kind: 'human', name: 'Tom', domains: ['ops'], capacity: 1 },
      { id: 'bot', kind: 'agent', name: 'Bot', domains: ['ops'], capacity: 1 },
    ],
    budgets,
  }) as OrgConfigInput;

const issues = (budgets: unknown[]) => {
  const parsed = orgConfigSchema.safeParse(org(budgets));
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('budgets in the organization file', () => {
  it('names each problem at its field', () => {
    expect(issues([{ agent: 'bot', costPerDay: 5 }])).toEqual([]);
    expect(issues([{ agent: 'nobody', costPerDay: 5 }])).toEqual([
      "budgets.0.agent: unknown actor 'nobody'",
    ]);
    expect(issues([{ agent: 'tom', costPerDay: 5 }])).toEqual([
      "budgets.0.agent: 'tom' is a person: budgets are for agents",
    ]);
    expect(issues([{ agent: 'bot' }])).toEqual([
      'budgets.0: set at least one of costPerDay, costPerMonth, actionsPerMinute',
    ]);
    expect(
      issues([
        { agent: 'bot', costPerDay: 5 },
        { agent: 'bot', actionsPerMinute: 5 },
      ]),
    ).toEqual(["budgets.1.agent: 'bot' has two budgets"]);
    expect(issues([{ agent: 'bot', costPerDay: 5, warnAt: 1 }])).toHaveLength(1);
    expect(issues([{ agent: 'bot', costPerDay: -1 }])).toHaveLength(1);
  });

  it('exports what it applied, and a limit taken away is a change', () => {
    const model = toOrgModel(
      orgConfigSchema.parse(org([{ agent: 'bot', costPerDay: 5, actionsPerMinute: 10 }])),
    );
    expect(model.budgets).toEqual([
      { agent: 'bot', costPerDay: 5, actionsPerMinute: 10, warnAt: 0.8 },
    ]);
    const exported = toOrgConfigDocument(model);
    expect(exported.budgets).toEqual([{ agent: 'bot', costPerDay: 5, actionsPerMinute: 10 }]);
    expect(diffOrgConfig(model, toOrgModel(orgConfigSchema.parse(exported))).changes).toEqual([]);
    const fewer = toOrgModel(orgConfigSchema.parse(org([{ agent: 'bot', costPerDay: 5 }])));
    expect(formatOrgDiff(diffOrgConfig(model, fewer))).toEqual(['~ budget bot (actionsPerMinute)']);
    const none = toOrgModel(orgConfigSchema.parse(org([])));
    expect(none.budgets).toBeUndefined();
    expect(formatOrgDiff(diffOrgConfig(model, none))).toEqual(['- budget bot']);
  });

  it('counts in UTC periods and knows when each ends', () => {
    const at = new Date('2026-12-31T23:59:59.500Z');
    expect(periodOf('minute', at)).toBe('2026-12-31T23:59');
    expect(periodOf('day', at)).toBe('2026-12-31');
    expect(periodOf('month', at)).toBe('2026-12');
    for (const window of ['minute', 'day', 'month'] as const)
      expect(periodEnd(window, at).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(periodEnd('day', new Date('2026-02-28T12:00:00Z')).toISOString()).toBe(
      '2026-03-01T00:00:00.000Z',
    );
  });
});
