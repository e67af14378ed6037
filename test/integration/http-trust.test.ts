import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectIssue,
  expectRefusedWithoutChange,
  HTTP_ORG,
  json,
  openHttpFixture,
  type HttpFixture,
} from '../support/http-fixture.js';

/* Trust through the API: rules applied inline with the organization, levels read by policies. */

const POLICY = `@id("trusted-refunds")
permit(principal is Actor, action == Action::"refund", resource is Domain)
when { principal in resource && principal.trust.work >= 2 };`;

const ORG = {
  ...HTTP_ORG,
  actions: [{ id: 'refund', appliesTo: ['domain'] }],
  policies: [{ name: 'refunds.cedar', text: POLICY }],
  trust: {
    halfLife: '14d',
    initial: { ada: { work: 1 } },
    promotions: [{ to: 2, minAttempts: 5, minSuccessRate: 0.95, cleanDays: 3 }],
    incidents: { demoteTo: 0 },
  },
};

interface Entry {
  actorId: string;
  domainId: string;
  class: string;
  level: number;
  levelName: string;
  setReason: string | null;
  next: { to: number; unmet: string | null } | null;
}

let fx: HttpFixture;
beforeAll(async () => {
  fx = await openHttpFixture();
  const applied = await fx.call('POST', '/v1/config/apply', { as: 'admin', body: ORG });
  expect(applied.statusCode, applied.body).toBe(200);
});
afterAll(async () => {
  await fx.close();
});

const refund = async () =>
  json<{ decision: string }>(
    await fx.call('POST', '/v1/authority/check', {
      as: 'agentA',
      body: { action: 'refund', resource: { type: 'Domain', id: 'support' } },
    }),
  ).decision;

describe('trust over HTTP', () => {
  it('lists levels with their rule, filtered by actor, domain and class', async () => {
    const response = await fx.call('GET', '/v1/trust?actorId=ada&class=work', { as: 'viewer' });
    expect(response.statusCode, response.body).toBe(200);
    const { items } = json<{ items: Entry[] }>(response);
    expect(items).toEqual([
      expect.objectContaining({
        actorId: 'ada',
        domainId: 'support',
        class: 'work',
        level: 1,
        levelName: 'act with approval each time',
        next: expect.objectContaining({ to: 2, unmet: 'no record yet' }) as unknown,
      }),
    ]);
    const refunds = json<{ items: Entry[] }>(
      await fx.call('GET', '/v1/trust?class=refund&domainId=billing', { as: 'viewer' }),
    ).items;
    expect(refunds.map((e) => [e.actorId, e.level])).toEqual([
      ['bea', 0],
      ['cat', 0],
    ]);
  });

  it('an override raises the level the policy reads; an incident drops it at once', async () => {
    expect(await refund()).toBe('deny');
    const set = await fx.call('POST', '/v1/trust/levels', {
      as: 'operator',
      body: { actorId: 'ada', domainId: 'support', class: 'work', level: 2, reason: 'reviewed' },
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(json(set)).toMatchObject({ from: 1, to: 2 });
    expect(await refund()).toBe('allow');

    const incident = await fx.call('POST', '/v1/trust/incidents', {
      as: 'operator',
      body: { actorId: 'ada', reason: 'refund to the wrong customer' },
    });
    expect(incident.statusCode, incident.body).toBe(201);
    expect(json(incident)).toMatchObject({ domainId: 'support', class: 'work', from: 2, to: 0 });
    expect(await refund()).toBe('deny');

    const detail = json<{ entries: Entry[]; changes: { payload: { cause: string } }[] }>(
      await fx.call('GET', '/v1/trust/ada', { as: 'agentA' }),
    );
    expect(detail.changes.map((c) => c.payload.cause)).toEqual(['incident', 'override']);
  });

  it('refuses bad input with problem+json naming the field, and changes nothing', async () => {
    const level = await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/trust/levels', {
          as: 'operator',
          body: { actorId: 'ada', domainId: 'support', class: 'work', level: 7, reason: 'r' },
        }),
      400,
      'validation_failed',
    );
    expectIssue(level, 'level');
    const person = await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/trust/incidents', {
          as: 'operator',
          body: { actorId: 'hana', reason: 'r' },
        }),
      400,
      'validation_failed',
    );
    expectIssue(person, 'actorId');
    const domain = await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/trust/reversals', {
          as: 'operator',
          body: { actorId: 'bea', reason: 'two domains, none named' },
        }),
      400,
      'validation_failed',
    );
    expectIssue(domain, 'domainId');
    await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/trust/incidents', {
          as: 'agentA',
          body: { actorId: 'ada', reason: 'r' },
        }),
      403,
      'forbidden',
    );
    await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/trust/promotions/prm_nothing/approve', {
          as: 'operator',
          body: {},
        }),
      404,
      'not_found',
    );
  });
});
