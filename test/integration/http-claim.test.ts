import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PullDecision } from '../../src/coordination/claim-work.js';
import type { WorkExplanation } from '../../src/coordination/explain-work.js';
import { TERMINAL_STATES, type WorkItem } from '../../src/core/model.js';
import { SYSTEM } from '../../src/core/principal.js';
import {
  AGENT_A,
  AGENT_B,
  createWork,
  expectIssue,
  expectProblem,
  expectRefusedWithoutChange,
  json,
  mustAct,
  openHttpFixture,
  type HttpFixture,
} from '../support/http-fixture.js';

let fx: HttpFixture;

beforeAll(async () => {
  fx = await openHttpFixture();
});
afterAll(async () => {
  await fx.close();
});
beforeEach(async () => {
  // Every test starts from an empty queue and available actors.
  for (const item of await fx.cp.listWork(SYSTEM, { limit: 1000 })) {
    if (!TERMINAL_STATES.includes(item.state))
      await fx.cp.transitionWork(SYSTEM, item.id, 'cancel');
  }
  for (const actor of await fx.cp.listActors(SYSTEM)) {
    if (actor.status !== 'available') await fx.cp.setActorStatus(SYSTEM, actor.id, 'available');
  }
});

type Claimed = WorkItem & { decision: PullDecision };

const claim = (as: 'agentA' | 'agentB' | 'operator' | 'viewer', body?: unknown) =>
  fx.call('POST', '/v1/work/claim', body === undefined ? { as } : { as, body });

describe('POST /v1/work/claim', () => {
  it("claims for an agent token's own actor when the body is empty, with the decision", async () => {
    const item = await createWork(fx, { priorityClass: 'high' });
    const before = await fx.head();
    const response = await claim('agentA');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = json<Claimed>(response);
    expect(body).toMatchObject({
      id: item.id,
      state: 'assigned',
      ownerId: AGENT_A,
      attempts: 1,
      version: item.version + 1,
    });
    expect(Date.parse(body.leaseExpiresAt ?? '')).toBeGreaterThan(Date.now());
    expect(body.decision).toMatchObject({ mode: 'pull' });
    // Ada has triage 3: tickets, and invoices (which need nothing); not refunds.
    expect([...body.decision.eligibleTypes].sort()).toEqual(['invoice', 'ticket']);
    expect(body.decision.ineligibleTypes).toEqual([
      { typeId: 'refund', missing: ['refunds ≥ 3 (has 0)'] },
    ]);
    const p = body.decision.priority;
    expect(p.class).toBe(100);
    expect(p.total).toBeCloseTo(p.class + p.value + p.blocks + p.age + p.slack, 6);

    const events = await fx.eventsAfter(before);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'coordination.work.assigned',
      actor: AGENT_A,
      subject: item.id,
      payload: { ownerId: AGENT_A, decision: body.decision },
    });

    // An empty JSON object is the same as no body.
    const second = await createWork(fx);
    const again = await claim('agentA', {});
    expect(again.statusCode, again.body).toBe(200);
    expect(json<Claimed>(again)).toMatchObject({ id: second.id, ownerId: AGENT_A });
  });

  it('lets an operator claim for the actor it names, and only when it names one', async () => {
    const item = await createWork(fx);
    const problem = await expectRefusedWithoutChange(
      fx,
      () => claim('operator'),
      400,
      'validation_failed',
    );
    expectIssue(problem, 'actorId');
    expect(problem.detail).toMatch(/actor/);

    const response = await claim('operator', { actorId: AGENT_B });
    expect(response.statusCode, response.body).toBe(200);
    expect(json<Claimed>(response)).toMatchObject({ id: item.id, ownerId: AGENT_B });
  });

  it('refuses an agent claiming for another actor with 403, changing nothing', async () => {
    const item = await createWork(fx);
    const problem = await expectRefusedWithoutChange(
      fx,
      () => claim('agentA', { actorId: AGENT_B }),
      403,
      'forbidden',
    );
    expect(problem.detail).toContain(AGENT_A);
    expect((await fx.cp.getWork(SYSTEM, item.id)).state).toBe('queued');
    // Naming itself is fine.
    const own = await claim('agentA', { actorId: AGENT_A });
    expect(own.statusCode, own.body).toBe(200);
  });

  it('refuses viewers and anonymous callers', async () => {
    await createWork(fx);
    await expectRefusedWithoutChange(
      fx,
      () => claim('viewer', { actorId: AGENT_A }),
      403,
      'forbidden',
    );
    await expectRefusedWithoutChange(
      fx,
      () => fx.call('POST', '/v1/work/claim', { body: { actorId: AGENT_A } }),
      401,
      'unauthenticated',
    );
  });

  it('answers 204 with the reason in headers and an empty body when nothing fits', async () => {
    const noWork = async (
      request: () => ReturnType<typeof claim>,
      reason: string,
      message: RegExp,
    ) => {
      const before = await fx.head();
      const response = await request();
      expect(response.statusCode, response.body).toBe(204);
      expect(response.body).toBe('');
      expect(response.headers['autonomy-no-work-reason']).toBe(reason);
      expect(response.headers['autonomy-no-work-message']).toMatch(message);
      expect(await fx.head(), 'a claim that finds nothing appends nothing').toBe(before);
    };

    await noWork(() => claim('agentA'), 'no_queued_work', /nothing is queued/);

    // Cat holds one item at most.
    await mustAct(fx, (await createWork(fx, { typeId: 'invoice' })).id, 'assign', {
      actorId: 'cat',
    });
    await createWork(fx, { typeId: 'invoice' });
    await noWork(() => claim('operator', { actorId: 'cat' }), 'at_capacity', /holds 1 of 1/);

    await fx.cp.setActorStatus(SYSTEM, AGENT_A, 'away');
    await noWork(() => claim('agentA'), 'actor_unavailable', /is away/);
  });

  it('refuses unknown fields and a malformed actorId with 400 naming them', async () => {
    await createWork(fx);
    const unknown = await expectRefusedWithoutChange(
      fx,
      () => claim('agentA', { actorId: AGENT_A, urgent: true }),
      400,
      'validation_failed',
    );
    expect(expectIssue(unknown, 'urgent').message).toBe('unknown field');
    for (const actorId of [7, '']) {
      expectIssue(
        await expectRefusedWithoutChange(
          fx,
          () => claim('operator', { actorId }),
          400,
          'validation_failed',
        ),
        'actorId',
      );
    }
  });

  it('refuses an unknown actor without changing anything', async () => {
    await createWork(fx);
    const problem = await expectRefusedWithoutChange(
      fx,
      () => claim('operator', { actorId: 'nobody' }),
      422,
      'unknown_reference',
    );
    expectIssue(problem, 'actorId');
  });
});

describe('GET /v1/work/:id/explain', () => {
  it('explains a queued item and, once claimed, who holds it and why', async () => {
    const item = await createWork(fx, { typeId: 'refund' });
    const queued = await fx.call('GET', `/v1/work/${item.id}/explain`, { as: 'viewer' });
    expect(queued.statusCode, queued.body).toBe(200);
    const before = json<WorkExplanation>(queued);
    expect(before).toMatchObject({ itemId: item.id, state: 'queued', rank: 1, owner: null });
    // Refunds need refunds ≥ 3: hana and hugo have it, the agents do not.
    const eligible = before.candidates.filter((c) => c.eligible).map((c) => c.actorId);
    expect(eligible.sort()).toEqual(['hana', 'hugo']);
    expect(before.candidates.find((c) => c.actorId === AGENT_A)?.reasons).toEqual([
      'lacks refunds ≥ 3 (has 0)',
    ]);

    const claimed = await claim('operator', { actorId: 'hugo' });
    expect(claimed.statusCode, claimed.body).toBe(200);
    const held = await fx.call('GET', `/v1/work/${item.id}/explain`, { as: 'agentB' });
    expect(held.statusCode, held.body).toBe(200);
    const after = json<WorkExplanation>(held);
    expect(after).toMatchObject({
      state: 'assigned',
      rank: null,
      candidates: [],
      owner: { actorId: 'hugo', decision: json<Claimed>(claimed).decision },
    });
    expect(after.owner?.decision?.mode).toBe('pull');
  });

  it('answers 404 for an unknown item and 401 without a token', async () => {
    expectProblem(
      await fx.call('GET', '/v1/work/w_missing/explain', { as: 'viewer' }),
      404,
      'not_found',
    );
    const item = await createWork(fx);
    expectProblem(await fx.call('GET', `/v1/work/${item.id}/explain`), 401, 'unauthenticated');
  });
});
