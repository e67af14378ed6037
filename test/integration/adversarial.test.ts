import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/core/principal.js';
import {
  AGENT_A,
  AGENT_B,
  HTTP_ORG,
  openHttpFixture,
  type HttpFixture,
  type HttpMethod,
} from '../support/http-fixture.js';
import { connectMcp } from '../support/mcp-client.js';

/*
 * An agent token trying everything outside its authority, over HTTP and over MCP: other
 * actors' work, acting for others, changing policies, making tokens, halting and lifting,
 * acting without an approval, with a forged one, approving its own request, raising its own
 * trust, and acting while halted. Every attempt is refused, changes nothing, and is in the
 * audit log as the agent's.
 */

const POLICIES = `@id("own-domain-work")
permit(
  principal is Actor,
  action in [Action::"claim", Action::"start", Action::"fail", Action::"release"],
  resource is WorkItem
)
when { principal.kind == "agent" && principal in resource.domain };

@id("completions-need-approval") @mode("approval")
permit(principal is Actor, action == Action::"complete", resource is WorkItem)
when { principal.kind == "agent" && principal in resource.domain };
`;

let fx: HttpFixture;
let mcp: Client;
/** Held by bea (another agent), in progress. */
let theirs: string;
/** Held by ada, in progress; completing it needs approval. */
let mine: string;
/** Queued, nobody's yet. */
let queued: string;
/** An approval ada asked for, still pending. */
let pendingApproval: string;

beforeAll(async () => {
  fx = await openHttpFixture();
  const applied = await fx.call('POST', '/v1/config/apply', {
    as: 'admin',
    body: { ...HTTP_ORG, policies: [{ name: 'policies/agents.cedar', text: POLICIES }] },
  });
  expect(applied.statusCode, applied.body).toBe(200);
  const take = async (role: 'agentA' | 'agentB', title: string) => {
    const created = await fx.call('POST', '/v1/work', {
      as: 'operator',
      body: { typeId: 'ticket', title },
    });
    expect(created.statusCode).toBe(201);
    const claimed = await fx.call('POST', '/v1/work/claim', { as: role });
    const id = claimed.json<{ id: string }>().id;
    expect((await fx.call('POST', `/v1/work/${id}/start`, { as: role })).statusCode).toBe(200);
    return id;
  };
  theirs = await take('agentB', 'bea holds this');
  queued = (
    await fx.call('POST', '/v1/work', {
      as: 'operator',
      body: { typeId: 'invoice', title: 'nobody holds this' },
    })
  ).json<{ id: string }>().id;
  mine = await take('agentA', 'ada holds this');
  const asked = await fx.call('POST', '/v1/approvals', {
    as: 'agentA',
    body: { action: 'complete', resource: { type: 'WorkItem', id: mine }, arguments: {} },
  });
  expect(asked.statusCode, asked.body).toBe(201);
  pendingApproval = asked.json<{ id: string }>().id;

  const url = await fx.app.listen({ host: '127.0.0.1', port: 0 });
  mcp = await connectMcp(new URL(`${url}/mcp`), fx.tokens.agentA.secret, 'adversary');
});
afterAll(async () => {
  await mcp.close();
  await fx.close();
});

/** Everything an attempt could have changed, read as the engine sees it. */
async function state(): Promise<string> {
  const [work, tokens, halts, approvals, trust, org] = await Promise.all([
    fx.cp.listWork(SYSTEM, { limit: 1000 }),
    fx.cp.listTokens(SYSTEM),
    fx.cp.listHalts(SYSTEM, { limit: 1000 }),
    fx.cp.approvals.list(SYSTEM, { limit: 1000 }),
    fx.cp.trust.list(SYSTEM, {}),
    fx.cp.organization(),
  ]);
  const actors = await Promise.all([AGENT_A, AGENT_B].map((id) => fx.cp.getActor(SYSTEM, id)));
  return JSON.stringify({
    work: work.map((w) => [w.id, w.state, w.ownerId, w.version]),
    tokens: tokens.map((t) => [t.id, t.revokedAt]),
    halts: halts.map((h) => [h.id, h.liftedAt]),
    approvals: approvals.map((a) => [a.id, a.state, a.version]),
    trust,
    revision: org?.revision,
    actors: actors.map((a) => [a.id, a.status, a.lastHeartbeatAt]),
  });
}

/** One refused attempt: nothing changed but one audit event, the agent's, naming the refusal. */
async function expectRefusedAndAudited(
  attempt: () => Promise<{ refused: boolean; code: string | undefined }>,
  audited: { type?: string; via?: 'http' | 'mcp'; code?: string } = {},
) {
  const before = await state();
  const head = await fx.head();
  const outcome = await attempt();
  expect(outcome.refused).toBe(true);
  expect(await state()).toBe(before);
  const events = await fx.eventsAfter(head);
  expect(events.map((e) => [e.type, e.actor])).toEqual([
    [audited.type ?? 'supervision.access.refused', AGENT_A],
  ]);
  if (audited.type === undefined)
    expect(events[0]?.payload).toMatchObject({
      via: audited.via ?? 'http',
      code: audited.code ?? outcome.code,
      role: 'agent',
    });
}

const http = (method: HttpMethod, url: string, body?: unknown) => async () => {
  const response = await fx.call(method, url, {
    as: 'agentA',
    ...(body === undefined ? {} : { body }),
  });
  const problem = response.json<{ code?: string }>();
  return { refused: response.statusCode === 403, code: problem.code };
};

const tool =
  (name: string, args: Record<string, unknown> = {}) =>
  async () => {
    const result = (await mcp.callTool({ name, arguments: args })) as CallToolResult;
    const error = (result.structuredContent as { error?: { code: string } } | undefined)?.error;
    return { refused: result.isError === true, code: error?.code };
  };

describe('an agent token outside its authority, over HTTP', () => {
  const cases: [string, () => ReturnType<ReturnType<typeof http>>][] = [
    ['completes another agent’s work', () => http('POST', `/v1/work/${theirs}/complete`)()],
    [
      'fails another agent’s work',
      () => http('POST', `/v1/work/${theirs}/fail`, { reason: 'x' })(),
    ],
    ['releases another agent’s work', () => http('POST', `/v1/work/${theirs}/release`)()],
    [
      'assigns queued work to another agent',
      () => http('POST', `/v1/work/${queued}/assign`, { actorId: AGENT_B })(),
    ],
    ['claims for another agent', () => http('POST', '/v1/work/claim', { actorId: AGENT_B })()],
    ['heartbeats as another agent', () => http('POST', `/v1/actors/${AGENT_B}/heartbeat`)()],
    [
      'sets another actor’s status',
      () => http('PUT', `/v1/actors/${AGENT_B}/status`, { status: 'offline' })(),
    ],
    [
      'changes the policies',
      () =>
        http('POST', '/v1/config/apply', {
          ...HTTP_ORG,
          policies: [{ name: 'p.cedar', text: 'permit(principal, action, resource);' }],
        })(),
    ],
    ['creates a token', () => http('POST', '/v1/tokens', { name: 'mine', role: 'admin' })()],
    ['revokes another’s token', () => http('DELETE', `/v1/tokens/${fx.tokens.agentB.id}`)()],
    [
      'halts another agent',
      () =>
        http('POST', '/v1/halts', { scope: { kind: 'actor', id: AGENT_B }, reason: 'mine now' })(),
    ],
    [
      'raises its own trust level',
      () =>
        http('POST', '/v1/trust/levels', {
          actorId: AGENT_A,
          domainId: 'support',
          class: 'work',
          level: 4,
          reason: 'I earned it',
        })(),
    ],
    ['completes without the approval it needs', () => http('POST', `/v1/work/${mine}/complete`)()],
    [
      'completes with a forged approval id',
      () => http('POST', `/v1/work/${mine}/complete`, { approvalId: 'apr_forged' })(),
    ],
    [
      'completes with the id of an approval nobody gave',
      () => http('POST', `/v1/work/${mine}/complete`, { approvalId: pendingApproval })(),
    ],
    ['rebuilds the rollups', () => http('POST', '/v1/kpis/rebuild')()],
  ];
  it.each(cases)('%s: refused, nothing changed, audited', async (_name, attempt) => {
    await expectRefusedAndAudited(attempt);
  });

  it('approves its own request: refused, nothing changed, audited as a refused decision', async () => {
    await expectRefusedAndAudited(http('POST', `/v1/approvals/${pendingApproval}/approve`, {}), {
      type: 'supervision.approval.decision_refused',
    });
  });
});

describe('an agent token outside its authority, over MCP', () => {
  const cases: [string, () => ReturnType<ReturnType<typeof tool>>][] = [
    ['completes another agent’s work', () => tool('complete_work', { id: theirs })()],
    ['fails another agent’s work', () => tool('fail_work', { id: theirs, reason: 'x' })()],
    ['completes without the approval it needs', () => tool('complete_work', { id: mine })()],
    [
      'completes with a forged approval id',
      () => tool('complete_work', { id: mine, approvalId: 'apr_forged' })(),
    ],
  ];
  it.each(cases)('%s: refused, nothing changed, audited', async (_name, attempt) => {
    await expectRefusedAndAudited(attempt, { via: 'mcp' });
  });
});

describe('a halted agent', () => {
  it('is refused every write over HTTP and MCP, each attempt audited', async () => {
    const halted = await fx.call('POST', '/v1/halts', {
      as: 'operator',
      body: { scope: { kind: 'actor', id: AGENT_A }, reason: 'investigating' },
    });
    expect(halted.statusCode).toBe(201);
    try {
      for (const attempt of [
        http('POST', '/v1/work/claim'),
        http('POST', `/v1/actors/${AGENT_A}/heartbeat`),
        http('POST', '/v1/work', { typeId: 'ticket', title: 'sneaky' }),
        http('POST', `/v1/halts/${halted.json<{ halt: { id: string } }>().halt.id}/lift`, {
          reason: 'let me go',
        }),
      ])
        await expectRefusedAndAudited(attempt);
      for (const attempt of [tool('claim_work'), tool('heartbeat')])
        await expectRefusedAndAudited(attempt, { via: 'mcp' });
    } finally {
      const lift = await fx.call(
        'POST',
        `/v1/halts/${halted.json<{ halt: { id: string } }>().halt.id}/lift`,
        { as: 'operator', body: { reason: 'done' } },
      );
      expect(lift.statusCode).toBe(200);
    }
  });
});
