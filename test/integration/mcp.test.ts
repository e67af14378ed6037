import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTool, connectMcp, launchStdioAgent } from '../support/mcp-client.js';
import {
  AGENT_A,
  createWork,
  expectProblem,
  json,
  openHttpFixture,
  type HttpFixture,
} from '../support/http-fixture.js';

/* The MCP server, driven by the SDK's own client: over Streamable HTTP, and over stdio. */

let fx: HttpFixture;
let url: URL;

const connect = (secret: string): Promise<Client> => connectMcp(url, secret);
const call = callTool;

beforeAll(async () => {
  fx = await openHttpFixture();
  await fx.app.listen({ host: '127.0.0.1', port: 0 });
  url = new URL(`http://127.0.0.1:${(fx.app.server.address() as AddressInfo).port}/mcp`);
});
afterAll(async () => {
  await fx.close();
});

describe('MCP over Streamable HTTP', () => {
  it('lists its tools with hints, and takes an item from claim to completion', async () => {
    const client = await connect(fx.tokens.agentA.secret);
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    for (const name of [
      'claim_work',
      'start_work',
      'heartbeat',
      'complete_work',
      'fail_work',
      'raise_exception',
      'report_metric',
      'my_work',
    ])
      expect(byName.has(name), name).toBe(true);
    expect(byName.get('my_work')?.annotations?.readOnlyHint).toBe(true);
    expect(byName.get('fail_work')?.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
    });

    const item = await createWork(fx, { typeId: 'ticket', title: 'From MCP' });
    const claimed = await call(client, 'claim_work');
    expect(claimed.result).toMatchObject({ claimed: { id: item.id, ownerId: AGENT_A } });
    expect((await call(client, 'start_work', { id: item.id })).result).toMatchObject({
      state: 'in_progress',
    });
    expect((await call(client, 'heartbeat')).result).toMatchObject({ id: AGENT_A });
    const mine = await call(client, 'my_work');
    expect((mine.result as { id: string }[]).map((w) => w.id)).toEqual([item.id]);
    const resource = await client.readResource({ uri: `work://${item.id}` });
    const [content] = resource.contents;
    expect(
      content !== undefined && 'text' in content ? JSON.parse(content.text) : null,
    ).toMatchObject({ id: item.id });
    const done = await call(client, 'complete_work', { id: item.id, reason: 'answered' });
    expect(done.result).toMatchObject({ state: 'done' });

    const metric = await call(client, 'report_metric', { name: 'csat', kind: 'gauge', value: 4 });
    expect(metric.result).toMatchObject({ series: 'csat{}' });
    const raised = await call(client, 'raise_exception', {
      alertname: 'CustomerAngry',
      summary: 'threatens to leave',
      labels: { domain: 'support' },
    });
    expect(raised.result).toMatchObject({ opened: true, exception: { source: 'manual' } });
    await client.close();
  });

  it('refuses as a typed value, and a halt is in force on the very next call', async () => {
    const client = await connect(fx.tokens.agentA.secret);
    const foreign = await call(client, 'complete_work', { id: 'w_nope' });
    expect(foreign).toMatchObject({ isError: true, error: { code: 'not_found' } });

    const halted = await fx.call('POST', '/v1/halts', {
      as: 'operator',
      body: { scope: { kind: 'actor', id: AGENT_A }, reason: 'review' },
    });
    expect(halted.statusCode, halted.body).toBe(201);
    const refused = await call(client, 'claim_work');
    expect(refused).toMatchObject({ isError: true, error: { code: 'forbidden' } });
    expect(refused.error?.message).toMatch(/halted/);
    const haltId = json<{ halt: { id: string } }>(halted).halt.id;
    await fx.call('POST', `/v1/halts/${haltId}/lift`, { as: 'operator', body: { reason: 'ok' } });
    expect((await call(client, 'claim_work')).isError).toBe(false);
    await client.close();
  });

  it('serves agent tokens only', async () => {
    const viewer = await fx.app.inject({
      method: 'POST',
      url: '/mcp',
      headers: { authorization: `Bearer ${fx.tokens.viewer.secret}` },
      payload: {},
    });
    expectProblem(viewer, 403, 'forbidden');
    const none = await fx.app.inject({ method: 'POST', url: '/mcp', payload: {} });
    expectProblem(none, 401, 'unauthenticated');
  });
});

describe('autonomy mcp (stdio)', { timeout: 120_000 }, () => {
  it('serves one agent to a client that launches it', async () => {
    const { client, agent } = await launchStdioAgent('mcp');
    const heartbeat = (await client.callTool({
      name: 'heartbeat',
      arguments: {},
    })) as CallToolResult;
    expect(heartbeat.isError).not.toBe(true);
    expect(heartbeat.structuredContent).toMatchObject({ result: { id: agent } });
    await client.close();
  });
});
