import { describe, expect, it } from 'vitest';
import type { AuthorityConfig, CustomAction } from '../core/authority-config.js';
import { DomainError } from '../core/errors.js';
import type { Actor, WorkItem } from '../core/model.js';
import { buildAuthority } from './build-authority.js';
import { compileAuthority } from './compile-authority.js';

const refund: CustomAction = {
  id: 'refund',
  description: 'Refund a customer',
  class: 'refund',
  appliesTo: ['workItem'],
  context: { amount: 'Long', currency: 'String?' },
};

const actor = (id: string, kind: Actor['kind'], domains: string[]) => ({
  id,
  kind,
  name: id,
  domains,
  skills: {},
  capacity: 5,
  mode: 'pull' as const,
  costPerHour: 0,
});

const item = (over: Partial<WorkItem> = {}): WorkItem =>
  ({
    id: 'w-1',
    typeId: 'ticket',
    title: 'Refund not received',
    payload: {},
    value: 1,
    dueAt: null,
    priorityClass: 'normal',
    dependsOn: [],
    stageId: null,
    priority: 0,
    attempts: 0,
    failedBy: [],
    declinedBy: [],
    startedAt: null,
    version: 1,
    createdAt: '2026-03-02T09:00:00.000Z',
    updatedAt: '2026-03-02T09:00:00.000Z',
    state: 'queued',
    ownerId: null,
    offeredTo: null,
    leaseExpiresAt: null,
    ...over,
  }) as WorkItem;

const POLICIES = `
// Agents claim and complete the work of their own domains.
@id("own-domain-work")
permit(principal is Actor, action in [Action::"claim", Action::"complete"], resource is WorkItem)
when { principal.kind == "agent" && principal in resource.domain };

// Critical work is for people.
@id("no-critical-for-agents")
forbid(principal, action == Action::"claim", resource is WorkItem)
when { principal.kind == "agent" && resource.priority == "critical" };

@id("small-refunds")
permit(principal, action == Action::"refund", resource)
when { context.amount <= 100 };

@id("large-refunds") @mode("approval") @approvers("billing-leads")
permit(principal, action == Action::"refund", resource)
when { context.amount > 100 && context.amount <= 10000 };

@id("trusted-refunds")
permit(principal, action == Action::"refund", resource)
when { principal.trust.refund >= 2 };
`;

function authority(policies = POLICIES, actions: CustomAction[] = [refund]) {
  const config: AuthorityConfig = {
    actions,
    policies: [{ name: 'support.cedar', text: policies }],
  };
  return buildAuthority(7, {
    authority: config,
    actors: [actor('ada', 'agent', ['support']), actor('hana', 'human', ['support'])],
    domains: [
      { id: 'support', name: 'Support', description: '', owners: [], preemption: false },
      { id: 'billing', name: 'Billing', description: '', owners: [], preemption: false },
    ],
    workTypes: [
      { id: 'ticket', domainId: 'support' },
      { id: 'invoice', domainId: 'billing' },
    ],
  });
}

describe('authority decisions', () => {
  const a = authority();
  const onItem = (over: Partial<WorkItem> = {}) => ({
    kind: 'workItem' as const,
    item: item(over),
  });

  it('allows what a permit allows, naming the policy and its annotations', () => {
    const decision = a.decide('ada', 'claim', onItem());
    expect(decision).toMatchObject({
      decision: 'allow',
      policies: [
        { id: 'own-domain-work', effect: 'permit', annotations: { id: 'own-domain-work' } },
      ],
      errors: [],
    });
  });

  it('denies what no policy permits', () => {
    const decision = a.decide('ada', 'claim', onItem({ typeId: 'invoice' }));
    expect(decision).toMatchObject({ decision: 'deny', policies: [], errors: [] });
    expect(decision.reason).toMatch(/no policy permits Actor::"ada" claim WorkItem::"w-1"/);
  });

  it('lets a forbid win over a permit', () => {
    const decision = a.decide('ada', 'claim', onItem({ priorityClass: 'critical' }));
    expect(decision.decision).toBe('deny');
    expect(decision.policies.map((p) => p.id)).toEqual(['no-critical-for-agents']);
  });

  it('requires approval when only @mode("approval") permits apply', () => {
    const decision = a.decide('ada', 'refund', onItem(), { amount: 500 });
    expect(decision).toMatchObject({
      decision: 'approval_required',
      policies: [
        {
          id: 'large-refunds',
          annotations: { id: 'large-refunds', mode: 'approval', approvers: 'billing-leads' },
        },
      ],
    });
    expect(a.decide('ada', 'refund', onItem(), { amount: 50 }).decision).toBe('allow');
    expect(a.decide('ada', 'refund', onItem(), { amount: 50_000 }).decision).toBe('deny');
  });

  it('allows without approval when a plain permit applies beside an approval one', () => {
    const both = authority(
      `${POLICIES}\n@id("ada-refunds") permit(principal == Actor::"ada", action == Action::"refund", resource);`,
    );
    const decision = both.decide('ada', 'refund', onItem(), { amount: 500 });
    expect(decision.decision).toBe('allow');
    expect(decision.policies.map((p) => p.id)).toEqual(['ada-refunds']);
  });

  it('gives every actor trust level 0 in every class for now', () => {
    // trusted-refunds would allow any amount at level 2.
    expect(a.decide('hana', 'refund', onItem(), { amount: 50_000 }).decision).toBe('deny');
  });

  it('denies on any evaluation error, even when another permit applies', () => {
    const overflowing = authority(
      `${POLICIES}\n@id("overflow") permit(principal, action == Action::"refund", resource) when { context.amount * 1000000000000000000 > 0 };`,
    );
    // small-refunds permits 50; the other policy overflows on it.
    const decision = overflowing.decide('ada', 'refund', onItem(), { amount: 50 });
    expect(decision.decision).toBe('deny');
    expect(decision.errors.join()).toMatch(/overflow/);
  });

  it('denies a request that does not match the schema (wrong context, unknown action)', () => {
    expect(a.decide('ada', 'refund', onItem(), { amount: 'lots' }).decision).toBe('deny');
    expect(a.decide('ada', 'refund', onItem(), {}).errors.length).toBeGreaterThan(0);
    expect(a.decide('ada', 'launch', onItem()).decision).toBe('deny');
    expect(a.decide('nobody', 'claim', onItem()).decision).toBe('deny');
  });

  it('reports no policies as not configured', () => {
    const none = buildAuthority(1, {
      authority: undefined,
      actors: [],
      domains: [],
      workTypes: [],
    });
    expect(none.configured).toBe(false);
  });
});

describe('compiling policies', () => {
  const compileError = (text: string, name = 'policies/support.cedar') => {
    try {
      compileAuthority({ actions: [refund], policies: [{ name, text }] });
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      return (error as DomainError).issues;
    }
    throw new Error('compiled');
  };

  it('names file, line and column of a syntax error', () => {
    const issues = compileError(
      'permit(principal, action, resource);\n\npermit(principal, action, resource)\n  when { 1 + };\n',
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('policies/support.cedar:4:14');
  });

  it('names file, line and column of a policy the schema refutes', () => {
    const issues = compileError(
      'permit(principal, action == Action::"refund", resource)\n  when { context.amont > 1 };',
    );
    expect(issues[0]?.path).toBe('policies/support.cedar:2:10');
    expect(issues[0]?.message).toMatch(/amont/);
  });

  it('refuses a misused @mode and a duplicate @id', () => {
    const issues = compileError(
      '@id("x") permit(principal, action, resource);\n@id("x") @mode("approval") forbid(principal, action, resource);\n@mode("later") permit(principal, action, resource);',
    );
    expect(issues.map((i) => i.path)).toEqual([
      'policies/support.cedar:2:1',
      'policies/support.cedar:3:1',
      'policies/support.cedar:2:1',
    ]);
  });

  it('names policies without @id after their file and place', () => {
    const compiled = compileAuthority({
      actions: [],
      policies: [
        {
          name: 'a.cedar',
          text: 'permit(principal, action, resource);\nforbid(principal, action, resource) when { false };',
        },
      ],
    });
    expect([...compiled.policies.keys()]).toEqual(['a.cedar#0', 'a.cedar#1']);
  });
});
