import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { orgConfigSchema, toOrgModel } from '../../src/core/org-config.js';
import { SYSTEM } from '../../src/core/principal.js';
import { cliInProcess } from '../support/cli.js';
import { callTool, connectMcp, launchStdioAgent } from '../support/mcp-client.js';
import {
  AGENT_A,
  AGENT_B,
  createWork,
  HTTP_ORG,
  json,
  openHttpFixture,
  type HttpFixture,
} from '../support/http-fixture.js';

/* Each control in force on an agent's very next MCP call: pause, redirect, revoke, rate limit. */

const clock = new ManualClock('2026-04-07T10:00:00.000Z');
let fx: HttpFixture;
let url: URL;

const connect = (secret: string): Promise<Client> => connectMcp(url, secret, 'controlled-agent');
const call = callTool;

beforeAll(async () => {
  fx = await openHttpFixture({ clock });
  await fx.cp.applyConfig(
    SYSTEM,
    toOrgModel(
      orgConfigSchema.parse({
        ...HTTP_ORG,
        actions: [{ id: 'refund', class: 'payments', appliesTo: ['domain'] }],
        budgets: [{ agent: AGENT_B, actionsPerMinute: 1 }],
      }),
    ),
    'test',
  );
  await fx.app.listen({ host: '127.0.0.1', port: 0 });
  url = new URL(`http://127.0.0.1:${(fx.app.server.address() as AddressInfo).port}/mcp`);
});
afterAll(async () => {
  await fx.close();
});

describe('controls over MCP (Streamable HTTP)', () => {
  it('a pause refuses the very next work call, and its lift lets the next one through', async () => {
    const client = await connect(fx.tokens.agentA.secret);
    await createWork(fx, { title: 'for ada' });
    const paused = await fx.call('POST', '/v1/pauses', {
      as: 'operator',
      body: { actorId: AGENT_A, reason: 'spot check' },
    });
    const refused = await call(client, 'claim_work');
    expect(refused).toMatchObject({ isError: true, error: { code: 'forbidden' } });
    expect(refused.error?.message).toMatch(/paused .*spot check/);
    // Not stopped: it still sends heartbeats.
    expect((await call(client, 'heartbeat')).isError).toBe(false);
    await fx.call('POST', `/v1/pauses/${json<{ id: string }>(paused).id}/lift`, {
      as: 'operator',
      body: { reason: 'fine' },
    });
    expect((await call(client, 'claim_work')).result).toMatchObject({
      claimed: { ownerId: AGENT_A },
    });
    await client.close();
  });

  it('a paused custom class refuses perform_action as a paused work call is refused, until lifted', async () => {
    const client = await connect(fx.tokens.agentA.secret);
    const refund = () =>
      call(client, 'perform_action', {
        action: 'refund',
        resource: { type: 'Domain', id: 'support' },
      });
    const paused = await fx.call('POST', '/v1/pauses', {
      as: 'operator',
      body: { actorId: AGENT_A, actionClass: 'payments', reason: 'duplicate refunds' },
    });
    expect(paused.statusCode, paused.body).toBe(201);
    const pause = json<{ id: string; appliedBy: string }>(paused);

    const before = await fx.head();
    const refused = await refund();
    expect(refused).toMatchObject({
      isError: true,
      error: {
        code: 'forbidden',
        details: { pause: pause.id, actionClass: 'payments', appliedBy: pause.appliedBy },
      },
    });
    expect(refused.error?.message).toMatch(/'payments' actions are paused .*duplicate refunds/);
    // Nothing recorded but the audit of the refusal.
    const audit = await fx.eventsAfter(before);
    expect(audit.map((e) => e.type)).toEqual(['supervision.access.refused']);
    expect(audit[0]?.payload).toMatchObject({ via: 'mcp', operation: 'perform_action' });
    // Asking first gives the same answer, and so does the map of what it may do.
    const check = await call(client, 'check_authority', {
      action: 'refund',
      resource: { type: 'Domain', id: 'support' },
    });
    expect(check.result).toMatchObject({ decision: 'deny', pause: { id: pause.id } });
    const mine = await call(client, 'my_authority');
    expect(mine.result).toMatchObject({
      custom: expect.arrayContaining([
        expect.objectContaining({
          action: 'refund',
          resource: { type: 'Domain', id: 'support' },
          decision: 'deny',
        }),
      ]) as unknown,
      pauses: [{ id: pause.id, actionClass: 'payments', reason: 'duplicate refunds' }],
    });
    const asked = await call(client, 'request_approval', {
      action: 'refund',
      resource: { type: 'Domain', id: 'support' },
    });
    expect(asked).toMatchObject({ isError: true, error: { code: 'forbidden' } });

    await fx.call('POST', `/v1/pauses/${pause.id}/lift`, {
      as: 'operator',
      body: { reason: 'deduplicated' },
    });
    const performed = await refund();
    expect(performed).toMatchObject({
      isError: false,
      result: { actorId: AGENT_A, action: 'refund', class: 'payments', decision: 'allow' },
    });
    const mineAfter = await call(client, 'my_authority');
    expect(mineAfter.result).toMatchObject({ pauses: [] });
    await client.close();
  });

  it('a redirect takes its work away and refuses its next claim', async () => {
    const client = await connect(fx.tokens.agentA.secret);
    const redirected = await fx.call('POST', '/v1/redirects', {
      as: 'operator',
      body: { actorId: AGENT_A, reason: 'rebalancing' },
    });
    expect(redirected.statusCode, redirected.body).toBe(201);
    expect((await call(client, 'my_work')).result).toEqual([]);
    const refused = await call(client, 'claim_work');
    expect(refused).toMatchObject({ isError: true, error: { code: 'forbidden' } });
    expect(refused.error?.message).toMatch(/redirected to the queue .*rebalancing/);
    await fx.call(
      'POST',
      `/v1/redirects/${json<{ redirect: { id: string } }>(redirected).redirect.id}/lift`,
      {
        as: 'operator',
        body: { reason: 'done' },
      },
    );
    expect((await call(client, 'claim_work')).isError).toBe(false);
    await client.close();
  });

  it('a rate limit refuses the call past it as rate_limited, until the minute ends', async () => {
    const client = await connect(fx.tokens.agentB.secret);
    clock.set('2026-04-07T11:00:30.000Z');
    expect((await call(client, 'claim_work')).isError).toBe(false);
    const limited = await call(client, 'claim_work');
    expect(limited).toMatchObject({
      isError: true,
      error: { code: 'rate_limited', details: { retryAfterSeconds: 30 } },
    });
    clock.set('2026-04-07T11:01:00.000Z');
    expect((await call(client, 'claim_work')).isError).toBe(false);
    await client.close();
  });

  it('a revoked token is refused on its very next call, in a session opened before', async () => {
    const issued = await fx.call('POST', '/v1/tokens', {
      as: 'admin',
      body: { name: 'short-lived', role: 'agent', actorId: AGENT_A },
    });
    const { id, token } = json<{ id: string; token: string }>(issued);
    const client = await connect(token);
    expect((await call(client, 'heartbeat')).isError).toBe(false);
    await fx.call('DELETE', `/v1/tokens/${id}`, { as: 'admin', body: { reason: 'rotated' } });
    await expect(call(client, 'heartbeat')).rejects.toThrow(/401|unauthenticated/i);
    await client.close();
  });
});

describe('controls over MCP (stdio)', { timeout: 120_000 }, () => {
  it('refuses a token revoked while `autonomy mcp` runs, from its next call', async () => {
    const { client, db, tokenId } = await launchStdioAgent('mcp-revoke');
    expect((await call(client, 'heartbeat')).isError).toBe(false);
    const revoked = await cliInProcess(
      '--db',
      db,
      'token',
      'revoke',
      tokenId,
      '--reason',
      'agent retired',
    );
    expect(revoked.code, revoked.stderr).toBe(0);
    await expect(call(client, 'heartbeat')).rejects.toThrow(/revoked/);
    await client.close();
  });
});
