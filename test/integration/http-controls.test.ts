import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { orgConfigSchema, toOrgModel } from '../../src/core/org-config.js';
import { SYSTEM } from '../../src/core/principal.js';
import {
  AGENT_A,
  AGENT_B,
  createWork,
  expectIssue,
  expectProblem,
  expectRefusedWithoutChange,
  HTTP_ORG,
  json,
  openHttpFixture,
  type HttpFixture,
} from '../support/http-fixture.js';

/* Pauses, redirects, token revocation and budgets through the API: in force on the next request. */

const clock = new ManualClock('2026-04-06T10:00:00.000Z');
let fx: HttpFixture;
beforeAll(async () => {
  fx = await openHttpFixture({ clock });
  const applied = await fx.cp.applyConfig(
    SYSTEM,
    toOrgModel(
      orgConfigSchema.parse({
        ...HTTP_ORG,
        actions: [{ id: 'refund', class: 'payments', appliesTo: ['domain'] }],
        budgets: [{ agent: AGENT_B, actionsPerMinute: 2 }],
      }),
    ),
    'test',
  );
  expect(applied.applied).toBe(true);
});
afterAll(async () => {
  await fx.close();
});

const claim = (as: 'agentA' | 'agentB' = 'agentA') =>
  fx.call('POST', '/v1/work/claim', { as, body: {} });

describe('pauses', () => {
  it('pauses an agent’s work actions from its next request, naming who and why, until lifted', async () => {
    const item = await createWork(fx, { title: 'one' });
    expect((await claim()).statusCode).toBe(200);
    const paused = await fx.call('POST', '/v1/pauses', {
      as: 'operator',
      body: { actorId: AGENT_A, reason: 'checking its answers' },
    });
    expect(paused.statusCode, paused.body).toBe(201);
    const pause = json<{ id: string; appliedBy: string; actionClass: string }>(paused);
    expect(pause.actionClass).toBe('work');

    const refused = await expectRefusedWithoutChange(
      fx,
      () => fx.call('POST', `/v1/work/${item.id}/start`, { as: 'agentA', body: {} }),
      403,
      'forbidden',
    );
    expect(refused.detail).toMatch(/paused .*checking its answers/);
    expect(refused).toMatchObject({ pause: pause.id, appliedBy: pause.appliedBy });
    // Not stopped: its heartbeat goes on.
    const beat = await fx.call('POST', `/v1/actors/${AGENT_A}/heartbeat`, { as: 'agentA' });
    expect(beat.statusCode, beat.body).toBe(200);

    const active = await fx.call('GET', '/v1/pauses?active=true', { as: 'viewer' });
    expect(json<{ items: { id: string }[] }>(active).items.map((p) => p.id)).toEqual([pause.id]);
    const lifted = await fx.call('POST', `/v1/pauses/${pause.id}/lift`, {
      as: 'operator',
      body: { reason: 'all good' },
    });
    expect(json<{ liftReason: string }>(lifted).liftReason).toBe('all good');
    const started = await fx.call('POST', `/v1/work/${item.id}/start`, { as: 'agentA', body: {} });
    expect(started.statusCode, started.body).toBe(200);
  });

  it('pauses a custom action class: the authority check answers deny with the pause', async () => {
    const paused = await fx.call('POST', '/v1/pauses', {
      as: 'admin',
      body: { actorId: AGENT_A, actionClass: 'payments', reason: 'chargebacks' },
    });
    expect(paused.statusCode, paused.body).toBe(201);
    const check = await fx.call('POST', '/v1/authority/check', {
      as: 'agentA',
      body: { action: 'refund', resource: { type: 'Domain', id: 'support' } },
    });
    expect(json(check)).toMatchObject({
      decision: 'deny',
      pause: { actionClass: 'payments', reason: 'chargebacks' },
    });
    await fx.call('POST', `/v1/pauses/${json<{ id: string }>(paused).id}/lift`, {
      as: 'admin',
      body: { reason: 'ok' },
    });
  });

  it('refuses a custom action of a paused class as a paused work action is refused, until lifted', async () => {
    const refund = () =>
      fx.call('POST', '/v1/actions', {
        as: 'agentA',
        body: { action: 'refund', resource: { type: 'Domain', id: 'support' } },
      });
    const paused = await fx.call('POST', '/v1/pauses', {
      as: 'operator',
      body: { actorId: AGENT_A, actionClass: 'payments', reason: 'refunds to closed accounts' },
    });
    expect(paused.statusCode, paused.body).toBe(201);
    const pause = json<{ id: string; appliedBy: string }>(paused);

    // The same refusal as a paused work action's: 403 `forbidden` naming the pause, who and why;
    // nothing is recorded but the audit of the refusal.
    const refused = await expectRefusedWithoutChange(fx, refund, 403, 'forbidden');
    expect(refused.detail).toMatch(
      /'ada' may not refund: its 'payments' actions are paused .*refunds to closed accounts/,
    );
    expect(refused).toMatchObject({
      pause: pause.id,
      actionClass: 'payments',
      appliedBy: pause.appliedBy,
      reason: 'refunds to closed accounts',
    });
    const [audit] = await fx.cp.listEvents(SYSTEM, {
      types: ['supervision.access.refused'],
      order: 'desc',
      limit: 1,
    });
    expect(audit?.payload).toMatchObject({ via: 'http', code: 'forbidden' });
    // Another agent's refunds go on.
    const other = await fx.call('POST', '/v1/actions', {
      as: 'agentB',
      body: { action: 'refund', resource: { type: 'Domain', id: 'support' } },
    });
    expect(other.statusCode, other.body).toBe(201);

    await fx.call('POST', `/v1/pauses/${pause.id}/lift`, {
      as: 'operator',
      body: { reason: 'accounts checked' },
    });
    const before = await fx.head();
    const performed = await refund();
    expect(performed.statusCode, performed.body).toBe(201);
    expect(json(performed)).toMatchObject({ actorId: AGENT_A, class: 'payments' });
    expect((await fx.eventsAfter(before)).map((e) => e.type)).toEqual([
      'supervision.action.performed',
    ]);
  });

  it('refuses bad requests and people without the right, changing nothing', async () => {
    const unknown = await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/pauses', {
          as: 'operator',
          body: { actorId: AGENT_A, actionClass: 'nope', reason: 'x' },
        }),
      422,
      'unknown_reference',
    );
    expectIssue(unknown, 'actionClass');
    await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/pauses', { as: 'agentB', body: { actorId: AGENT_A, reason: 'x' } }),
      403,
      'forbidden',
    );
    const noReason = expectProblem(
      await fx.call('POST', '/v1/redirects', { as: 'operator', body: { actorId: AGENT_A } }),
      400,
      'validation_failed',
    );
    expectIssue(noReason, 'reason');
  });
});

describe('pauses under authority policies', () => {
  /** Ada refunds up to 100 alone, up to 5000 with a person's approval, in her own domain. */
  const REFUND_POLICIES = `@id("small-refunds")
permit(principal is Actor, action == Action::"refund", resource is Domain)
when { principal in resource && context.amount <= 100 };

@id("large-refunds") @mode("approval")
permit(principal is Actor, action == Action::"refund", resource is Domain)
when { principal in resource && context.amount <= 5000 };
`;
  let pfx: HttpFixture;
  beforeAll(async () => {
    pfx = await openHttpFixture({ clock });
    const applied = await pfx.call('POST', '/v1/config/apply', {
      as: 'admin',
      body: {
        ...HTTP_ORG,
        actions: [{ id: 'refund', appliesTo: ['domain'], context: { amount: 'Long' } }],
        policies: [{ name: 'policies/refunds.cedar', text: REFUND_POLICIES }],
      },
    });
    expect(applied.statusCode, applied.body).toBe(200);
  });
  afterAll(async () => {
    await pfx.close();
  });

  const support = { type: 'Domain', id: 'support' };
  const ask = (amount: number) =>
    pfx.call('POST', '/v1/approvals', {
      as: 'agentA',
      body: { action: 'refund', resource: support, arguments: { amount } },
    });
  const refund = (amount: number, approvalId?: string) =>
    pfx.call('POST', '/v1/actions', {
      as: 'agentA',
      body: { action: 'refund', resource: support, arguments: { amount }, approvalId },
    });

  it('refuses the paused class its approvals and actions; people reject but not approve until lifted', async () => {
    const pending = json<{ id: string }>(await ask(500));
    const doomed = json<{ id: string }>(await ask(700));
    const paused = await pfx.call('POST', '/v1/pauses', {
      as: 'operator',
      body: { actorId: AGENT_A, actionClass: 'refund', reason: 'ledger audit' },
    });
    expect(paused.statusCode, paused.body).toBe(201);
    const pause = json<{ id: string }>(paused);
    const named = { pause: pause.id, actionClass: 'refund', reason: 'ledger audit' };

    // The agent asks nobody to approve what it may not do now.
    const asked = await expectRefusedWithoutChange(pfx, () => ask(600), 403, 'forbidden');
    expect(asked).toMatchObject(named);
    // What the policies allow alone is refused too, and so is what needs approval.
    expect(await expectRefusedWithoutChange(pfx, () => refund(50), 403, 'forbidden')).toMatchObject(
      named,
    );
    expect(
      await expectRefusedWithoutChange(pfx, () => refund(500), 403, 'forbidden'),
    ).toMatchObject(named);
    const check = await pfx.call('POST', '/v1/authority/check', {
      as: 'agentA',
      body: { action: 'refund', resource: support, context: { amount: 50 } },
    });
    expect(json(check)).toMatchObject({ decision: 'deny', pause: { id: pause.id } });
    // A person cannot approve a paused class's action, which stays pending; rejecting is fine.
    const approving = await expectRefusedWithoutChange(
      pfx,
      () => pfx.call('POST', `/v1/approvals/${pending.id}/approve`, { as: 'admin', body: {} }),
      403,
      'forbidden',
    );
    expect(approving).toMatchObject(named);
    const got = await pfx.call('GET', `/v1/approvals/${pending.id}`, { as: 'viewer' });
    expect(json(got)).toMatchObject({ state: 'pending' });
    const rejected = await pfx.call('POST', `/v1/approvals/${doomed.id}/reject`, {
      as: 'admin',
      body: { reason: 'not during the audit' },
    });
    expect(json(rejected)).toMatchObject({ state: 'rejected' });

    await pfx.call('POST', `/v1/pauses/${pause.id}/lift`, {
      as: 'operator',
      body: { reason: 'audit done' },
    });
    const approved = await pfx.call('POST', `/v1/approvals/${pending.id}/approve`, {
      as: 'admin',
      body: {},
    });
    expect(json(approved)).toMatchObject({ state: 'approved' });
    const large = await refund(500, pending.id);
    expect(large.statusCode, large.body).toBe(201);
    expect(json(large)).toMatchObject({ decision: 'approval_required', approvalId: pending.id });
    const small = await refund(50);
    expect(small.statusCode, small.body).toBe(201);
    expect(json(small)).toMatchObject({ decision: 'allow', class: 'refund' });
  });
});

describe('redirects', () => {
  it('moves an agent’s work to another actor and gives it none until lifted', async () => {
    const held = await fx.call('GET', `/v1/work?owner=${AGENT_A}`, { as: 'viewer' });
    const before = json<{ items: { id: string }[] }>(held).items.map((i) => i.id);
    expect(before.length).toBeGreaterThan(0);
    const redirected = await fx.call('POST', '/v1/redirects', {
      as: 'operator',
      body: { actorId: AGENT_A, to: 'hana', reason: 'escalated' },
    });
    expect(redirected.statusCode, redirected.body).toBe(201);
    const { redirect, moved } = json<{
      redirect: { id: string; to: string };
      moved: { workItem: string; to: string }[];
    }>(redirected);
    expect(redirect.to).toBe('hana');
    expect(moved.map((m) => [m.workItem, m.to])).toEqual(before.map((id) => [id, 'hana']));

    await createWork(fx, { title: 'not for ada' });
    const refused = await expectRefusedWithoutChange(fx, () => claim(), 403, 'forbidden');
    expect(refused.detail).toMatch(/redirected to 'hana' .*escalated/);
    const list = await fx.call('GET', '/v1/redirects', { as: 'viewer' });
    expect(json<{ items: { id: string }[] }>(list).items.map((r) => r.id)).toEqual([redirect.id]);
    await fx.call('POST', `/v1/redirects/${redirect.id}/lift`, {
      as: 'operator',
      body: { reason: 'back' },
    });
    expect((await claim()).statusCode).toBe(200);
  });
});

describe('tokens', () => {
  it('refuses a revoked token on its very next request, and records who and why', async () => {
    const issued = await fx.call('POST', '/v1/tokens', {
      as: 'admin',
      body: { name: 'spare', role: 'agent', actorId: AGENT_A },
    });
    const { id, token } = json<{ id: string; token: string }>(issued);
    expect((await fx.call('GET', '/v1/work', { token })).statusCode).toBe(200);
    const revoked = await fx.call('DELETE', `/v1/tokens/${id}`, {
      as: 'admin',
      body: { reason: 'leaked in a log' },
    });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expectProblem(await fx.call('GET', '/v1/work', { token }), 401, 'unauthenticated');
    expectProblem(
      await fx.call('POST', '/v1/work/claim', { token, body: {} }),
      401,
      'unauthenticated',
    );
    const events = await fx.cp.listEvents(SYSTEM, { subject: id, limit: 10 });
    expect(events.at(-1)).toMatchObject({
      type: 'core.token.revoked',
      actor: `token:${fx.tokens.admin.id}`,
      payload: { reason: 'leaked in a log' },
    });
  });
});

describe('budgets', () => {
  it('answers 429 with Retry-After past the rate limit, and shows the usage', async () => {
    clock.set('2026-04-06T11:00:15.000Z');
    for (const title of ['a', 'b', 'c', 'd']) await createWork(fx, { title });
    expect((await claim('agentB')).statusCode).toBe(200);
    expect((await claim('agentB')).statusCode).toBe(200);
    const before = await fx.head();
    const limited = await claim('agentB');
    const problem = expectProblem(limited, 429, 'rate_limited');
    expect(limited.headers['retry-after']).toBe('45');
    expect(problem).toMatchObject({ limit: 2, retryAfterSeconds: 45 });
    expect(await fx.head()).toBe(before);
    const usage = await fx.call('GET', '/v1/budgets', { as: 'agentB' });
    expect(json(usage)).toMatchObject({
      items: [{ budget: { agent: AGENT_B }, usage: [{ window: 'minute', used: 2, limit: 2 }] }],
    });
    const exceptions = await fx.call('GET', '/v1/exceptions?alertname=RateLimited', {
      as: 'viewer',
    });
    expect(json<{ items: { labels: Record<string, string> }[] }>(exceptions).items).toHaveLength(1);
    clock.set('2026-04-06T11:01:00.000Z');
    expect((await claim('agentB')).statusCode).toBe(200);
  });
});
