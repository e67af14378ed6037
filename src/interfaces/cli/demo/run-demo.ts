import { setMaxListeners } from 'node:events';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { AutonomyClient, runClaimLoop, type Approval, type WorkItem } from '../../../sdk/index.js';
import { Random } from '../../../simulation/random.js';
import type { DemoAgent, DemoArrival, DemoPerson, DemoScenario } from './demo-scenario.js';

/** What the demo did, counted as it went. */
export interface DemoStats {
  created: number;
  completed: number;
  failed: number;
  /** Items an agent went silent on, for monitoring to catch. */
  stalled: number;
  acknowledged: number;
  resolved: number;
  /** Approvals agents asked for, and how people decided them. */
  approvalsRequested: number;
  approved: number;
  rejected: number;
}

export interface DemoOptions {
  baseUrl: string;
  scenario: DemoScenario;
  /** The token work arrives with (an operator's). */
  integrationToken: string;
  /** A token per actor the scenario drives: agent tokens for agents, operators for people. */
  actorTokens: ReadonlyMap<string, string>;
  signal: AbortSignal;
  log: (line: string) => void;
}

/**
 * Drives a running control plane the way an organization would: work arrives from an
 * integration, agents take it through the SDK or the MCP tools, some go silent holding it, and
 * people answer the exceptions routed to them and do work of their own. Everything goes through
 * the public HTTP and MCP interfaces; the control plane decides the rest. Resolves when the
 * signal stops it.
 */
export async function runDemo(options: DemoOptions): Promise<DemoStats> {
  const stats: DemoStats = {
    created: 0,
    completed: 0,
    failed: 0,
    stalled: 0,
    acknowledged: 0,
    resolved: 0,
    approvalsRequested: 0,
    approved: 0,
    rejected: 0,
  };
  const { scenario } = options;
  // Every loop and pause of the demo waits on this one signal.
  setMaxListeners(0, options.signal);
  const client = (token: string, actorId?: string) =>
    new AutonomyClient({
      baseUrl: options.baseUrl,
      token,
      ...(actorId === undefined ? {} : { actorId }),
    });
  const tokenOf = (actor: string): string => {
    const token = options.actorTokens.get(actor);
    if (token === undefined) throw new TypeError(`no token for '${actor}'`);
    return token;
  };
  // One stream of chance per participant, so a scenario and seed replay the same choices.
  let stream = 0;
  const random = () => Random.stream(scenario.seed, stream++);
  const ctx: Ctx = { options, stats, signal: options.signal };

  await Promise.all([
    ...scenario.arrivals.map((a) => arrive(ctx, a, client(options.integrationToken), random())),
    ...scenario.agents.map((a) =>
      a.via === 'mcp'
        ? mcpAgent(ctx, a, tokenOf(a.actor), random())
        : sdkAgent(ctx, a, client(tokenOf(a.actor), a.actor), random()),
    ),
    ...scenario.people.map((p) => person(ctx, p, client(tokenOf(p.actor), p.actor), random())),
  ]);
  return stats;
}

interface Ctx {
  options: DemoOptions;
  stats: DemoStats;
  signal: AbortSignal;
}

/** A function, not a property read: the signal changes while the loops await. */
const stopped = (ctx: Ctx) => ctx.signal.aborted;

const between = (rng: Random, span: { min: number; max: number }) =>
  span.min + rng.uniform() * (span.max - span.min);

async function arrive(ctx: Ctx, arrival: DemoArrival, client: AutonomyClient, rng: Random) {
  while (!stopped(ctx)) {
    await sleep(rng.exponential(arrival.every), ctx.signal);
    if (stopped(ctx)) break;
    const title = arrival.titles[Math.floor(rng.uniform() * arrival.titles.length)] ?? 'work';
    const created = await client.createWork({
      typeId: arrival.typeId,
      title,
      ...(arrival.priorityClass === undefined ? {} : { priorityClass: arrival.priorityClass }),
    });
    if (created.ok) ctx.stats.created += 1;
    else ctx.options.log(`work could not be created: ${created.problem.detail}`);
  }
}

/** An agent on the SDK's claim loop; a stall is a crash: no heartbeat, no outcome, a restart. */
async function sdkAgent(ctx: Ctx, agent: DemoAgent, client: AutonomyClient, rng: Random) {
  while (!stopped(ctx)) {
    const crash = new AbortController();
    const stop = () => {
      crash.abort();
    };
    ctx.signal.addEventListener('abort', stop, { once: true });
    await runClaimLoop(client, {
      signal: crash.signal,
      heartbeatMs: 5_000,
      idleMs: 1_000,
      maxIdleMs: 5_000,
      handle: async ({ item, signal }) => {
        if (rng.uniform() < agent.stallRate) {
          goneSilent(ctx, agent.actor, item);
          crash.abort();
          return { outcome: 'reported' };
        }
        await sleep(between(rng, agent.work), signal);
        const refused = await takeActions(ctx, agent, client, item, rng);
        if (refused !== null) return refused;
        return outcome(ctx, rng, agent);
      },
    });
    ctx.signal.removeEventListener('abort', stop);
    if (!stopped(ctx)) await sleep(agent.restartAfter, ctx.signal);
  }
}

/**
 * The agent's custom actions on an item, each decided by the policies: go ahead, or ask a
 * person and wait. Null when all went ahead; otherwise how the item ends (left to people).
 */
async function takeActions(
  ctx: Ctx,
  agent: DemoAgent,
  client: AutonomyClient,
  item: WorkItem,
  rng: Random,
): Promise<{ outcome: 'release'; reason: string } | null> {
  for (const spec of agent.actions) {
    if (!spec.typeIds.includes(item.typeId)) continue;
    const context = Object.fromEntries(
      Object.entries(spec.context).map(([key, value]) => [
        key,
        typeof value === 'object' ? Math.round(between(rng, value)) : value,
      ]),
    );
    const action = { action: spec.action, resource: { type: 'WorkItem' as const, id: item.id } };
    const first = await client.performAction({ ...action, arguments: context });
    if (first.ok) continue;
    if (first.problem.code !== 'approval_required') {
      ctx.options.log(
        `${agent.actor} may not ${spec.action} on ${item.id}: ${first.problem.detail}`,
      );
      return { outcome: 'release', reason: `${spec.action} refused: a person decides` };
    }
    const asked = await client.requestApproval({
      ...action,
      arguments: context,
      justification: `${spec.action} for "${item.title}"`,
    });
    if (!asked.ok) return { outcome: 'release', reason: asked.problem.detail };
    ctx.stats.approvalsRequested += 1;
    ctx.options.log(`${agent.actor} asks approval to ${spec.action} ${JSON.stringify(context)}`);
    const decided = await client
      .awaitApproval(asked.value.id, 600, ctx.signal)
      .catch((error: unknown) => {
        if (stopped(ctx)) return null; // the demo is stopping: leave the item to people
        throw error;
      });
    if (decided === null) return { outcome: 'release', reason: 'the demo stopped' };
    if (!decided.ok || decided.value.state !== 'approved')
      return { outcome: 'release', reason: `${spec.action} not approved: a person decides` };
    const done = await client.performAction({
      ...action,
      arguments: { ...(decided.value.approvedArguments ?? context) },
      approvalId: decided.value.id,
    });
    if (!done.ok) return { outcome: 'release', reason: done.problem.detail };
  }
  return null;
}

function goneSilent(ctx: Ctx, actor: string, item: WorkItem) {
  ctx.stats.stalled += 1;
  ctx.options.log(`${actor} went silent holding ${item.id} (${item.title})`);
}

function outcome(
  ctx: Ctx,
  rng: Random,
  agent: DemoAgent,
): { outcome: 'complete' } | { outcome: 'fail'; reason: string } {
  if (rng.uniform() < agent.failRate) {
    ctx.stats.failed += 1;
    return { outcome: 'fail', reason: 'the agent could not finish it' };
  }
  ctx.stats.completed += 1;
  return { outcome: 'complete' };
}

/** An agent on the MCP tools over Streamable HTTP, as an LLM agent would call them. */
async function mcpAgent(ctx: Ctx, agent: DemoAgent, token: string, rng: Random) {
  while (!stopped(ctx)) {
    const mcp = new Client({ name: `demo-${agent.actor}`, version: '1.0.0' });
    try {
      await mcp.connect(
        new StreamableHTTPClientTransport(new URL(`${ctx.options.baseUrl}/mcp`), {
          requestInit: { headers: { authorization: `Bearer ${token}` } },
        }),
      );
      const crashed = await mcpWork(ctx, agent, mcp, rng);
      if (crashed) await sleep(agent.restartAfter, ctx.signal);
    } catch (error) {
      ctx.options.log(`${agent.actor} lost its MCP connection: ${String(error)}`);
      await sleep(5, ctx.signal);
    } finally {
      await mcp.close();
    }
  }
}

/** Works until the demo stops (false) or the agent goes silent (true). */
async function mcpWork(ctx: Ctx, agent: DemoAgent, mcp: Client, rng: Random): Promise<boolean> {
  let idle = 1;
  while (!stopped(ctx)) {
    const claimed = await tool(mcp, 'claim_work');
    const item = (claimed.ok ? claimed.value.claimed : null) as WorkItem | null | undefined;
    if (item === null || item === undefined) {
      await sleep(idle, ctx.signal);
      idle = Math.min(idle * 2, 5);
      continue;
    }
    idle = 1;
    await tool(mcp, 'start_work', { id: item.id });
    await tool(mcp, 'heartbeat');
    if (rng.uniform() < agent.stallRate) {
      goneSilent(ctx, agent.actor, item);
      return true;
    }
    const beat = setInterval(() => void tool(mcp, 'heartbeat'), 5_000);
    try {
      await sleep(between(rng, agent.work), ctx.signal);
    } finally {
      clearInterval(beat);
    }
    const result = outcome(ctx, rng, agent);
    await (result.outcome === 'complete'
      ? tool(mcp, 'complete_work', { id: item.id })
      : tool(mcp, 'fail_work', { id: item.id, reason: result.reason }));
  }
  return false;
}

async function tool(
  mcp: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<{ ok: true; value: Record<string, unknown> } | { ok: false }> {
  const result = (await mcp.callTool({ name, arguments: args })) as CallToolResult;
  const first = result.content[0];
  if (result.isError === true || first?.type !== 'text') return { ok: false };
  return { ok: true, value: JSON.parse(first.text) as Record<string, unknown> };
}

/**
 * A person: reads their inbox every so often, acknowledges what was routed to them and later
 * resolves it; and, when they have a work span, takes work of their own.
 */
async function person(ctx: Ctx, who: DemoPerson, client: AutonomyClient, rng: Random) {
  const tasks: Promise<unknown>[] = [inbox(ctx, who, client)];
  if (who.decideAfter !== undefined) tasks.push(approvals(ctx, who, who.decideAfter, client, rng));
  if (who.work !== undefined) {
    const work = who.work;
    tasks.push(
      runClaimLoop(client, {
        signal: ctx.signal,
        idleMs: 2_000,
        maxIdleMs: 10_000,
        heartbeatMs: 5_000,
        handle: async ({ signal }) => {
          await sleep(between(rng, work), signal);
          ctx.stats.completed += 1;
          return { outcome: 'complete' };
        },
      }),
    );
  }
  await Promise.all(tasks);
}

/** A person deciding the approvals they may decide, after a moment's thought each. */
async function approvals(
  ctx: Ctx,
  who: DemoPerson,
  after: number,
  client: AutonomyClient,
  rng: Random,
) {
  const seen = new Set<string>();
  const pending: Promise<void>[] = [];
  while (!stopped(ctx)) {
    const page = await client.request('GET', '/approvals?state=pending&limit=100');
    const items = page.ok ? (page.value.body as { items: Approval[] }).items : [];
    for (const approval of items) {
      if (seen.has(approval.id) || !approval.approvers.includes(who.actor)) continue;
      seen.add(approval.id);
      pending.push(decide(ctx, who, after, client, approval, rng.uniform() < who.rejectRate));
    }
    await sleep(who.checkEvery, ctx.signal);
  }
  await Promise.all(pending);
}

async function decide(
  ctx: Ctx,
  who: DemoPerson,
  after: number,
  client: AutonomyClient,
  approval: Approval,
  reject: boolean,
) {
  await sleep(after, ctx.signal);
  if (stopped(ctx)) return;
  const path = `/approvals/${approval.id}/${reject ? 'reject' : 'approve'}`;
  const decided = await client.request(
    'POST',
    path,
    reject ? { reason: 'not without talking to the customer first' } : {},
  );
  if (!decided.ok) return; // decided by someone else meanwhile, or expired
  if (reject) ctx.stats.rejected += 1;
  else ctx.stats.approved += 1;
  ctx.options.log(
    `${who.actor} ${reject ? 'rejected' : 'approved'}: ${approval.actorId} may ${approval.action} ${JSON.stringify(approval.arguments)}`,
  );
}

async function inbox(ctx: Ctx, who: DemoPerson, client: AutonomyClient) {
  const handling = new Set<string>();
  const pending: Promise<void>[] = [];
  while (!stopped(ctx)) {
    const unread = await client.inbox();
    if (unread.ok && unread.value.length > 0) {
      await client.markRead(unread.value.map((n) => n.id));
      for (const note of unread.value) {
        if (note.reason === 'resolved' || handling.has(note.exceptionId)) continue;
        handling.add(note.exceptionId);
        pending.push(handle(ctx, who, client, note.exceptionId, note.summary));
      }
    }
    await sleep(who.checkEvery, ctx.signal);
  }
  await Promise.all(pending);
}

async function handle(
  ctx: Ctx,
  who: DemoPerson,
  client: AutonomyClient,
  exceptionId: string,
  summary: string,
) {
  await sleep(who.acknowledgeAfter, ctx.signal);
  if (stopped(ctx)) return;
  const acked = await client.acknowledgeException(exceptionId, 'looking into it');
  if (!acked.ok) return; // resolved by itself meanwhile, or taken by someone else
  ctx.stats.acknowledged += 1;
  ctx.options.log(`${who.actor} acknowledged: ${summary}`);
  await sleep(who.resolveAfter, ctx.signal);
  if (stopped(ctx)) return;
  const resolved = await client.resolveException(exceptionId, 'handled');
  if (resolved.ok) ctx.stats.resolved += 1;
}

/** Waits `seconds`, or less when the demo stops. */
function sleep(seconds: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, seconds * 1000);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
