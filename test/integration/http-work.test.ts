import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REQUESTABLE_ACTIONS,
  WORK_ACTION_EVENTS,
  type RequestableAction,
} from '../../src/coordination/transition-work.js';
import type { WorkItem, WorkState } from '../../src/core/model.js';
import { SYSTEM } from '../../src/core/principal.js';
import {
  act,
  actorName,
  AGENT_A,
  AGENT_B,
  createWork,
  eventsViaApi,
  expectIssue,
  expectRefusedWithoutChange,
  json,
  mustAct,
  openHttpFixture,
  workIn,
  type HttpFixture,
  type Role,
  type WorkBody,
} from '../support/http-fixture.js';

let fx: HttpFixture;

beforeAll(async () => {
  fx = await openHttpFixture();
});
afterAll(async () => {
  await fx.close();
});

const JSON_HEADERS = { 'content-type': 'application/json' };

describe('POST /v1/work', () => {
  it('creates a queued item with defaults, records coordination.work.created and shows it under GET /v1/work/:id', async () => {
    const before = await fx.head();
    const response = await fx.call('POST', '/v1/work', {
      as: 'operator',
      body: { typeId: 'ticket', title: 'Customer cannot log in', payload: { customer: 'c-42' } },
    });
    expect(response.statusCode).toBe(201);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const item = json<WorkItem>(response);
    expect(item).toMatchObject({
      typeId: 'ticket',
      title: 'Customer cannot log in',
      payload: { customer: 'c-42' },
      value: 1,
      priorityClass: 'normal',
      dependsOn: [],
      attempts: 0,
      version: 1,
      state: 'queued',
      ownerId: null,
      offeredTo: null,
      leaseExpiresAt: null,
    });
    expect(item.id).toMatch(/^w_[0-9a-f]+$/);
    // The due date defaults to the work type's SLA (4h for tickets) from creation.
    expect(Date.parse(item.dueAt ?? '') - Date.parse(item.createdAt)).toBe(4 * 3600 * 1000);

    const events = await eventsViaApi(fx, before);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'coordination.work.created',
      subject: item.id,
      actor: actorName(fx, 'operator'),
      payload: {
        typeId: 'ticket',
        title: 'Customer cannot log in',
        value: 1,
        priorityClass: 'normal',
        dependsOn: [],
        state: 'queued',
      },
    });

    const detail = json<WorkBody>(await fx.call('GET', `/v1/work/${item.id}`, { as: 'viewer' }));
    expect(detail).toMatchObject({ ...item, history: events });
  });

  it('takes every optional field, and creates a blocked item while a dependency is unfinished', async () => {
    const first = await createWork(fx);
    const before = await fx.head();
    const item = await createWork(fx, {
      typeId: 'refund',
      title: 'Refund order 7',
      value: 250,
      dueAt: '2030-01-02T03:04:05.000Z',
      priorityClass: 'critical',
      dependsOn: [first.id],
    });
    expect(item).toMatchObject({
      typeId: 'refund',
      value: 250,
      dueAt: '2030-01-02T03:04:05.000Z',
      priorityClass: 'critical',
      dependsOn: [first.id],
      state: 'blocked',
    });
    const [created] = await eventsViaApi(fx, before);
    expect(created).toMatchObject({
      type: 'coordination.work.created',
      subject: item.id,
      payload: { state: 'blocked', dependsOn: [first.id] },
    });
  });

  it('stores a due date given with an offset as the same instant in UTC', async () => {
    const item = await createWork(fx, { dueAt: '2030-01-02T05:04:05+02:00' });
    expect(item.dueAt).toBe('2030-01-02T03:04:05.000Z');
  });

  it('lets an agent create work, recorded under its actor', async () => {
    const before = await fx.head();
    const item = await createWork(fx, { title: 'Found by Ada' }, 'agentA');
    const events = await eventsViaApi(fx, before);
    expect(events.map((e) => [e.type, e.actor, e.subject])).toEqual([
      ['coordination.work.created', AGENT_A, item.id],
    ]);
  });

  it('refuses a viewer with 403 and changes nothing', async () => {
    const problem = await expectRefusedWithoutChange(
      fx,
      () => fx.call('POST', '/v1/work', { as: 'viewer', body: { typeId: 'ticket', title: 'x' } }),
      403,
      'forbidden',
    );
    expect(problem.detail).toContain('viewer');
  });

  it('refuses malformed JSON with 400', async () => {
    const problem = await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/work', {
          as: 'operator',
          payload: '{"typeId": "ticket",',
          headers: JSON_HEADERS,
        }),
      400,
      'validation_failed',
    );
    expectIssue(problem, 'body');
  });

  it.each([
    ['typeId', { typeId: 7, title: 'x' }],
    ['title', { typeId: 'ticket', title: 42 }],
    ['title', { typeId: 'ticket', title: '' }],
    ['value', { typeId: 'ticket', title: 'x', value: 'lots' }],
    ['value', { typeId: 'ticket', title: 'x', value: -1 }],
    ['dueAt', { typeId: 'ticket', title: 'x', dueAt: 'tomorrow' }],
    ['priorityClass', { typeId: 'ticket', title: 'x', priorityClass: 'urgent' }],
    ['dependsOn', { typeId: 'ticket', title: 'x', dependsOn: 'w_1' }],
    ['dependsOn.1', { typeId: 'ticket', title: 'x', dependsOn: ['w_1', 3] }],
    ['payload', { typeId: 'ticket', title: 'x', payload: [1, 2] }],
    ['typeId', { title: 'x' }],
  ])('refuses a wrong type with 400 naming %s', async (path, body) => {
    const problem = await expectRefusedWithoutChange(
      fx,
      () => fx.call('POST', '/v1/work', { as: 'operator', body }),
      400,
      'validation_failed',
    );
    expectIssue(problem, path);
  });

  it('refuses unknown fields with 400 naming each', async () => {
    const problem = await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/work', {
          as: 'operator',
          body: { typeId: 'ticket', title: 'x', owner: 'ada', stateHint: 'queued' },
        }),
      400,
      'validation_failed',
    );
    expect(expectIssue(problem, 'owner').message).toBe('unknown field');
    expectIssue(problem, 'stateHint');
  });

  it('refuses an unknown work type with 422 naming typeId', async () => {
    const problem = await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/work', {
          as: 'operator',
          body: { typeId: 'no-such-type', title: 'x' },
        }),
      422,
      'unknown_reference',
    );
    expectIssue(problem, 'typeId');
  });

  it('refuses an unknown dependency with 422 naming its index in the request', async () => {
    const known = await createWork(fx);
    // The unknown id comes first in the request; ids are reported by their place in what was sent.
    const problem = await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/work', {
          as: 'operator',
          body: { typeId: 'ticket', title: 'x', dependsOn: ['zz-missing', known.id] },
        }),
      422,
      'unknown_reference',
    );
    expectIssue(problem, 'dependsOn.0');
  });

  it('refuses an oversized body with 413', async () => {
    await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/work', {
          as: 'operator',
          body: { typeId: 'ticket', title: 'big', payload: { blob: 'x'.repeat(70 * 1024) } },
        }),
      413,
      'payload_too_large',
    );
  });

  it('refuses a body that is not JSON with 415', async () => {
    await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/work', {
          as: 'operator',
          payload: '<work/>',
          headers: { 'content-type': 'application/xml' },
        }),
      415,
      'unsupported_media_type',
    );
  });
});

describe('GET /v1/work and /v1/work/:id', () => {
  it('pages through items in id order (creation order) with limit and nextCursor, each exactly once', async () => {
    const created: WorkItem[] = [];
    for (let i = 0; i < 5; i += 1)
      created.push(await createWork(fx, { typeId: 'invoice', title: `Invoice ${i}` }));
    const seen: WorkItem[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/v1/work?type=invoice&limit=2${cursor === null ? '' : `&after=${cursor}`}`;
      const page = json<{ items: WorkItem[]; nextCursor: string | null }>(
        await fx.call('GET', url, { as: 'viewer' }),
      );
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(seen.map((i) => i.id)).toEqual(created.map((i) => i.id).sort());
    expect(new Set(seen.map((i) => i.id)).size).toBe(5);
    expect(pages).toBe(3);
  });

  it('filters by state and owner', async () => {
    const assigned = await workIn(fx, 'assigned', 'hugo');
    const byOwner = json<{ items: WorkItem[] }>(
      await fx.call('GET', '/v1/work?owner=hugo', { as: 'agentA' }),
    );
    expect(byOwner.items.map((i) => i.id)).toEqual([assigned.id]);
    const byState = json<{ items: WorkItem[] }>(
      await fx.call('GET', '/v1/work?state=assigned&limit=1000', { as: 'viewer' }),
    );
    expect(byState.items.length).toBeGreaterThan(0);
    expect(byState.items.every((i) => i.state === 'assigned')).toBe(true);
    expect(byState.items.map((i) => i.id)).toContain(assigned.id);
  });

  it.each([
    ['querystring.state', '?state=sleeping'],
    ['querystring.limit', '?limit=0'],
    ['querystring.limit', '?limit=1001'],
    ['querystring.limit', '?limit=many'],
    ['querystring.sort', '?sort=title'],
  ])('refuses a bad query with 400 naming %s', async (path, query) => {
    const problem = await expectRefusedWithoutChange(
      fx,
      () => fx.call('GET', `/v1/work${query}`, { as: 'viewer' }),
      400,
      'validation_failed',
    );
    expectIssue(problem, path);
  });

  it('returns an item with its whole history', async () => {
    const item = await workIn(fx, 'in_progress');
    const detail = json<WorkBody>(await fx.call('GET', `/v1/work/${item.id}`, { as: 'agentB' }));
    expect(detail).toMatchObject({ id: item.id, state: 'in_progress', ownerId: AGENT_B });
    expect(detail.history?.map((e) => e.type)).toEqual([
      'coordination.work.created',
      'coordination.work.assigned',
      'coordination.work.started',
    ]);
    expect(detail.history?.every((e) => e.subject === item.id)).toBe(true);
  });

  it('answers an unknown item with 404', async () => {
    const problem = await expectRefusedWithoutChange(
      fx,
      () => fx.call('GET', '/v1/work/w_missing', { as: 'viewer' }),
      404,
      'not_found',
    );
    expect(problem.detail).toContain('w_missing');
  });
});

/** For each requestable action: the state it is tried from, its body, and what it leads to. */
const ACTION_CASES: Record<
  RequestableAction,
  {
    from: WorkState;
    body: Record<string, unknown>;
    to: WorkState;
    ownerId: string | null;
    offeredTo: string | null;
  }
> = {
  offer: {
    from: 'queued',
    body: { actorId: AGENT_A, reason: 'best match' },
    to: 'offered',
    ownerId: null,
    offeredTo: AGENT_A,
  },
  assign: {
    from: 'queued',
    body: { actorId: AGENT_A, reason: 'least loaded' },
    to: 'assigned',
    ownerId: AGENT_A,
    offeredTo: null,
  },
  start: {
    from: 'assigned',
    body: { reason: 'picked up' },
    to: 'in_progress',
    ownerId: AGENT_B,
    offeredTo: null,
  },
  complete: {
    from: 'in_progress',
    body: { reason: 'answered' },
    to: 'done',
    ownerId: null,
    offeredTo: null,
  },
  fail: {
    from: 'in_progress',
    body: { reason: 'upstream down' },
    to: 'failed',
    ownerId: null,
    offeredTo: null,
  },
  release: {
    from: 'assigned',
    body: { reason: 'going home' },
    to: 'queued',
    ownerId: null,
    offeredTo: null,
  },
  pause: {
    from: 'queued',
    body: { reason: 'customer away' },
    to: 'paused',
    ownerId: null,
    offeredTo: null,
  },
  resume: {
    from: 'paused',
    body: { reason: 'customer back' },
    to: 'queued',
    ownerId: null,
    offeredTo: null,
  },
  retry: {
    from: 'failed',
    body: { reason: 'upstream up' },
    to: 'queued',
    ownerId: null,
    offeredTo: null,
  },
  cancel: {
    from: 'queued',
    body: { reason: 'duplicate' },
    to: 'cancelled',
    ownerId: null,
    offeredTo: null,
  },
};

describe('POST /v1/work/:id/<action>', () => {
  it('has a route for every requestable action', () => {
    expect(Object.keys(ACTION_CASES).sort()).toEqual([...REQUESTABLE_ACTIONS].sort());
  });

  it.each(REQUESTABLE_ACTIONS)(
    '%s: moves the item, bumps its version and records its event',
    async (action) => {
      const c = ACTION_CASES[action];
      const item = await workIn(fx, c.from);
      const before = await fx.head();
      const response = await act(fx, item.id, action, c.body);
      expect(response.statusCode, response.body).toBe(200);
      const after = json<WorkItem>(response);
      expect(after).toMatchObject({
        id: item.id,
        state: c.to,
        ownerId: c.ownerId,
        offeredTo: c.offeredTo,
        version: item.version + 1,
      });
      if (c.to === 'assigned' || c.to === 'in_progress') {
        // The lease runs leaseSeconds (300) from the change.
        expect(Date.parse(after.leaseExpiresAt ?? '') - Date.parse(after.updatedAt)).toBe(300_000);
      } else if (c.to === 'offered') {
        // An offer waits offerSeconds (the default 120) for its actor.
        expect(Date.parse(after.leaseExpiresAt ?? '') - Date.parse(after.updatedAt)).toBe(120_000);
      } else {
        expect(after.leaseExpiresAt).toBeNull();
      }
      const events = await eventsViaApi(fx, before);
      // A failure that used up the last attempt is followed by the exception event saying so.
      expect(events.slice(1).map((e) => e.type)).toEqual(
        action === 'fail' ? ['coordination.work.retries_exhausted'] : [],
      );
      expect(events[0]).toMatchObject({
        type: WORK_ACTION_EVENTS[action],
        subject: item.id,
        actor: actorName(fx, 'operator'),
        payload: {
          action,
          from: c.from,
          to: c.to,
          ownerId: c.ownerId,
          offeredTo: c.offeredTo,
          reason: c.body.reason,
        },
      });
      const stored = json<WorkBody>(await fx.call('GET', `/v1/work/${item.id}`, { as: 'viewer' }));
      expect(stored.state).toBe(c.to);
      expect(stored.history?.at(-events.length)).toEqual(events[0]);
    },
  );

  it('performs an action on a bare POST (no body) and on a JSON null body', async () => {
    const item = await createWork(fx);
    const bare = await fx.call('POST', `/v1/work/${item.id}/pause`, { as: 'operator' });
    expect(bare.statusCode, bare.body).toBe(200);
    const nullBody = await fx.call('POST', `/v1/work/${item.id}/resume`, {
      as: 'operator',
      payload: 'null',
      headers: JSON_HEADERS,
    });
    expect(nullBody.statusCode, nullBody.body).toBe(200);
    expect(json<WorkItem>(nullBody).state).toBe('queued');
  });

  it('accepts an offer without naming the actor, and an agent may accept or reject its own offer', async () => {
    const offered = await workIn(fx, 'offered', AGENT_A);
    const accepted = await mustAct(fx, offered.id, 'assign', undefined, 'agentA');
    expect(accepted).toMatchObject({ state: 'assigned', ownerId: AGENT_A, attempts: 1 });

    const other = await workIn(fx, 'offered', AGENT_A);
    const before = await fx.head();
    const rejected = await mustAct(fx, other.id, 'release', { reason: 'not my skill' }, 'agentA');
    expect(rejected).toMatchObject({ state: 'queued', offeredTo: null });
    expect((await eventsViaApi(fx, before)).map((e) => [e.type, e.actor])).toEqual([
      ['coordination.work.released', AGENT_A],
    ]);
  });

  it('lets an agent offer or assign work to itself and run it to completion', async () => {
    const item = await createWork(fx, {}, 'agentA');
    await mustAct(fx, item.id, 'offer', { actorId: AGENT_A }, 'agentA');
    await mustAct(fx, item.id, 'assign', { actorId: AGENT_A }, 'agentA');
    await mustAct(fx, item.id, 'start', undefined, 'agentA');
    const done = await mustAct(fx, item.id, 'complete', { reason: 'fixed' }, 'agentA');
    expect(done.state).toBe('done');
    const history =
      json<WorkBody>(await fx.call('GET', `/v1/work/${item.id}`, { as: 'viewer' })).history ?? [];
    expect(history.map((e) => e.actor)).toEqual([AGENT_A, AGENT_A, AGENT_A, AGENT_A, AGENT_A]);
  });

  it('completing an item unblocks the items that waited only on it, in the same commit', async () => {
    const prerequisite = await workIn(fx, 'in_progress');
    const other = await createWork(fx);
    const waitsOnOne = await createWork(fx, { dependsOn: [prerequisite.id] });
    const waitsOnTwo = await createWork(fx, { dependsOn: [prerequisite.id, other.id] });
    expect([waitsOnOne.state, waitsOnTwo.state]).toEqual(['blocked', 'blocked']);
    const before = await fx.head();
    await mustAct(fx, prerequisite.id, 'complete');
    const events = await eventsViaApi(fx, before);
    expect(events.map((e) => [e.type, e.subject])).toEqual([
      ['coordination.work.completed', prerequisite.id],
      ['coordination.work.unblocked', waitsOnOne.id],
    ]);
    const states = await Promise.all(
      [waitsOnOne.id, waitsOnTwo.id].map(
        async (id) =>
          json<WorkItem>(await fx.call('GET', `/v1/work/${id}`, { as: 'viewer' })).state,
      ),
    );
    expect(states).toEqual(['queued', 'blocked']);
  });

  it('resuming an item that still waits on a dependency puts it back to blocked', async () => {
    const blocked = await workIn(fx, 'blocked');
    await mustAct(fx, blocked.id, 'pause');
    const before = await fx.head();
    const resumed = await mustAct(fx, blocked.id, 'resume');
    expect(resumed.state).toBe('blocked');
    expect((await eventsViaApi(fx, before)).map((e) => e.type)).toEqual([
      'coordination.work.resumed',
      'coordination.work.blocked',
    ]);
  });

  it.each(REQUESTABLE_ACTIONS)(
    '%s on a done item: 409 with currentState and allowedActions, nothing changes',
    async (action) => {
      const done = await workIn(fx, 'done');
      const problem = await expectRefusedWithoutChange(
        fx,
        () =>
          act(
            fx,
            done.id,
            action,
            action === 'offer' || action === 'assign' ? { actorId: 'hana' } : {},
          ),
        409,
        'illegal_transition',
      );
      expect(problem).toMatchObject({
        currentState: 'done',
        allowedActions: [],
        allowedStates: [],
      });
    },
  );

  it('an illegal transition names what the current state allows', async () => {
    const queued = await createWork(fx);
    const problem = await expectRefusedWithoutChange(
      fx,
      () => act(fx, queued.id, 'complete'),
      409,
      'illegal_transition',
    );
    expect(problem).toMatchObject({
      currentState: 'queued',
      allowedActions: ['offer', 'assign', 'pause', 'cancel'],
      allowedStates: ['offered', 'assigned', 'paused', 'cancelled'],
    });
    expect(problem.detail).toContain(queued.id);
  });

  it.each(REQUESTABLE_ACTIONS)('%s on an unknown item: 404', async (action) => {
    await expectRefusedWithoutChange(
      fx,
      () =>
        act(
          fx,
          'w_missing',
          action,
          action === 'offer' || action === 'assign' ? { actorId: 'hana' } : {},
        ),
      404,
      'not_found',
    );
  });

  it.each(REQUESTABLE_ACTIONS)('%s by a viewer: 403, nothing changes', async (action) => {
    const c = ACTION_CASES[action];
    const item = await workIn(fx, c.from);
    await expectRefusedWithoutChange(
      fx,
      () => act(fx, item.id, action, c.body, 'viewer'),
      403,
      'forbidden',
    );
    expect(
      json<WorkItem>(await fx.call('GET', `/v1/work/${item.id}`, { as: 'viewer' })).version,
    ).toBe(item.version);
  });

  it('refuses malformed JSON, wrong types and unknown fields with 400 naming the field', async () => {
    const item = await createWork(fx);
    await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', `/v1/work/${item.id}/assign`, {
          as: 'operator',
          payload: '{actorId:',
          headers: JSON_HEADERS,
        }),
      400,
      'validation_failed',
    );
    expectIssue(
      await expectRefusedWithoutChange(
        fx,
        () => act(fx, item.id, 'assign', { actorId: 7 }),
        400,
        'validation_failed',
      ),
      'actorId',
    );
    expectIssue(
      await expectRefusedWithoutChange(
        fx,
        () => act(fx, item.id, 'cancel', { reason: 'x'.repeat(1001) }),
        400,
        'validation_failed',
      ),
      'reason',
    );
    expectIssue(
      await expectRefusedWithoutChange(
        fx,
        () => act(fx, item.id, 'pause', { actorId: 'hana' }),
        400,
        'validation_failed',
      ),
      'actorId',
    );
    expectIssue(
      await expectRefusedWithoutChange(
        fx,
        () => act(fx, item.id, 'assign', { actorId: 'hana', force: true }),
        400,
        'validation_failed',
      ),
      'force',
    );
    expectIssue(
      await expectRefusedWithoutChange(
        fx,
        () =>
          fx.call('POST', `/v1/work/${item.id}/cancel`, {
            as: 'operator',
            payload: '[1]',
            headers: JSON_HEADERS,
          }),
        400,
        'validation_failed',
      ),
      'body',
    );
  });

  it('refuses offer or assign without an actor to a queued item with 400 naming actorId', async () => {
    const item = await createWork(fx);
    expectIssue(
      await expectRefusedWithoutChange(
        fx,
        () => act(fx, item.id, 'offer'),
        400,
        'validation_failed',
      ),
      'actorId',
    );
    expectIssue(
      await expectRefusedWithoutChange(
        fx,
        () => act(fx, item.id, 'assign', {}),
        400,
        'validation_failed',
      ),
      'actorId',
    );
  });

  it('refuses an unknown actor with 422 naming actorId', async () => {
    const item = await createWork(fx);
    expectIssue(
      await expectRefusedWithoutChange(
        fx,
        () => act(fx, item.id, 'assign', { actorId: 'nobody' }),
        422,
        'unknown_reference',
      ),
      'actorId',
    );
    expectIssue(
      await expectRefusedWithoutChange(
        fx,
        () => act(fx, item.id, 'offer', { actorId: 'nobody' }),
        422,
        'unknown_reference',
      ),
      'actorId',
    );
  });

  it('refuses an assignment beyond capacity with 409 capacity_exceeded', async () => {
    // Cat holds at most one item.
    await workIn(fx, 'assigned', 'cat');
    const item = await createWork(fx);
    const problem = await expectRefusedWithoutChange(
      fx,
      () => act(fx, item.id, 'assign', { actorId: 'cat' }),
      409,
      'capacity_exceeded',
    );
    expect(problem).toMatchObject({ held: 1, capacity: 1 });
  });

  it('refuses work for an offline actor, and assigning an offered item to someone else, with 409', async () => {
    await fx.cp.setActorStatus(SYSTEM, 'hugo', 'offline');
    try {
      const item = await createWork(fx);
      const problem = await expectRefusedWithoutChange(
        fx,
        () => act(fx, item.id, 'assign', { actorId: 'hugo' }),
        409,
        'conflict',
      );
      expect(problem.actorStatus).toBe('offline');
    } finally {
      await fx.cp.setActorStatus(SYSTEM, 'hugo', 'available');
    }
    const offered = await workIn(fx, 'offered', AGENT_A);
    const problem = await expectRefusedWithoutChange(
      fx,
      () => act(fx, offered.id, 'assign', { actorId: AGENT_B }),
      409,
      'conflict',
    );
    expect(problem.offeredTo).toBe(AGENT_A);
  });

  it('refuses an oversized action body with 413', async () => {
    const item = await createWork(fx);
    await expectRefusedWithoutChange(
      fx,
      () => act(fx, item.id, 'cancel', { reason: 'x'.repeat(65 * 1024) }),
      413,
      'payload_too_large',
    );
  });
});

describe('an agent acts only as itself', () => {
  it('cannot offer or assign work to another actor', async () => {
    const item = await createWork(fx);
    for (const [action, actorId] of [
      ['assign', AGENT_B],
      ['offer', 'hugo'],
      ['assign', 'hana'],
    ] as const) {
      const problem = await expectRefusedWithoutChange(
        fx,
        () => act(fx, item.id, action, { actorId }, 'agentA'),
        403,
        'forbidden',
      );
      expect(problem.detail).toContain(AGENT_A);
    }
  });

  it.each([
    ['start', 'assigned'],
    ['complete', 'in_progress'],
    ['fail', 'in_progress'],
    ['release', 'in_progress'],
    ['release', 'offered'],
    ['assign', 'offered'],
  ] as const)('cannot %s an item %s to agent B', async (action, state) => {
    const item = await workIn(fx, state, AGENT_B);
    const problem = await expectRefusedWithoutChange(
      fx,
      () => act(fx, item.id, action, {}, 'agentA'),
      403,
      'forbidden',
    );
    expect(problem.detail).toMatch(new RegExp(`${item.id}|${AGENT_A}`));
    expect(
      json<WorkItem>(await fx.call('GET', `/v1/work/${item.id}`, { as: 'viewer' })).version,
    ).toBe(item.version);
  });

  it.each([
    ['pause', 'queued'],
    ['resume', 'paused'],
    ['retry', 'failed'],
    ['cancel', 'queued'],
  ] as const)('cannot %s work, not even its own', async (action, state) => {
    const item = await workIn(fx, state, AGENT_A);
    await expectRefusedWithoutChange(
      fx,
      () => act(fx, item.id, action, {}, 'agentA'),
      403,
      'forbidden',
    );
  });

  it('may run its own work (agent B starts what it holds)', async () => {
    const item = await workIn(fx, 'assigned', AGENT_B);
    expect((await mustAct(fx, item.id, 'start', undefined, 'agentB')).state).toBe('in_progress');
  });
});

describe('POST /v1/work/:id/dependencies', () => {
  it('makes a queued item wait: dependency_added then blocked, both recorded', async () => {
    const prerequisite = await createWork(fx);
    const item = await createWork(fx);
    const before = await fx.head();
    const response = await fx.call('POST', `/v1/work/${item.id}/dependencies`, {
      as: 'operator',
      body: { dependsOn: prerequisite.id },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(json<WorkItem>(response)).toMatchObject({
      id: item.id,
      dependsOn: [prerequisite.id],
      state: 'blocked',
    });
    const events = await eventsViaApi(fx, before);
    expect(events.map((e) => [e.type, e.subject])).toEqual([
      ['coordination.work.dependency_added', item.id],
      ['coordination.work.blocked', item.id],
    ]);
    expect(events[0]?.payload).toEqual({ dependsOn: prerequisite.id });
    expect(events[1]?.payload).toMatchObject({ waitingOn: [prerequisite.id] });
  });

  it('a dependency on finished work does not block', async () => {
    const done = await workIn(fx, 'done');
    const item = await createWork(fx);
    const response = await fx.call('POST', `/v1/work/${item.id}/dependencies`, {
      as: 'operator',
      body: { dependsOn: done.id },
    });
    expect(json<WorkItem>(response)).toMatchObject({ state: 'queued', dependsOn: [done.id] });
  });

  it('refuses an edge that closes a cycle with 422 and the cycle', async () => {
    const a = await createWork(fx);
    const b = await createWork(fx, { dependsOn: [a.id] });
    const c = await createWork(fx, { dependsOn: [b.id] });
    const problem = await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', `/v1/work/${a.id}/dependencies`, {
          as: 'operator',
          body: { dependsOn: c.id },
        }),
      422,
      'dependency_cycle',
    );
    expect(problem.cycle).toEqual([a.id, c.id, b.id, a.id]);
    expectIssue(problem, 'dependsOn');
    const self = await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', `/v1/work/${a.id}/dependencies`, {
          as: 'operator',
          body: { dependsOn: a.id },
        }),
      422,
      'dependency_cycle',
    );
    expect(self.cycle).toEqual([a.id, a.id]);
  });

  it('refuses a duplicate edge and a finished item with 409', async () => {
    const a = await createWork(fx);
    const b = await createWork(fx, { dependsOn: [a.id] });
    await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', `/v1/work/${b.id}/dependencies`, {
          as: 'operator',
          body: { dependsOn: a.id },
        }),
      409,
      'conflict',
    );
    const cancelled = await workIn(fx, 'cancelled');
    const problem = await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', `/v1/work/${cancelled.id}/dependencies`, {
          as: 'operator',
          body: { dependsOn: a.id },
        }),
      409,
      'conflict',
    );
    expect(problem.currentState).toBe('cancelled');
  });

  it('refuses unknown items: 404 for the path, 422 naming dependsOn for the body', async () => {
    const item = await createWork(fx);
    await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/work/w_missing/dependencies', {
          as: 'operator',
          body: { dependsOn: item.id },
        }),
      404,
      'not_found',
    );
    const problem = await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', `/v1/work/${item.id}/dependencies`, {
          as: 'operator',
          body: { dependsOn: 'w_missing' },
        }),
      422,
      'unknown_reference',
    );
    expectIssue(problem, 'dependsOn');
  });

  it('refuses bad bodies with 400 naming the field, and oversized ones with 413', async () => {
    const item = await createWork(fx);
    const url = `/v1/work/${item.id}/dependencies`;
    await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', url, { as: 'operator', payload: '{"dependsOn"', headers: JSON_HEADERS }),
      400,
      'validation_failed',
    );
    expectIssue(
      await expectRefusedWithoutChange(
        fx,
        () => fx.call('POST', url, { as: 'operator', body: { dependsOn: 5 } }),
        400,
        'validation_failed',
      ),
      'dependsOn',
    );
    expectIssue(
      await expectRefusedWithoutChange(
        fx,
        () => fx.call('POST', url, { as: 'operator', body: {} }),
        400,
        'validation_failed',
      ),
      'dependsOn',
    );
    expectIssue(
      await expectRefusedWithoutChange(
        fx,
        () => fx.call('POST', url, { as: 'operator', body: { dependsOn: item.id, why: 'x' } }),
        400,
        'validation_failed',
      ),
      'why',
    );
    await expectRefusedWithoutChange(
      fx,
      () => fx.call('POST', url, { as: 'operator', body: { dependsOn: 'x'.repeat(70 * 1024) } }),
      413,
      'payload_too_large',
    );
  });

  it.each<Role>(['viewer', 'agentA'])('refuses a %s token with 403', async (role) => {
    const a = await createWork(fx);
    const b = await createWork(fx);
    await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', `/v1/work/${b.id}/dependencies`, { as: role, body: { dependsOn: a.id } }),
      403,
      'forbidden',
    );
  });
});
