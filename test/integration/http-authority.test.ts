import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  act,
  createWork,
  expectIssue,
  expectProblem,
  expectRefusedWithoutChange,
  HTTP_ORG,
  json,
  mustAct,
  openHttpFixture,
  type HttpFixture,
} from '../support/http-fixture.js';

/* Authority through the API: Cedar policies applied inline, checked, and in force on agent actions. */

const POLICIES = `// Agents do the work of their own domains.
@id("own-domain-work")
permit(
  principal is Actor,
  action in [Action::"create", Action::"claim", Action::"assign", Action::"start", Action::"fail", Action::"release"],
  resource is WorkItem
)
when { principal.kind == "agent" && principal in resource.domain };

@id("own-domain-completions")
permit(principal is Actor, action == Action::"complete", resource is WorkItem)
when { principal.kind == "agent" && principal in resource.domain && resource.type != "invoice" };

// An invoice an agent finished is sent only once a person has looked at it.
@id("invoices-need-a-look") @mode("approval") @approvers("billing-leads")
permit(principal is Actor, action == Action::"complete", resource is WorkItem)
when { resource.type == "invoice" };

// Critical work is for people, whatever else allows it.
@id("no-critical-claims")
forbid(principal is Actor, action == Action::"claim", resource is WorkItem)
when { principal.kind == "agent" && resource.priority == "critical" };

@id("small-refunds")
permit(principal is Actor, action == Action::"refund", resource is Domain)
when { principal in resource && context.amount <= 100 };

@id("large-refunds") @mode("approval")
permit(principal is Actor, action == Action::"refund", resource is Domain)
when { principal in resource && context.amount > 100 && context.amount * 1000000000 < 10000000000000000 };
`;

const ACTIONS = [
  {
    id: 'refund',
    description: 'Pay a customer back',
    appliesTo: ['domain'],
    context: { amount: 'Long', currency: 'String?' },
  },
];

const withPolicies = (text = POLICIES) => ({
  ...HTTP_ORG,
  actions: ACTIONS,
  policies: [{ name: 'policies/billing.cedar', text }],
});

let fx: HttpFixture;
beforeAll(async () => {
  fx = await openHttpFixture();
});
afterAll(async () => {
  await fx.close();
});

const check = (body: Record<string, unknown>, as: 'agentA' | 'agentB' | 'viewer' = 'agentA') =>
  fx.call('POST', '/v1/authority/check', { as, body });

interface Decision {
  decision: string;
  policies: { id: string; effect: string; annotations: Record<string, string> }[];
  errors: string[];
  reason: string;
  configured: boolean;
  revision: number;
}

describe('authority', () => {
  it('without policies: not configured, token roles decide, and the schema is there to write against', async () => {
    const ticket = await createWork(fx, { title: 'before policies' });
    const response = await check({
      action: 'claim',
      resource: { type: 'WorkItem', id: ticket.id },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(json<Decision>(response)).toMatchObject({ decision: 'allow', configured: false });
    const schema = json<{ schema: string }>(
      await fx.call('GET', '/v1/authority/schema', { as: 'viewer' }),
    ).schema;
    expect(schema).toContain('entity Actor in [Domain]');
    expect(schema).toContain('trust: { "work": Long }');
    // Claimed under the role rules alone, then given back.
    expect((await fx.call('POST', '/v1/work/claim', { as: 'agentA', body: {} })).statusCode).toBe(
      200,
    );
    await mustAct(fx, ticket.id, 'cancel');
  });

  it('refuses a policy that does not validate, naming file, line and column, and applies nothing', async () => {
    const before = json<{ revision: number }>(
      await fx.call('GET', '/v1/config', { as: 'admin' }),
    ).revision;
    const broken = POLICIES.replace('resource.type != "invoice"', 'resource.kind != "invoice"');
    const problem = expectProblem(
      await fx.call('POST', '/v1/config/apply', { as: 'admin', body: withPolicies(broken) }),
      422,
      'invalid_config',
    );
    expect(expectIssue(problem, 'policies/billing.cedar:12:69').message).toMatch(
      /policy `own-domain-completions`, attribute `kind` on entity type `WorkItem`/,
    );
    const syntax = expectProblem(
      await fx.call('POST', '/v1/config/apply', {
        as: 'admin',
        body: withPolicies('permit(principal, action, resource)\nwhen { principal. };'),
      }),
      422,
      'invalid_config',
    );
    expect(syntax.errors?.[0]?.path).toMatch(/^policies\/billing\.cedar:2:\d+$/);
    const path = expectProblem(
      await fx.call('POST', '/v1/config/apply', {
        as: 'admin',
        body: { ...HTTP_ORG, policies: ['policies/billing.cedar'] },
      }),
      422,
      'invalid_config',
    );
    expect(expectIssue(path, 'policies.0').message).toMatch(/inline/);
    const after = json<{ revision: number }>(await fx.call('GET', '/v1/config', { as: 'admin' }));
    expect(after.revision).toBe(before);
  });

  it('applies policies inline, each a change in the diff', async () => {
    const response = await fx.call('POST', '/v1/config/apply', {
      as: 'admin',
      body: withPolicies(),
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(json<{ changes: unknown[] }>(response).changes).toEqual([
      { kind: 'action', id: 'refund', change: 'added' },
      { kind: 'policy', id: 'policies/billing.cedar', change: 'added' },
    ]);
    const exported = json<{ config: { policies: { name: string; text: string }[] } }>(
      await fx.call('GET', '/v1/config', { as: 'admin' }),
    );
    expect(exported.config.policies).toEqual([{ name: 'policies/billing.cedar', text: POLICIES }]);
  });

  it('decides allow, deny, forbid-wins and approval, with the determining policies', async () => {
    const ticket = await createWork(fx, { title: 'normal' });
    const critical = await createWork(fx, { title: 'critical', priorityClass: 'critical' });
    const invoice = await createWork(fx, { typeId: 'invoice', title: 'march' });
    const on = (id: string) => ({ type: 'WorkItem', id });

    const allow = json<Decision>(await check({ action: 'claim', resource: on(ticket.id) }));
    expect(allow).toMatchObject({
      decision: 'allow',
      configured: true,
      policies: [{ id: 'own-domain-work', effect: 'permit' }],
    });
    const noPermit = json<Decision>(await check({ action: 'claim', resource: on(invoice.id) }));
    expect(noPermit).toMatchObject({ decision: 'deny', policies: [] });
    expect(noPermit.reason).toMatch(/no policy permits/);
    const forbidden = json<Decision>(await check({ action: 'claim', resource: on(critical.id) }));
    expect(forbidden).toMatchObject({
      decision: 'deny',
      policies: [{ id: 'no-critical-claims', effect: 'forbid' }],
    });
    const approval = json<Decision>(
      await check({ action: 'complete', resource: on(invoice.id) }, 'agentB'),
    );
    expect(approval).toMatchObject({
      decision: 'approval_required',
      policies: [
        {
          id: 'invoices-need-a-look',
          annotations: { id: 'invoices-need-a-look', mode: 'approval', approvers: 'billing-leads' },
        },
      ],
    });
    for (const item of [ticket, critical, invoice]) await mustAct(fx, item.id, 'cancel');
  });

  it('decides custom actions with their context, and denies what it cannot evaluate', async () => {
    const billing = { type: 'Domain', id: 'billing' };
    const refund = (amount: unknown, as: 'agentA' | 'agentB' = 'agentB') =>
      check({ action: 'refund', resource: billing, context: { amount } }, as).then((r) =>
        json<Decision>(r),
      );
    expect((await refund(40)).decision).toBe('allow');
    expect((await refund(400)).decision).toBe('approval_required');
    // Ada is not in billing: nothing permits her.
    expect((await refund(40, 'agentA')).decision).toBe('deny');
    // The large-refunds arithmetic overflows: an evaluation error, which denies.
    const overflow = await refund(100_000_000_000);
    expect(overflow.decision).toBe('deny');
    expect(overflow.errors.join()).toMatch(/overflow/);
    // A context that does not match the declared shape cannot be evaluated either.
    const wrong = await refund('forty');
    expect(wrong.decision).toBe('deny');
    expect(wrong.errors.length).toBeGreaterThan(0);
  });

  it('lets an agent check only itself, and people check anyone', async () => {
    const body = {
      actorId: 'bea',
      action: 'refund',
      resource: { type: 'Domain', id: 'billing' },
      context: { amount: 1 },
    };
    expectProblem(await check(body, 'agentA'), 403, 'forbidden');
    expect(json<Decision>(await check(body, 'viewer')).decision).toBe('allow');
    const unknown = expectProblem(
      await check({ ...body, resource: { type: 'WorkItem', id: 'w-missing' } }, 'viewer'),
      422,
      'unknown_reference',
    );
    expectIssue(unknown, 'resource.id');
  });

  it('refuses a claim the policies forbid, and changes nothing', async () => {
    const critical = await createWork(fx, { title: 'down', priorityClass: 'critical' });
    const refused = await expectRefusedWithoutChange(
      fx,
      () => fx.call('POST', '/v1/work/claim', { as: 'agentA', body: {} }),
      403,
      'forbidden',
    );
    expect(refused.detail).toMatch(/'ada' may not claim work item .*denied by no-critical-claims/);
    expect(refused).toMatchObject({
      action: 'claim',
      workItem: critical.id,
      policies: [{ id: 'no-critical-claims', effect: 'forbid' }],
    });
    // An operator (a person) is not governed by the policies.
    await mustAct(fx, critical.id, 'assign', { actorId: 'hana' });
    await mustAct(fx, critical.id, 'cancel');
  });

  it('refuses an agent’s create outside its domains', async () => {
    await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/work', {
          as: 'agentA',
          body: { typeId: 'invoice', title: 'not mine' },
        }),
      403,
      'forbidden',
    );
    await createWork(fx, { title: 'mine' }, 'agentA').then((w) => mustAct(fx, w.id, 'cancel'));
  });

  it('refuses a completion that needs approval with its own code, and changes nothing', async () => {
    const invoice = await createWork(fx, { typeId: 'invoice', title: 'april' });
    const claimed = await fx.call('POST', '/v1/work/claim', { as: 'agentB', body: {} });
    expect(claimed.statusCode, claimed.body).toBe(200);
    expect(json<{ id: string }>(claimed).id).toBe(invoice.id);
    await mustAct(fx, invoice.id, 'start', undefined, 'agentB');
    const refused = await expectRefusedWithoutChange(
      fx,
      () => act(fx, invoice.id, 'complete', undefined, 'agentB'),
      403,
      'approval_required',
    );
    expect(refused.title).toBe('Approval required');
    expect(refused.detail).toMatch(/only with approval/);
    expect(refused.policies).toEqual([
      {
        id: 'invoices-need-a-look',
        effect: 'permit',
        annotations: { id: 'invoices-need-a-look', mode: 'approval', approvers: 'billing-leads' },
      },
    ]);
    // Failing it is within its authority.
    await mustAct(fx, invoice.id, 'fail', undefined, 'agentB');
  });

  it('follows a new revision on the very next request', async () => {
    const invoice = await createWork(fx, { typeId: 'invoice', title: 'may' });
    const approval = () =>
      check({ action: 'complete', resource: { type: 'WorkItem', id: invoice.id } }, 'agentB');
    expect(json<Decision>(await approval()).decision).toBe('approval_required');
    const relaxed = POLICIES.replace('@mode("approval") @approvers("billing-leads")', '');
    const applied = await fx.call('POST', '/v1/config/apply', {
      as: 'admin',
      body: withPolicies(relaxed),
    });
    expect(json<{ changes: unknown[] }>(applied).changes).toEqual([
      { kind: 'policy', id: 'policies/billing.cedar', change: 'changed', fields: ['text'] },
    ]);
    expect(json<Decision>(await approval()).decision).toBe('allow');
    await mustAct(fx, invoice.id, 'cancel');
  });
});
