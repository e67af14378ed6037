import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/core/principal.js';
import { AutonomyClient, runClaimLoop, type Approval } from '../../src/sdk/index.js';
import { AGENT_A, openHttpFixture, type HttpFixture } from '../support/http-fixture.js';
import { applyApprovalPolicies } from '../support/approval-policies.js';

/* An agent on the SDK through the approval flow, against a live server: a person decides. */

let fx: HttpFixture;
let ada: AutonomyClient;
let hana: AutonomyClient;

beforeAll(async () => {
  fx = await openHttpFixture();
  await applyApprovalPolicies(fx);
  const baseUrl = await fx.app.listen({ host: '127.0.0.1', port: 0 });
  ada = new AutonomyClient({ baseUrl, token: fx.tokens.agentA.secret, actorId: AGENT_A });
  const issued = await fx.cp.issueToken(SYSTEM, {
    name: 'hana',
    role: 'operator',
    actorId: 'hana',
  });
  hana = new AutonomyClient({ baseUrl, token: issued.secret, actorId: 'hana' });
});
afterAll(async () => {
  await fx.close();
});

/** Hana approves the first pending approval she sees, as a person at the dashboard would. */
async function hanaApprovesNext(): Promise<Approval> {
  for (;;) {
    const pending = await hana.request('GET', '/approvals?state=pending');
    const first = pending.ok ? (pending.value.body as { items: Approval[] }).items[0] : undefined;
    if (first !== undefined) {
      const approved = await hana.request('POST', `/approvals/${first.id}/approve`, {});
      expect(approved.ok).toBe(true);
      return first;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('SDK approvals', () => {
  it('asks, waits while a person approves, and completes with the approval once', async () => {
    const created = await fx.call('POST', '/v1/work', {
      as: 'operator',
      body: { typeId: 'ticket', title: 'needs a yes' },
    });
    const id = created.json<{ id: string }>().id;
    let approvalId = '';
    const approver = hanaApprovesNext();
    const summary = await runClaimLoop(ada, {
      maxItems: 1,
      handle: async ({ item, client }) => {
        expect(item.id).toBe(id);
        const refused = await client.complete(item.id, { reason: 'answered' });
        expect(refused).toMatchObject({ ok: false, problem: { code: 'approval_required' } });
        const asked = await client.requestApproval({
          action: 'complete',
          resource: { type: 'WorkItem', id: item.id },
          arguments: { reason: 'answered' },
          justification: 'the customer confirmed the fix',
        });
        if (!asked.ok) throw new Error(asked.problem.detail);
        approvalId = asked.value.id;
        const decided = await client.awaitApproval(approvalId, 30);
        expect(decided).toMatchObject({ ok: true, value: { state: 'approved' } });
        const done = await client.complete(item.id, { reason: 'answered', approvalId });
        expect(done).toMatchObject({ ok: true, value: { state: 'done' } });
        return { outcome: 'reported' };
      },
    });
    expect(summary.selfReported).toBe(1);
    expect((await approver).id).toBe(approvalId);
    expect(
      (await ada.getApproval(approvalId)).ok && (await ada.getApproval(approvalId)),
    ).toMatchObject({
      value: { state: 'used' },
    });
  });

  it('takes a custom action the policies allow, and is refused one they do not', async () => {
    const small = await ada.performAction({
      action: 'refund',
      resource: { type: 'Domain', id: 'support' },
      arguments: { amount: 40 },
    });
    expect(small).toMatchObject({ ok: true, value: { decision: 'allow', approvalId: null } });
    const large = await ada.performAction({
      action: 'refund',
      resource: { type: 'Domain', id: 'support' },
      arguments: { amount: 400 },
    });
    expect(large).toMatchObject({ ok: false, problem: { status: 403 } });
  });

  it('answers the approval as it is when the wait runs out', async () => {
    const created = await fx.call('POST', '/v1/work', {
      as: 'operator',
      body: { typeId: 'ticket', title: 'nobody answers' },
    });
    const id = created.json<{ id: string }>().id;
    const asked = await ada.requestApproval({
      action: 'complete',
      resource: { type: 'WorkItem', id },
      arguments: {},
    });
    if (!asked.ok) throw new Error(asked.problem.detail);
    const waited = await ada.awaitApproval(asked.value.id, 1);
    expect(waited).toMatchObject({ ok: true, value: { state: 'pending' } });
  });

  it('answers a pending long poll when the server closes, instead of holding it open', async () => {
    const other = await openHttpFixture();
    await applyApprovalPolicies(other);
    const baseUrl = await other.app.listen({ host: '127.0.0.1', port: 0 });
    const agent = new AutonomyClient({
      baseUrl,
      token: other.tokens.agentA.secret,
      actorId: AGENT_A,
    });
    const created = await other.call('POST', '/v1/work', {
      as: 'operator',
      body: { typeId: 'ticket', title: 'closing time' },
    });
    const asked = await agent.requestApproval({
      action: 'complete',
      resource: { type: 'WorkItem', id: created.json<{ id: string }>().id },
    });
    if (!asked.ok) throw new Error(asked.problem.detail);
    const waiting = agent.getApproval(asked.value.id, 300);
    // Give the request time to reach the server and start waiting.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await other.close();
    // Answered as it is (or, had it arrived only once closing began, refused with 503): the
    // close did not wait out the five minutes.
    const answer = await waiting;
    if (answer.ok) expect(answer.value.state).toBe('pending');
    else expect(answer.problem.status).toBe(503);
  });
});
