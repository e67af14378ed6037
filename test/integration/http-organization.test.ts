import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, Domain, WorkType } from '../../src/core/model.js';
import { orgConfigSchema } from '../../src/core/org-config.js';
import { SYSTEM } from '../../src/core/principal.js';
import {
  AGENT_A,
  AGENT_B,
  actorName,
  eventsViaApi,
  expectIssue,
  expectRefusedWithoutChange,
  HTTP_ORG,
  json,
  openHttpFixture,
  ROLES,
  workIn,
  type HttpFixture,
  type Role,
} from '../support/http-fixture.js';

let fx: HttpFixture;

beforeAll(async () => {
  fx = await openHttpFixture();
});
afterAll(async () => {
  await fx.close();
});

const JSON_HEADERS = { 'content-type': 'application/json' };

describe('domains', () => {
  it.each(ROLES)('GET /v1/domains lists both domains for a %s token', async (role) => {
    const response = await fx.call('GET', '/v1/domains', { as: role });
    expect(response.statusCode).toBe(200);
    const { items } = json<{ items: Domain[] }>(response);
    expect(items).toEqual([
      { id: 'billing', name: 'Billing', description: '', owners: ['hugo'], preemption: false },
      {
        id: 'support',
        name: 'Support',
        description: 'Customer support',
        owners: ['hana'],
        preemption: false,
      },
    ]);
  });

  it('GET /v1/domains/:id returns one domain, 404 for an unknown one', async () => {
    const response = await fx.call('GET', '/v1/domains/support', { as: 'viewer' });
    expect(json(response)).toEqual({
      id: 'support',
      name: 'Support',
      description: 'Customer support',
      owners: ['hana'],
      preemption: false,
    });
    const problem = await expectRefusedWithoutChange(
      fx,
      () => fx.call('GET', '/v1/domains/legal', { as: 'viewer' }),
      404,
      'not_found',
    );
    expect(problem.detail).toContain('legal');
  });
});

describe('work types', () => {
  it('GET /v1/work-types lists the three work types with durations in seconds', async () => {
    const { items } = json<{ items: WorkType[] }>(
      await fx.call('GET', '/v1/work-types', { as: 'agentA' }),
    );
    expect(items.map((t) => t.id).sort()).toEqual(['invoice', 'refund', 'ticket']);
    expect(items.find((t) => t.id === 'refund')).toEqual({
      id: 'refund',
      domainId: 'billing',
      name: 'Refund',
      description: '',
      requiredSkills: { refunds: 3 },
      expectedDurationSeconds: 3600,
      slaSeconds: 86_400,
      maxAttempts: 3,
      stages: [],
    });
  });

  it('GET /v1/work-types/:id returns one, 404 for an unknown one', async () => {
    expect(
      json<WorkType>(await fx.call('GET', '/v1/work-types/ticket', { as: 'viewer' })),
    ).toMatchObject({
      id: 'ticket',
      domainId: 'support',
      requiredSkills: { triage: 2 },
      expectedDurationSeconds: 1800,
      slaSeconds: 14_400,
    });
    await expectRefusedWithoutChange(
      fx,
      () => fx.call('GET', '/v1/work-types/parcel', { as: 'viewer' }),
      404,
      'not_found',
    );
  });
});

describe('learned figures', () => {
  it('GET /v1/work-types/:id/learned shows what completed work taught, 404 for an unknown type', async () => {
    const done = await workIn(fx, 'done', AGENT_B);
    expect(done.typeId).toBe('ticket');
    expect(done.startedAt).not.toBeNull();
    const learned = json<{
      typeId: string;
      configuredSeconds: number;
      estimate: { expectedSeconds: number; completions: number };
      stats: { completions: number } | null;
      actors: { actorId: string; stats: { completions: number } }[];
    }>(await fx.call('GET', '/v1/work-types/ticket/learned', { as: 'viewer' }));
    expect(learned).toMatchObject({ typeId: 'ticket', configuredSeconds: 1800 });
    expect(learned.stats?.completions).toBeGreaterThanOrEqual(1);
    expect(learned.estimate.completions).toBe(learned.stats?.completions);
    expect(
      learned.actors.find((a) => a.actorId === AGENT_B)?.stats.completions,
    ).toBeGreaterThanOrEqual(1);
    await expectRefusedWithoutChange(
      fx,
      () => fx.call('GET', '/v1/work-types/parcel/learned', { as: 'viewer' }),
      404,
      'not_found',
    );
  });
});

describe('actors', () => {
  it('GET /v1/actors lists every actor, filtered by kind and status', async () => {
    const all = json<{ items: Actor[] }>(
      await fx.call('GET', '/v1/actors', { as: 'viewer' }),
    ).items;
    expect(all.map((a) => a.id).sort()).toEqual(['ada', 'bea', 'cat', 'hana', 'hugo']);
    expect(all.find((a) => a.id === 'hana')).toEqual({
      id: 'hana',
      kind: 'human',
      name: 'Hana',
      domains: ['support'],
      skills: { triage: 5, refunds: 3 },
      capacity: 5,
      mode: 'pull',
      costPerHour: 0,
      status: 'available',
      lastHeartbeatAt: null,
    });
    const agents = json<{ items: Actor[] }>(
      await fx.call('GET', '/v1/actors?kind=agent', { as: 'viewer' }),
    ).items;
    expect(agents.map((a) => a.id).sort()).toEqual(['ada', 'bea', 'cat']);
    const away = json<{ items: Actor[] }>(
      await fx.call('GET', '/v1/actors?status=away', { as: 'viewer' }),
    ).items;
    expect(away).toEqual([]);
  });

  it.each([
    ['querystring.kind', '?kind=robot'],
    ['querystring.status', '?status=asleep'],
    ['querystring.team', '?team=a'],
  ])('GET /v1/actors refuses a bad query with 400 naming %s', async (path, query) => {
    expectIssue(
      await expectRefusedWithoutChange(
        fx,
        () => fx.call('GET', `/v1/actors${query}`, { as: 'viewer' }),
        400,
        'validation_failed',
      ),
      path,
    );
  });

  it('GET /v1/actors/:id returns the actor with the number of items it holds', async () => {
    await workIn(fx, 'assigned', 'hugo');
    await workIn(fx, 'in_progress', 'hugo');
    await workIn(fx, 'offered', 'hugo');
    const hugo = json<Actor & { held: number }>(
      await fx.call('GET', '/v1/actors/hugo', { as: 'viewer' }),
    );
    expect(hugo).toMatchObject({ id: 'hugo', kind: 'human', capacity: 3, held: 2 });
    await expectRefusedWithoutChange(
      fx,
      () => fx.call('GET', '/v1/actors/nobody', { as: 'viewer' }),
      404,
      'not_found',
    );
  });
});

describe('PUT /v1/actors/:id/status', () => {
  it('changes the status and records coordination.actor.status_changed; a repeat records nothing', async () => {
    const before = await fx.head();
    const response = await fx.call('PUT', '/v1/actors/hana/status', {
      as: 'operator',
      body: { status: 'away' },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(json<Actor>(response)).toMatchObject({ id: 'hana', status: 'away' });
    const events = await eventsViaApi(fx, before);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'coordination.actor.status_changed',
      subject: 'hana',
      actor: actorName(fx, 'operator'),
      payload: { from: 'available', to: 'away' },
    });
    expect(json<Actor>(await fx.call('GET', '/v1/actors/hana', { as: 'viewer' })).status).toBe(
      'away',
    );

    const head = await fx.head();
    const again = await fx.call('PUT', '/v1/actors/hana/status', {
      as: 'admin',
      body: { status: 'away' },
    });
    expect(again.statusCode).toBe(200);
    expect(await fx.head()).toBe(head);
    await fx.call('PUT', '/v1/actors/hana/status', { as: 'admin', body: { status: 'available' } });
  });

  it('lets an agent set its own status', async () => {
    const before = await fx.head();
    const response = await fx.call('PUT', `/v1/actors/${AGENT_A}/status`, {
      as: 'agentA',
      body: { status: 'away' },
    });
    expect(json<Actor>(response)).toMatchObject({ id: AGENT_A, status: 'away' });
    expect((await eventsViaApi(fx, before)).map((e) => [e.type, e.actor, e.subject])).toEqual([
      ['coordination.actor.status_changed', AGENT_A, AGENT_A],
    ]);
    await fx.call('PUT', `/v1/actors/${AGENT_A}/status`, {
      as: 'agentA',
      body: { status: 'available' },
    });
  });

  it("refuses an agent setting another actor's status, and a viewer, with 403", async () => {
    const problem = await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('PUT', `/v1/actors/${AGENT_B}/status`, {
          as: 'agentA',
          body: { status: 'offline' },
        }),
      403,
      'forbidden',
    );
    expect(problem.detail).toContain(AGENT_A);
    await expectRefusedWithoutChange(
      fx,
      () => fx.call('PUT', '/v1/actors/hana/status', { as: 'agentA', body: { status: 'offline' } }),
      403,
      'forbidden',
    );
    await expectRefusedWithoutChange(
      fx,
      () => fx.call('PUT', '/v1/actors/hana/status', { as: 'viewer', body: { status: 'offline' } }),
      403,
      'forbidden',
    );
    expect(
      json<Actor>(await fx.call('GET', `/v1/actors/${AGENT_B}`, { as: 'viewer' })).status,
    ).toBe('available');
  });

  it('refuses bad input: 400 naming the field, 404 for an unknown actor, 413 when oversized', async () => {
    const url = '/v1/actors/hana/status';
    await expectRefusedWithoutChange(
      fx,
      () => fx.call('PUT', url, { as: 'operator', payload: '{"status":', headers: JSON_HEADERS }),
      400,
      'validation_failed',
    );
    expectIssue(
      await expectRefusedWithoutChange(
        fx,
        () => fx.call('PUT', url, { as: 'operator', body: { status: 'sleeping' } }),
        400,
        'validation_failed',
      ),
      'status',
    );
    expectIssue(
      await expectRefusedWithoutChange(
        fx,
        () => fx.call('PUT', url, { as: 'operator', body: { status: 1 } }),
        400,
        'validation_failed',
      ),
      'status',
    );
    expectIssue(
      await expectRefusedWithoutChange(
        fx,
        () => fx.call('PUT', url, { as: 'operator', body: {} }),
        400,
        'validation_failed',
      ),
      'status',
    );
    expectIssue(
      await expectRefusedWithoutChange(
        fx,
        () => fx.call('PUT', url, { as: 'operator', body: { status: 'away', until: 'later' } }),
        400,
        'validation_failed',
      ),
      'until',
    );
    await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('PUT', '/v1/actors/nobody/status', { as: 'operator', body: { status: 'away' } }),
      404,
      'not_found',
    );
    await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('PUT', url, {
          as: 'operator',
          body: { status: 'away', note: 'x'.repeat(70 * 1024) },
        }),
      413,
      'payload_too_large',
    );
  });
});

describe('POST /v1/actors/:id/heartbeat', () => {
  it('takes a bare POST (no body), as clients send it', async () => {
    const response = await fx.call('POST', '/v1/actors/hugo/heartbeat', { as: 'operator' });
    expect(response.statusCode, response.body).toBe(200);
    expect(json<Actor>(response).lastHeartbeatAt).not.toBeNull();
  });

  it('records the heartbeat; an offline actor becomes available, with its event', async () => {
    await fx.cp.setActorStatus(SYSTEM, AGENT_B, 'offline');
    const before = await fx.head();
    const response = await fx.call('POST', `/v1/actors/${AGENT_B}/heartbeat`, {
      as: 'agentB',
      body: {},
    });
    expect(response.statusCode, response.body).toBe(200);
    const actor = json<Actor>(response);
    expect(actor).toMatchObject({ id: AGENT_B, status: 'available' });
    expect(Math.abs(Date.parse(actor.lastHeartbeatAt ?? '') - Date.now())).toBeLessThan(60_000);
    const events = await eventsViaApi(fx, before);
    expect(events.map((e) => [e.type, e.actor, e.subject, e.payload])).toEqual([
      ['coordination.actor.status_changed', AGENT_B, AGENT_B, { from: 'offline', to: 'available' }],
    ]);
    expect(
      json<Actor>(await fx.call('GET', `/v1/actors/${AGENT_B}`, { as: 'viewer' })).lastHeartbeatAt,
    ).toBe(actor.lastHeartbeatAt);
  });

  it('refuses a heartbeat for another actor (agent) or from a viewer with 403', async () => {
    await fx.cp.setActorStatus(SYSTEM, AGENT_B, 'offline');
    try {
      await expectRefusedWithoutChange(
        fx,
        () => fx.call('POST', `/v1/actors/${AGENT_B}/heartbeat`, { as: 'agentA', body: {} }),
        403,
        'forbidden',
      );
      await expectRefusedWithoutChange(
        fx,
        () => fx.call('POST', `/v1/actors/${AGENT_B}/heartbeat`, { as: 'viewer', body: {} }),
        403,
        'forbidden',
      );
      expect(
        json<Actor>(await fx.call('GET', `/v1/actors/${AGENT_B}`, { as: 'viewer' })).status,
      ).toBe('offline');
    } finally {
      await fx.cp.setActorStatus(SYSTEM, AGENT_B, 'available');
    }
  });

  it('refuses bad input: unknown fields, malformed JSON, unknown actor, oversized body', async () => {
    const url = `/v1/actors/${AGENT_A}/heartbeat`;
    expectIssue(
      await expectRefusedWithoutChange(
        fx,
        () => fx.call('POST', url, { as: 'agentA', body: { load: 0.5 } }),
        400,
        'validation_failed',
      ),
      'load',
    );
    await expectRefusedWithoutChange(
      fx,
      () => fx.call('POST', url, { as: 'agentA', payload: '{', headers: JSON_HEADERS }),
      400,
      'validation_failed',
    );
    await expectRefusedWithoutChange(
      fx,
      () => fx.call('POST', '/v1/actors/nobody/heartbeat', { as: 'operator', body: {} }),
      404,
      'not_found',
    );
    await expectRefusedWithoutChange(
      fx,
      () => fx.call('POST', url, { as: 'agentA', body: { pad: 'x'.repeat(70 * 1024) } }),
      413,
      'payload_too_large',
    );
  });
});

describe('GET /v1/config', () => {
  it.each<Role>(['admin', 'operator', 'viewer', 'agentA'])(
    'returns the applied configuration and its revision to a %s token',
    async (role) => {
      const response = await fx.call('GET', '/v1/config', { as: role });
      expect(response.statusCode).toBe(200);
      const body = json<{ revision: number; config: unknown }>(response);
      expect(body.revision).toBe(1);
      // What it returns is a valid document describing the same organization.
      const config = orgConfigSchema.parse(body.config);
      const original = orgConfigSchema.parse(HTTP_ORG);
      expect(config.metadata.name).toBe('Acme');
      const byId = <T extends { id: string }>(list: T[]) =>
        [...list].sort((a, b) => a.id.localeCompare(b.id));
      expect(byId(config.domains)).toEqual(byId(original.domains));
      expect(byId(config.actors)).toEqual(byId(original.actors));
      expect(byId(config.workTypes)).toEqual(byId(original.workTypes));
    },
  );
});
