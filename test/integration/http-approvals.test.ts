import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { SYSTEM } from '../../src/core/principal.js';
import {
  AGENT_A,
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

/* Approvals through the API: asked, routed, decided, waited for, and spent on the exact action. */

const POLICIES = `@id("support-work")
permit(
  principal is Actor,
  action in [Action::"claim", Action::"assign", Action::"start", Action::"fail", Action::"release"],
  resource is WorkItem
)
when { principal.kind == "agent" && principal in resource.domain };

// Completing a ticket is sent to the customer: a person looks first.
@id("ticket-completions") @mode("approval") @expires("2h")
permit(principal is Actor, action == Action::"complete", resource is WorkItem)
when { principal.kind == "agent" && principal in resource.domain };

@id("small-refunds")
permit(principal is Actor, action == Action::"refund", resource is Domain)
when { principal in resource && context.amount <= 100 };

@id("large-refunds") @mode("approval") @approvers("domain-owners")
permit(principal is Actor, action == Action::"refund", resource is Domain)
when { principal in resource && context.amount > 100 };

@id("refund-ceiling")
forbid(principal is Actor, action == Action::"refund", resource)
when { context.amount > 5000 };
`;

const ORG = {
  ...HTTP_ORG,
  actions: [
    {
      id: 'refund',
      description: 'Pay a customer back',
      appliesTo: ['domain'],
      context: { amount: 'Long', currency: 'String' },
    },
  ],
  policies: [{ name: 'policies/approvals.cedar', text: POLICIES }],
};

interface ApprovalBody {
  id: string;
  state: string;
  actorId: string;
  approvers: string[];
  argumentsHash: string;
  approvedHash: string;
  approvedArguments: Record<string, unknown> | null;
  changes: { path: string; requested?: unknown; approved?: unknown }[];
  exceptionId: string | null;
  expiresAt: string;
  decidedBy: string | null;
}

const clock = new ManualClock('2026-03-02T09:00:00.000Z');
let fx: HttpFixture;
/** Tokens of the two people: Hana owns support, Hugo owns billing. */
let hana: string;
let hugo: string;

beforeAll(async () => {
  fx = await openHttpFixture({ clock });
  const applied = await fx.call('POST', '/v1/config/apply', { as: 'admin', body: ORG });
  expect(applied.statusCode, applied.body).toBe(200);
  hana = (await fx.cp.issueToken(SYSTEM, { name: 'hana', role: 'operator', actorId: 'hana' }))
    .secret;
  hugo = (await fx.cp.issueToken(SYSTEM, { name: 'hugo', role: 'operator', actorId: 'hugo' }))
    .secret;
});
afterAll(async () => {
  await fx.close();
});

/** A ticket Ada holds, in progress. */
async function adasTicket(): Promise<string> {
  const item = await createWork(fx, { title: 'customer question' });
  await mustAct(fx, item.id, 'assign', { actorId: AGENT_A });
  await mustAct(fx, item.id, 'start', undefined, 'agentA');
  return item.id;
}

const ask = (body: Record<string, unknown>, as: 'agentA' | 'agentB' = 'agentA') =>
  fx.call('POST', '/v1/approvals', { as, body });

async function askCompletion(workId: string, args: Record<string, unknown>) {
  const response = await ask({
    action: 'complete',
    resource: { type: 'WorkItem', id: workId },
    arguments: args,
    justification: 'answered the question',
  });
  expect(response.statusCode, response.body).toBe(201);
  return json<ApprovalBody>(response);
}

describe('approvals of work actions', () => {
  it('refuses the action without approval, saying how to get one', async () => {
    const id = await adasTicket();
    const problem = await expectRefusedWithoutChange(
      fx,
      () => fx.call('POST', `/v1/work/${id}/complete`, { as: 'agentA', body: {} }),
      403,
      'approval_required',
    );
    expect(problem.detail).toMatch(/request one \(POST \/v1\/approvals.*approvalId/);
  });

  it('asks, routes an exception to the domain owner, approves, and completes once with the approvalId', async () => {
    const id = await adasTicket();
    const before = await fx.head();
    const approval = await askCompletion(id, { reason: 'answered' });
    expect(approval).toMatchObject({
      state: 'pending',
      actorId: AGENT_A,
      approvers: ['hana'],
      expiresAt: '2026-03-02T11:00:00.000Z',
    });
    const exception = json<{ labels: Record<string, string>; state: string }>(
      await fx.call('GET', `/v1/exceptions/${approval.exceptionId ?? ''}`, { as: 'viewer' }),
    );
    expect(exception).toMatchObject({
      state: 'open',
      labels: { alertname: 'ApprovalPending', domain: 'support', action: 'complete' },
    });

    const approved = await fx.call('POST', `/v1/approvals/${approval.id}/approve`, {
      token: hana,
      body: { reason: 'looks right' },
    });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(json<ApprovalBody>(approved)).toMatchObject({ state: 'approved', decidedBy: 'hana' });
    const closed = json<{ state: string }>(
      await fx.call('GET', `/v1/exceptions/${approval.exceptionId ?? ''}`, { as: 'viewer' }),
    );
    expect(closed.state).toBe('resolved');

    // Other arguments than approved: refused, nothing changes.
    await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', `/v1/work/${id}/complete`, {
          as: 'agentA',
          body: { reason: 'something else', approvalId: approval.id },
        }),
      403,
      'forbidden',
    );
    const done = await fx.call('POST', `/v1/work/${id}/complete`, {
      as: 'agentA',
      body: { reason: 'answered', approvalId: approval.id },
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(json<{ state: string }>(done).state).toBe('done');
    const types = (await fx.eventsAfter(before)).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'supervision.approval.requested',
        'monitoring.exception.opened',
        'supervision.approval.approved',
        'monitoring.exception.resolved',
        'supervision.approval.used',
        'coordination.work.completed',
      ]),
    );
    expect(types.indexOf('supervision.approval.used')).toBeLessThan(
      types.indexOf('coordination.work.completed'),
    );
    const used = json<ApprovalBody>(
      await fx.call('GET', `/v1/approvals/${approval.id}`, { as: 'agentA' }),
    );
    expect(used.state).toBe('used');
  });

  it('refuses reuse, another item, another agent, a forged id and a rejected approval', async () => {
    const first = await adasTicket();
    const second = await adasTicket();
    const approval = await askCompletion(first, {});
    expect(
      (await fx.call('POST', `/v1/approvals/${approval.id}/approve`, { token: hana })).statusCode,
    ).toBe(200);
    const complete = (id: string, approvalId: string, as: 'agentA' | 'agentB' = 'agentA') =>
      fx.call('POST', `/v1/work/${id}/complete`, { as, body: { approvalId } });
    const mismatch = await expectRefusedWithoutChange(
      fx,
      () => complete(second, approval.id),
      403,
      'forbidden',
    );
    expect(expectIssue(mismatch, 'approvalId').message).toMatch(/is for WorkItem/);
    await expectRefusedWithoutChange(fx, () => complete(first, 'apr_forged'), 403, 'forbidden');
    expect((await complete(first, approval.id)).statusCode).toBe(200);
    const reuse = await expectRefusedWithoutChange(
      fx,
      () => complete(second, approval.id),
      403,
      'forbidden',
    );
    expect(reuse.detail).toMatch(/already used/);

    const third = await adasTicket();
    const rejected = await askCompletion(third, {});
    const noReason = await fx.call('POST', `/v1/approvals/${rejected.id}/reject`, {
      token: hana,
      body: {},
    });
    expectIssue(expectProblem(noReason, 400, 'validation_failed'), 'reason');
    expect(
      (
        await fx.call('POST', `/v1/approvals/${rejected.id}/reject`, {
          token: hana,
          body: { reason: 'the answer is wrong' },
        })
      ).statusCode,
    ).toBe(200);
    const refused = await expectRefusedWithoutChange(
      fx,
      () => complete(third, rejected.id),
      403,
      'forbidden',
    );
    expect(refused.detail).toMatch(/rejected/);
  });

  it('lets no agent, no requester and no other person decide, and records each attempt', async () => {
    const id = await adasTicket();
    const approval = await askCompletion(id, {});
    const url = `/v1/approvals/${approval.id}/approve`;
    const before = await fx.head();
    expectProblem(await fx.call('POST', url, { as: 'agentB' }), 403, 'forbidden');
    expectProblem(await fx.call('POST', url, { as: 'agentA' }), 403, 'forbidden');
    const stranger = expectProblem(await fx.call('POST', url, { token: hugo }), 403, 'forbidden');
    expect(stranger.detail).toMatch(/only its approvers \(hana\)/);
    const audited = await fx.eventsAfter(before);
    expect(audited.map((e) => [e.type, e.actor])).toEqual([
      ['supervision.approval.decision_refused', 'bea'],
      ['supervision.approval.decision_refused', AGENT_A],
      ['supervision.approval.decision_refused', 'hugo'],
    ]);
    const still = json<ApprovalBody>(
      await fx.call('GET', `/v1/approvals/${approval.id}`, { as: 'admin' }),
    );
    expect(still.state).toBe('pending');
    // An admin may always decide.
    expect((await fx.call('POST', url, { as: 'admin' })).statusCode).toBe(200);
  });

  it('refuses to ask for what needs no approval, and for what is denied', async () => {
    const id = await adasTicket();
    const allowed = expectProblem(
      await ask({ action: 'start', resource: { type: 'WorkItem', id } }),
      409,
      'conflict',
    );
    expect(allowed.detail).toMatch(/nothing to approve/);
    expectProblem(
      await ask(
        {
          action: 'refund',
          resource: { type: 'Domain', id: 'billing' },
          arguments: { amount: 9000, currency: 'EUR' },
        },
        'agentB',
      ),
      403,
      'forbidden',
    );
  });

  it('expires: an approval past its expiry is refused before the sweep, then swept', async () => {
    const id = await adasTicket();
    const approval = await askCompletion(id, {});
    expect(
      (await fx.call('POST', `/v1/approvals/${approval.id}/approve`, { token: hana })).statusCode,
    ).toBe(200);
    const pending = await askCompletion(await adasTicket(), {});
    clock.advance(2 * 3600 * 1000);
    const late = await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', `/v1/work/${id}/complete`, {
          as: 'agentA',
          body: { approvalId: approval.id },
        }),
      403,
      'forbidden',
    );
    expect(late.detail).toMatch(/expired/);
    expectProblem(
      await fx.call('POST', `/v1/approvals/${pending.id}/approve`, { token: hana }),
      409,
      'illegal_transition',
    );
    const swept = await fx.cp.approvals.expireDue();
    expect(swept.map((a) => a.id)).toEqual([pending.id]);
    const exception = json<{ state: string }>(
      await fx.call('GET', `/v1/exceptions/${pending.exceptionId ?? ''}`, { as: 'viewer' }),
    );
    expect(exception.state).toBe('resolved');
    const listed = json<{ items: ApprovalBody[] }>(
      await fx.call('GET', '/v1/approvals?state=expired', { as: 'viewer' }),
    );
    expect(listed.items.map((a) => a.id)).toEqual([pending.id]);
  });

  it('long-polls: the wait returns as soon as a person decides', async () => {
    const approval = await askCompletion(await adasTicket(), {});
    const waiting = fx.call('GET', `/v1/approvals/${approval.id}?wait=60`, { as: 'agentA' });
    let answered = false;
    void waiting.then(() => (answered = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    await fx.call('POST', `/v1/approvals/${approval.id}/approve`, { token: hana });
    const response = await waiting;
    expect(json<ApprovalBody>(response).state).toBe('approved');
  });
});

describe('telling the requester', () => {
  it('posts the decision to the webhook it gave, through the delivery outbox', async () => {
    const id = await adasTicket();
    const asked = await ask({
      action: 'complete',
      resource: { type: 'WorkItem', id },
      webhook: { url: 'https://agent.example/approvals' },
    });
    expect(asked.statusCode, asked.body).toBe(201);
    const approval = json<ApprovalBody>(asked);
    await fx.call('POST', `/v1/approvals/${approval.id}/reject`, {
      token: hana,
      body: { reason: 'no' },
    });
    const deliveries = json<{ items: { url: string; receiver: string; body: string }[] }>(
      await fx.call('GET', '/v1/webhook-deliveries', { as: 'admin' }),
    ).items.filter((d) => d.receiver === `approval:${approval.id}`);
    expect(deliveries.map((d) => d.url)).toEqual(['https://agent.example/approvals']);
    expect(JSON.parse(deliveries[0]?.body ?? '{}')).toMatchObject({
      event: 'approval.rejected',
      approval: { id: approval.id, state: 'rejected', decisionReason: 'no' },
    });
    expectIssue(
      expectProblem(
        await ask({
          action: 'complete',
          resource: { type: 'WorkItem', id },
          webhook: { url: 'file:///etc/passwd' },
        }),
        400,
        'validation_failed',
      ),
      'webhook.url',
    );
  });
});

describe('custom actions', () => {
  const refund = (body: Record<string, unknown>) =>
    fx.call('POST', '/v1/actions', {
      as: 'agentB',
      body: { action: 'refund', resource: { type: 'Domain', id: 'billing' }, ...body },
    });

  it('records an allowed one, and refuses a denied one without recording', async () => {
    const small = await refund({ arguments: { amount: 40, currency: 'EUR' } });
    expect(small.statusCode, small.body).toBe(201);
    expect(json(small)).toMatchObject({ decision: 'allow', approvalId: null, class: 'refund' });
    await expectRefusedWithoutChange(
      fx,
      () => refund({ arguments: { amount: 6000, currency: 'EUR' } }),
      403,
      'forbidden',
    );
  });

  it('needs an approval above 100; approved with edits, only the edited arguments go', async () => {
    const args = { amount: 500, currency: 'EUR' };
    await expectRefusedWithoutChange(
      fx,
      () => refund({ arguments: args }),
      403,
      'approval_required',
    );
    const asked = json<ApprovalBody>(
      await ask(
        { action: 'refund', resource: { type: 'Domain', id: 'billing' }, arguments: args },
        'agentB',
      ),
    );
    expect(asked.approvers).toEqual(['hugo']);
    // Edited into something the policies forbid: not approvable.
    expectProblem(
      await fx.call('POST', `/v1/approvals/${asked.id}/approve`, {
        token: hugo,
        body: { arguments: { amount: 7000, currency: 'EUR' } },
      }),
      403,
      'forbidden',
    );
    const edited = json<ApprovalBody>(
      await fx.call('POST', `/v1/approvals/${asked.id}/approve`, {
        token: hugo,
        body: { arguments: { amount: 300, currency: 'EUR' }, reason: 'partial refund' },
      }),
    );
    expect(edited.approvedHash).not.toBe(edited.argumentsHash);
    expect(edited.changes).toEqual([{ path: 'amount', requested: 500, approved: 300 }]);
    await expectRefusedWithoutChange(
      fx,
      () => refund({ arguments: args, approvalId: asked.id }),
      403,
      'forbidden',
    );
    const done = await refund({
      arguments: { currency: 'EUR', amount: 300 },
      approvalId: asked.id,
    });
    expect(done.statusCode, done.body).toBe(201);
    expect(json(done)).toMatchObject({ decision: 'approval_required', approvalId: asked.id });
    const performed = await fx.cp.listEvents(SYSTEM, {
      types: ['supervision.action.performed'],
      limit: 10,
    });
    expect(performed.at(-1)?.payload).toMatchObject({
      actorId: 'bea',
      action: 'refund',
      class: 'refund',
      resource: { type: 'Domain', id: 'billing' },
      approvalId: asked.id,
    });
  });
});
