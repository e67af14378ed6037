import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/core/principal.js';
import { AutonomyClient, runClaimLoop, type LoopEvent } from '../../src/sdk/index.js';
import { AGENT_A, openHttpFixture, type HttpFixture } from '../support/http-fixture.js';

const execFileAsync = promisify(execFile);

/** The SDK against a real listening server: real HTTP, real store. */
describe('SDK', () => {
  let fx: HttpFixture;
  let baseUrl: string;
  let ada: AutonomyClient;

  beforeAll(async () => {
    fx = await openHttpFixture();
    baseUrl = await fx.app.listen({ port: 0, host: '127.0.0.1' });
    ada = new AutonomyClient({ baseUrl, token: fx.tokens.agentA.secret, actorId: AGENT_A });
  });
  afterAll(async () => {
    await fx.close();
  });

  const createTicket = async (title: string): Promise<string> => {
    const created = await fx.call('POST', '/v1/work', {
      as: 'operator',
      body: { typeId: 'ticket', title },
    });
    expect(created.statusCode).toBe(201);
    return created.json<{ id: string }>().id;
  };
  const stateOf = async (id: string) => (await fx.cp.getWork(SYSTEM, id)).state;

  it('claims, starts, heartbeats and completes through the loop', async () => {
    const id = await createTicket('first');
    const events: LoopEvent[] = [];
    const summary = await runClaimLoop(ada, {
      maxItems: 1,
      heartbeatMs: 5,
      idleMs: 5,
      onEvent: (e) => events.push(e),
      handle: async ({ item }) => {
        expect(item.id).toBe(id);
        expect(item.state).toBe('in_progress');
        // Long enough for heartbeats to run while the item is worked on.
        await new Promise((resolve) => setTimeout(resolve, 30));
        return { outcome: 'complete', reason: 'answered' };
      },
    });
    expect(summary).toMatchObject({ completed: 1, failed: 0, stoppedBy: 'max_items' });
    expect(await stateOf(id)).toBe('done');
    expect(events.map((e) => e.type)).toEqual(['claimed', 'reported']);
    const actor = await fx.cp.getActor(SYSTEM, AGENT_A);
    expect(actor.lastHeartbeatAt).not.toBeNull();
  });

  it('fails the item with the message of a handler that throws', async () => {
    const id = await createTicket('doomed');
    const summary = await runClaimLoop(ada, {
      maxItems: 1,
      idleMs: 5,
      handle: () => Promise.reject(new Error('the customer record is missing')),
    });
    expect(summary.failed).toBe(1);
    const detail = await fx.cp.getWork(SYSTEM, id);
    expect(detail.state).toBe('failed');
    const failed = detail.history.find((e) => e.type === 'coordination.work.failed');
    expect(failed?.payload).toMatchObject({ reason: 'the customer record is missing' });
  });

  it('says why there is nothing to claim, as a value', async () => {
    const claim = await ada.claim();
    expect(claim).toEqual({
      ok: true,
      value: { item: null, reason: 'no_queued_work', message: expect.any(String) as string },
    });
    const stop = new AbortController();
    const events: LoopEvent[] = [];
    const summary = await runClaimLoop(ada, {
      idleMs: 5,
      signal: stop.signal,
      onEvent: (e) => {
        events.push(e);
        if (events.length === 3) stop.abort();
      },
      handle: () => Promise.resolve({ outcome: 'complete' }),
    });
    expect(summary.stoppedBy).toBe('signal');
    expect(events.map((e) => (e.type === 'idle' ? e.waitMs : e.type))).toEqual([5, 10, 20]);
  });

  it('answers a refusal as a typed problem, and a halted agent waits instead of working', async () => {
    const { halt } = await fx.cp.halt(SYSTEM, { kind: 'actor', id: AGENT_A }, 'audit');
    try {
      const waiting = await createTicket('while halted');
      const claim = await ada.claim();
      expect(claim.ok).toBe(false);
      if (claim.ok) return;
      expect(claim.problem).toMatchObject({ status: 403, code: 'forbidden' });
      expect(claim.problem.detail).toContain('halted');

      const stop = new AbortController();
      const refused: LoopEvent[] = [];
      await runClaimLoop(ada, {
        idleMs: 5,
        signal: stop.signal,
        onEvent: (e) => {
          refused.push(e);
          if (refused.length === 2) stop.abort();
        },
        handle: () => Promise.resolve({ outcome: 'complete' }),
      });
      expect(refused.map((e) => e.type)).toEqual(['refused', 'refused']);
      await fx.cp.transitionWork(SYSTEM, waiting, 'cancel');
    } finally {
      await fx.cp.liftHalt(SYSTEM, halt.id, 'done');
    }
  });

  it('stops the handler when a heartbeat is refused (halted while working)', async () => {
    const id = await createTicket('interrupted');
    let haltId = '';
    const summary = await runClaimLoop(ada, {
      maxItems: 1,
      heartbeatMs: 5,
      handle: async ({ signal }) => {
        haltId = (await fx.cp.halt(SYSTEM, { kind: 'actor', id: AGENT_A }, 'stop now')).halt.id;
        if (!signal.aborted)
          await new Promise<void>((resolve) => {
            signal.addEventListener('abort', () => {
              resolve();
            });
          });
        return { outcome: 'reported' };
      },
    });
    await fx.cp.liftHalt(SYSTEM, haltId, 'done');
    expect(summary.selfReported).toBe(1);
    // The halt sent the item back to the queue; nobody completed it.
    expect(await stateOf(id)).toBe('queued');
    await fx.cp.transitionWork(SYSTEM, id, 'cancel');
  });

  it('checks its authority and reports metrics and exceptions', async () => {
    const decision = await ada.checkAuthority({
      action: 'complete',
      resource: { type: 'Domain', id: 'support' },
    });
    expect(decision).toMatchObject({ ok: true, value: { decision: 'allow', configured: false } });
    const metrics = await ada.reportMetrics([{ name: 'refunds_total', kind: 'counter', value: 2 }]);
    expect(metrics.ok).toBe(true);
    const bad = await ada.reportMetrics([{ name: 'refunds_total', kind: 'counter', value: -1 }]);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problem.status).toBe(400);
    const raised = await ada.raiseException({
      alertname: 'CustomerAngry',
      summary: 'a customer threatens to leave',
      labels: { domain: 'support' },
    });
    expect(raised).toMatchObject({ ok: true, value: { state: 'open' } });
  });

  it('stops the loop when its token is revoked', async () => {
    const issued = await fx.cp.issueToken(SYSTEM, {
      name: 'short',
      role: 'agent',
      actorId: AGENT_A,
    });
    const client = new AutonomyClient({ baseUrl, token: issued.secret, actorId: AGENT_A });
    await fx.cp.revokeToken(SYSTEM, issued.token.id);
    const summary = await runClaimLoop(client, {
      idleMs: 5,
      handle: () => Promise.resolve({ outcome: 'complete' }),
    });
    expect(summary.stoppedBy).toBe('unauthenticated');
  });

  it('runs the example agent against the server', async () => {
    const id = await createTicket('Refund the double charge on invoice 42');
    const run = await execFileAsync(
      process.execPath,
      ['--import', 'tsx', 'examples/agents/triage-agent.ts'],
      {
        env: {
          ...process.env,
          AUTONOMY_URL: baseUrl,
          AUTONOMY_TOKEN: fx.tokens.agentA.secret,
          AUTONOMY_ACTOR: AGENT_A,
          AUTONOMY_MAX_ITEMS: '1',
        },
      },
    );
    expect(run.stdout).toContain(`claimed ${id}`);
    expect(run.stdout).toContain('stopped (max_items): 1 triaged');
    const detail = await fx.cp.getWork(SYSTEM, id);
    expect(detail.state).toBe('done');
    const series = await fx.call('GET', '/v1/metrics/series', { as: 'viewer' });
    expect(series.body).toContain('tickets_triaged_total{category=\\"billing\\"}');
  });

  it('answers an unreachable server as unavailable', async () => {
    const client = new AutonomyClient({ baseUrl: 'http://127.0.0.1:9', token: 'x', actorId: 'a' });
    const claim = await client.claim();
    expect(claim).toMatchObject({ ok: false, problem: { status: 0, code: 'unavailable' } });
  });
});
