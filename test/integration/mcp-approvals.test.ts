import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/core/principal.js';
import {
  AGENT_A,
  createWork,
  json,
  openHttpFixture,
  type HttpFixture,
} from '../support/http-fixture.js';
import { applyApprovalPolicies } from '../support/approval-policies.js';

/* The approval flow an agent goes through over MCP, driven by the SDK's own client. */

let fx: HttpFixture;
let url: URL;
let hana: string;

beforeAll(async () => {
  fx = await openHttpFixture();
  await applyApprovalPolicies(fx);
  hana = (await fx.cp.issueToken(SYSTEM, { name: 'hana', role: 'operator', actorId: 'hana' }))
    .secret;
  await fx.app.listen({ host: '127.0.0.1', port: 0 });
  url = new URL(`http://127.0.0.1:${(fx.app.server.address() as AddressInfo).port}/mcp`);
});
afterAll(async () => {
  await fx.close();
});

async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const structured = result.structuredContent as
    { result?: unknown; error?: { code: string; message: string } } | undefined;
  return { isError: result.isError === true, result: structured?.result, error: structured?.error };
}

describe('approvals over MCP', () => {
  it('claims, asks approval, waits while a person approves over HTTP, and completes with it', async () => {
    const client = new Client({ name: 'test-agent', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(url, {
        requestInit: { headers: { authorization: `Bearer ${fx.tokens.agentA.secret}` } },
      }),
    );
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    for (const name of [
      'check_authority',
      'request_approval',
      'await_approval',
      'my_authority',
      'perform_action',
    ])
      expect(byName.has(name), name).toBe(true);
    expect(byName.get('await_approval')?.annotations?.readOnlyHint).toBe(true);
    expect(byName.get('complete_work')?.inputSchema.properties).toHaveProperty('approvalId');

    const item = await createWork(fx, { title: 'refund question' });
    const claimed = await call(client, 'claim_work');
    expect(claimed.result).toMatchObject({ claimed: { id: item.id, ownerId: AGENT_A } });
    await call(client, 'start_work', { id: item.id });
    expect((await call(client, 'heartbeat')).isError).toBe(false);

    const mine = (await call(client, 'my_authority')).result as {
      work: { workType: string; actions: Record<string, string> }[];
      custom: { action: string; decision: string }[];
      halts: unknown[];
    };
    expect(mine.work.find((w) => w.workType === 'ticket')?.actions).toMatchObject({
      claim: 'allow',
      complete: 'approval_required',
      cancel: 'deny',
    });
    expect(mine.custom[0]).toMatchObject({ action: 'refund', decision: 'depends_on_arguments' });
    expect(mine.halts).toEqual([]);
    const checked = await call(client, 'check_authority', {
      action: 'complete',
      resource: { type: 'WorkItem', id: item.id },
    });
    expect(checked.result).toMatchObject({ decision: 'approval_required' });

    const refused = await call(client, 'complete_work', { id: item.id, reason: 'answered' });
    expect(refused).toMatchObject({ isError: true, error: { code: 'approval_required' } });

    const asked = await call(client, 'request_approval', {
      action: 'complete',
      resource: { type: 'WorkItem', id: item.id },
      arguments: { reason: 'answered' },
      justification: 'the customer got their answer',
    });
    const approval = asked.result as { id: string; state: string; approvers: string[] };
    expect(approval).toMatchObject({ state: 'pending', approvers: ['hana'] });

    // The agent waits; a person approves over HTTP meanwhile.
    const waiting = call(client, 'await_approval', {
      approvalId: approval.id,
      timeoutSeconds: 60,
    });
    const approved = await fx.call('POST', `/v1/approvals/${approval.id}/approve`, {
      token: hana,
      body: { reason: 'fine' },
    });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(json<{ state: string }>(approved).state).toBe('approved');
    expect((await waiting).result).toMatchObject({ id: approval.id, state: 'approved' });

    const done = await call(client, 'complete_work', {
      id: item.id,
      reason: 'answered',
      approvalId: approval.id,
    });
    expect(done.result).toMatchObject({ id: item.id, state: 'done' });
    const again = await call(client, 'perform_action', {
      action: 'refund',
      resource: { type: 'Domain', id: 'support' },
      arguments: { amount: 20 },
    });
    expect(again.result).toMatchObject({ decision: 'allow', class: 'refund' });
    await client.close();
  });
});
