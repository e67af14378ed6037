import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiToken } from '../../src/core/model.js';
import {
  actorName,
  AGENT_A,
  eventsViaApi,
  expectIssue,
  expectProblem,
  expectRefusedWithoutChange,
  json,
  openHttpFixture,
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

type IssuedBody = ApiToken & { token: string };

async function createToken(body: Record<string, unknown>): Promise<IssuedBody> {
  const response = await fx.call('POST', '/v1/tokens', { as: 'admin', body });
  expect(response.statusCode, response.body).toBe(201);
  return json<IssuedBody>(response);
}

describe('POST /v1/tokens', () => {
  it('creates a token, returns its secret once, records core.token.created, and the secret works', async () => {
    const before = await fx.head();
    const response = await fx.call('POST', '/v1/tokens', {
      as: 'admin',
      body: { name: 'dashboard', role: 'viewer' },
    });
    expect(response.statusCode, response.body).toBe(201);
    const issued = json<IssuedBody>(response);
    expect(issued).toMatchObject({
      name: 'dashboard',
      role: 'viewer',
      actorId: null,
      revokedAt: null,
    });
    expect(issued.id).toMatch(/^tok_/);
    expect(issued.token).toMatch(/^aut_[A-Za-z0-9_-]{40,}$/);

    const events = await eventsViaApi(fx, before);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'core.token.created',
      subject: issued.id,
      actor: actorName(fx, 'admin'),
      payload: { name: 'dashboard', role: 'viewer', actorId: null },
    });
    // The secret is in no event.
    expect(JSON.stringify(events)).not.toContain(issued.token);

    expect((await fx.call('GET', '/v1/work', { token: issued.token })).statusCode).toBe(200);
    // …and it is a viewer: it may not write.
    expectProblem(
      await fx.call('POST', '/v1/work', {
        token: issued.token,
        body: { typeId: 'ticket', title: 'x' },
      }),
      403,
      'forbidden',
    );
  });

  it('creates an agent token bound to its agent, which then acts as that agent', async () => {
    const issued = await createToken({ name: 'ada again', role: 'agent', actorId: AGENT_A });
    expect(issued).toMatchObject({ role: 'agent', actorId: AGENT_A });
    const before = await fx.head();
    const created = await fx.call('POST', '/v1/work', {
      token: issued.token,
      body: { typeId: 'ticket', title: 'by ada' },
    });
    expect(created.statusCode).toBe(201);
    expect((await eventsViaApi(fx, before))[0]?.actor).toBe(AGENT_A);
  });

  it('refuses an agent token without an actor, or bound to a human, with 400 naming actorId', async () => {
    expectIssue(
      await expectRefusedWithoutChange(
        fx,
        () => fx.call('POST', '/v1/tokens', { as: 'admin', body: { name: 'a', role: 'agent' } }),
        400,
        'validation_failed',
      ),
      'actorId',
    );
    expectIssue(
      await expectRefusedWithoutChange(
        fx,
        () =>
          fx.call('POST', '/v1/tokens', {
            as: 'admin',
            body: { name: 'a', role: 'agent', actorId: 'hana' },
          }),
        400,
        'validation_failed',
      ),
      'actorId',
    );
  });

  it('refuses an unknown actor with 422 naming actorId', async () => {
    const problem = await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/tokens', {
          as: 'admin',
          body: { name: 'ghost', role: 'operator', actorId: 'ghost' },
        }),
      422,
      'unknown_reference',
    );
    expectIssue(problem, 'actorId');
  });

  it.each([
    ['role', { name: 'x', role: 'root' }],
    ['role', { name: 'x' }],
    ['name', { name: '', role: 'viewer' }],
    ['name', { name: 7, role: 'viewer' }],
    ['actorId', { name: 'x', role: 'agent', actorId: '' }],
    ['expiresAt', { name: 'x', role: 'viewer', expiresAt: '2030-01-01T00:00:00Z' }],
  ])('refuses a bad body with 400 naming %s', async (path, body) => {
    expectIssue(
      await expectRefusedWithoutChange(
        fx,
        () => fx.call('POST', '/v1/tokens', { as: 'admin', body }),
        400,
        'validation_failed',
      ),
      path,
    );
  });

  it('refuses malformed JSON with 400 and an oversized body with 413', async () => {
    await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/tokens', {
          as: 'admin',
          payload: '{"name":"x",',
          headers: { 'content-type': 'application/json' },
        }),
      400,
      'validation_failed',
    );
    await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/tokens', {
          as: 'admin',
          body: { name: 'x'.repeat(70 * 1024), role: 'viewer' },
        }),
      413,
      'payload_too_large',
    );
  });

  it.each<Role>(['operator', 'agentA', 'viewer'])('refuses a %s token with 403', async (role) => {
    const problem = await expectRefusedWithoutChange(
      fx,
      () => fx.call('POST', '/v1/tokens', { as: role, body: { name: 'escalate', role: 'admin' } }),
      403,
      'forbidden',
    );
    expect(problem.detail).toContain('create tokens');
  });
});

describe('GET /v1/tokens', () => {
  it('lists every token without any secret or hash', async () => {
    const issued = await createToken({ name: 'listed', role: 'operator' });
    const response = await fx.call('GET', '/v1/tokens', { as: 'admin' });
    expect(response.statusCode).toBe(200);
    const { items } = json<{ items: ApiToken[] }>(response);
    expect(items.map((t) => t.id)).toEqual(
      expect.arrayContaining([...Object.values(fx.tokens).map((t) => t.id), issued.id]),
    );
    expect(items.find((t) => t.id === fx.tokens.agentA.id)).toMatchObject({
      role: 'agent',
      actorId: AGENT_A,
      revokedAt: null,
    });
    for (const token of items)
      expect(Object.keys(token).sort()).toEqual([
        'actorId',
        'createdAt',
        'id',
        'name',
        'revokedAt',
        'role',
      ]);
    expect(response.body).not.toContain(issued.token);
    expect(response.body).not.toContain('aut_');
  });

  it.each<Role>(['operator', 'agentA', 'viewer'])('refuses a %s token with 403', async (role) => {
    await expectRefusedWithoutChange(
      fx,
      () => fx.call('GET', '/v1/tokens', { as: role }),
      403,
      'forbidden',
    );
  });
});

describe('DELETE /v1/tokens/:id', () => {
  it('revokes a token: revokedAt set, core.token.revoked recorded, the secret refused from then on', async () => {
    const issued = await createToken({ name: 'to revoke', role: 'operator' });
    expect((await fx.call('GET', '/v1/work', { token: issued.token })).statusCode).toBe(200);
    const before = await fx.head();
    const response = await fx.call('DELETE', `/v1/tokens/${issued.id}`, { as: 'admin' });
    expect(response.statusCode, response.body).toBe(200);
    const revoked = json<ApiToken>(response);
    expect(revoked).toMatchObject({ id: issued.id, name: 'to revoke', role: 'operator' });
    expect(revoked.revokedAt).not.toBeNull();
    expect(await eventsViaApi(fx, before)).toEqual([
      expect.objectContaining({
        type: 'core.token.revoked',
        subject: issued.id,
        actor: actorName(fx, 'admin'),
        payload: {},
      }),
    ]);

    const refused = await expectRefusedWithoutChange(
      fx,
      () => fx.call('GET', '/v1/work', { token: issued.token }),
      401,
      'unauthenticated',
    );
    expect(refused.detail).toMatch(/revoked/);
    const listed = json<{ items: ApiToken[] }>(
      await fx.call('GET', '/v1/tokens', { as: 'admin' }),
    ).items;
    expect(listed.find((t) => t.id === issued.id)?.revokedAt).toBe(revoked.revokedAt);

    // Revoking again is idempotent: same answer, nothing recorded.
    const head = await fx.head();
    const again = await fx.call('DELETE', `/v1/tokens/${issued.id}`, { as: 'admin' });
    expect(again.statusCode).toBe(200);
    expect(json<ApiToken>(again).revokedAt).toBe(revoked.revokedAt);
    expect(await fx.head()).toBe(head);
  });

  it('answers an unknown token with 404', async () => {
    await expectRefusedWithoutChange(
      fx,
      () => fx.call('DELETE', '/v1/tokens/tok_missing', { as: 'admin' }),
      404,
      'not_found',
    );
  });

  it.each<Role>(['operator', 'agentA', 'viewer'])(
    'refuses a %s token with 403 and leaves the token working',
    async (role) => {
      const issued = await createToken({ name: `kept from ${role}`, role: 'viewer' });
      await expectRefusedWithoutChange(
        fx,
        () => fx.call('DELETE', `/v1/tokens/${issued.id}`, { as: role }),
        403,
        'forbidden',
      );
      expect((await fx.call('GET', '/v1/work', { token: issued.token })).statusCode).toBe(200);
    },
  );
});
