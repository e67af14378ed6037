import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUESTABLE_ACTIONS } from '../../src/coordination/transition-work.js';
import { BUILTIN_ACTIONS } from '../../src/core/authority-config.js';
import {
  createWork,
  expectProblem,
  expectRefusedWithoutChange,
  applyOutcomes,
  HTTP_ORG,
  HTTP_OUTCOMES,
  json,
  openHttpFixture,
  type HttpFixture,
  type HttpMethod,
  type Role,
} from '../support/http-fixture.js';

let fx: HttpFixture;
/** Ids the route table points at: a queued item, another one, and a spare token. */
const ids = { work: '', other: '', token: '', exception: '', silence: '', approval: '' };
/** The secret of a token that was issued and then revoked. */
let revoked = '';

beforeAll(async () => {
  fx = await openHttpFixture();
  await applyOutcomes(fx);
  // Policies that change nothing the other routes do, and make refunds need approval.
  const applied = await fx.call('POST', '/v1/config/apply', {
    as: 'admin',
    body: {
      ...HTTP_ORG,
      ...HTTP_OUTCOMES,
      actions: [{ id: 'refund', appliesTo: ['domain'], context: {} }],
      policies: [
        {
          name: 'policies/access.cedar',
          text: `permit (principal, action in [${BUILTIN_ACTIONS.map((a) => `Action::"${a}"`).join(', ')}], resource);
@mode("approval") permit (principal, action == Action::"refund", resource);`,
        },
      ],
    },
  });
  expect(applied.statusCode, applied.body).toBe(200);
  const asked = await fx.call('POST', '/v1/approvals', {
    as: 'agentA',
    body: { action: 'refund', resource: { type: 'Domain', id: 'support' } },
  });
  expect(asked.statusCode, asked.body).toBe(201);
  ids.approval = json<{ id: string }>(asked).id;
  ids.work = (await createWork(fx)).id;
  ids.other = (await createWork(fx)).id;
  ids.token = fx.tokens.viewer.id;
  const raised = await fx.call('POST', '/v1/exceptions', {
    as: 'operator',
    body: { labels: { alertname: 'Test', domain: 'support' }, summary: 'x' },
  });
  ids.exception = json<{ id: string }>(raised).id;
  const silenced = await fx.call('POST', '/v1/silences', {
    as: 'operator',
    body: { matchers: ['alertname="Nothing"'], duration: '1h', comment: 'x' },
  });
  ids.silence = json<{ id: string }>(silenced).id;
  const issued = await fx.call('POST', '/v1/tokens', {
    as: 'admin',
    body: { name: 'soon revoked', role: 'admin' },
  });
  const token = json<{ id: string; token: string }>(issued);
  expect((await fx.call('DELETE', `/v1/tokens/${token.id}`, { as: 'admin' })).statusCode).toBe(200);
  revoked = token.token;
});
afterAll(async () => {
  await fx.close();
});

/**
 * Who may call a route: every token (read), every token but a viewer (write), an admin only
 * (admin), every token but an agent (audit), or admins and operators (operate: acting for
 * others, such as reading another actor's inbox).
 */
type Access = 'read' | 'write' | 'admin' | 'audit' | 'operate';

interface RouteCase {
  method: HttpMethod;
  /** As the OpenAPI document writes it. */
  path: string;
  access: Access;
  url: () => string;
  body?: () => unknown;
  /** Streams cannot go through inject once accepted. */
  streams?: boolean;
  /** A refusal is recorded (this event, and nothing else, is appended). */
  auditedAs?: string;
}

const ROUTES: RouteCase[] = [
  { method: 'GET', path: '/v1/work', access: 'read', url: () => '/v1/work' },
  { method: 'GET', path: '/v1/work/counts', access: 'read', url: () => '/v1/work/counts' },
  { method: 'GET', path: '/v1/me', access: 'read', url: () => '/v1/me' },
  {
    method: 'POST',
    path: '/v1/work',
    access: 'write',
    url: () => '/v1/work',
    body: () => ({ typeId: 'ticket', title: 'x' }),
  },
  { method: 'GET', path: '/v1/work/{id}', access: 'read', url: () => `/v1/work/${ids.work}` },
  {
    method: 'POST',
    path: '/v1/work/claim',
    access: 'write',
    url: () => '/v1/work/claim',
    body: () => ({ actorId: 'hana' }),
  },
  {
    method: 'GET',
    path: '/v1/work/{id}/explain',
    access: 'read',
    url: () => `/v1/work/${ids.work}/explain`,
  },
  {
    method: 'POST',
    path: '/v1/work/{id}/dependencies',
    access: 'write',
    url: () => `/v1/work/${ids.work}/dependencies`,
    body: () => ({ dependsOn: ids.other }),
  },
  ...REQUESTABLE_ACTIONS.map((action): RouteCase => ({
    method: 'POST',
    path: `/v1/work/{id}/${action}`,
    access: 'write',
    url: () => `/v1/work/${ids.work}/${action}`,
    body: () => (action === 'offer' || action === 'assign' ? { actorId: 'hana' } : {}),
  })),
  { method: 'GET', path: '/v1/domains', access: 'read', url: () => '/v1/domains' },
  { method: 'GET', path: '/v1/domains/{id}', access: 'read', url: () => '/v1/domains/support' },
  { method: 'GET', path: '/v1/work-types', access: 'read', url: () => '/v1/work-types' },
  {
    method: 'GET',
    path: '/v1/work-types/{id}',
    access: 'read',
    url: () => '/v1/work-types/ticket',
  },
  {
    method: 'GET',
    path: '/v1/work-types/{id}/learned',
    access: 'read',
    url: () => '/v1/work-types/ticket/learned',
  },
  { method: 'GET', path: '/v1/actors', access: 'read', url: () => '/v1/actors' },
  { method: 'GET', path: '/v1/actors/{id}', access: 'read', url: () => '/v1/actors/hana' },
  {
    method: 'PUT',
    path: '/v1/actors/{id}/status',
    access: 'write',
    url: () => '/v1/actors/hana/status',
    body: () => ({ status: 'away' }),
  },
  {
    method: 'POST',
    path: '/v1/actors/{id}/heartbeat',
    access: 'write',
    url: () => '/v1/actors/hana/heartbeat',
    body: () => ({}),
  },
  { method: 'GET', path: '/v1/config', access: 'read', url: () => '/v1/config' },
  {
    method: 'POST',
    path: '/v1/config/apply',
    access: 'admin',
    url: () => '/v1/config/apply',
    body: () => ({ ...HTTP_ORG, metadata: { name: 'Renamed' } }),
  },
  {
    method: 'POST',
    path: '/v1/tokens',
    access: 'admin',
    url: () => '/v1/tokens',
    body: () => ({ name: 'x', role: 'admin' }),
  },
  { method: 'GET', path: '/v1/tokens', access: 'admin', url: () => '/v1/tokens' },
  {
    method: 'DELETE',
    path: '/v1/tokens/{id}',
    access: 'admin',
    url: () => `/v1/tokens/${ids.token}`,
  },
  { method: 'GET', path: '/v1/events', access: 'read', url: () => '/v1/events' },
  {
    method: 'GET',
    path: '/v1/events/stream',
    access: 'read',
    url: () => '/v1/events/stream',
    streams: true,
  },
  { method: 'GET', path: '/v1/audit/verify', access: 'audit', url: () => '/v1/audit/verify' },
  { method: 'GET', path: '/v1/exceptions', access: 'read', url: () => '/v1/exceptions' },
  {
    method: 'POST',
    path: '/v1/exceptions',
    access: 'write',
    url: () => '/v1/exceptions',
    body: () => ({ labels: { alertname: 'Other' }, summary: 'y' }),
  },
  {
    method: 'GET',
    path: '/v1/exceptions/{id}',
    access: 'read',
    url: () => `/v1/exceptions/${ids.exception}`,
  },
  {
    method: 'POST',
    path: '/v1/exceptions/{id}/acknowledge',
    access: 'write',
    url: () => `/v1/exceptions/${ids.exception}/acknowledge`,
  },
  {
    method: 'POST',
    path: '/v1/exceptions/{id}/resolve',
    access: 'write',
    url: () => `/v1/exceptions/${ids.exception}/resolve`,
    body: () => ({ reason: 'done' }),
  },
  { method: 'GET', path: '/v1/silences', access: 'read', url: () => '/v1/silences' },
  {
    method: 'POST',
    path: '/v1/silences',
    access: 'write',
    url: () => '/v1/silences',
    body: () => ({ matchers: ['a="b"'], duration: '1h', comment: 'c' }),
  },
  {
    method: 'DELETE',
    path: '/v1/silences/{id}',
    access: 'write',
    url: () => `/v1/silences/${ids.silence}`,
  },
  {
    method: 'GET',
    path: '/v1/actors/{id}/inbox',
    access: 'operate',
    url: () => '/v1/actors/hana/inbox',
  },
  {
    method: 'POST',
    path: '/v1/actors/{id}/inbox/read',
    access: 'operate',
    url: () => '/v1/actors/hana/inbox/read',
    body: () => ({ ids: ['ntf_x'] }),
  },
  {
    method: 'GET',
    path: '/v1/webhook-deliveries',
    access: 'audit',
    url: () => '/v1/webhook-deliveries',
  },
  { method: 'GET', path: '/v1/slos', access: 'read', url: () => '/v1/slos' },
  { method: 'GET', path: '/v1/slos/{name}', access: 'read', url: () => '/v1/slos/replies' },
  { method: 'GET', path: '/v1/objectives', access: 'read', url: () => '/v1/objectives' },
  {
    method: 'GET',
    path: '/v1/objectives/{id}',
    access: 'read',
    url: () => '/v1/objectives/answers',
  },
  {
    method: 'POST',
    path: '/v1/alerts/alertmanager',
    access: 'operate',
    url: () => '/v1/alerts/alertmanager',
    body: () => ({ alerts: [] }),
  },
  {
    method: 'POST',
    path: '/v1/metrics',
    access: 'write',
    url: () => '/v1/metrics',
    body: () => ({ points: [{ name: 'probe', kind: 'gauge', value: 1 }] }),
  },
  { method: 'GET', path: '/v1/metrics/series', access: 'read', url: () => '/v1/metrics/series' },
  {
    method: 'POST',
    path: '/v1/halts',
    access: 'operate',
    url: () => '/v1/halts',
    body: () => ({ scope: { kind: 'domain', id: 'billing' }, reason: 'r' }),
  },
  { method: 'GET', path: '/v1/halts', access: 'read', url: () => '/v1/halts' },
  {
    method: 'POST',
    path: '/v1/authority/check',
    access: 'read',
    url: () => '/v1/authority/check',
    body: () => ({ actorId: 'hana', action: 'claim', resource: { type: 'Domain', id: 'support' } }),
  },
  {
    method: 'GET',
    path: '/v1/authority/schema',
    access: 'read',
    url: () => '/v1/authority/schema',
  },
  {
    method: 'POST',
    path: '/v1/halts/{id}/lift',
    access: 'operate',
    url: () => '/v1/halts/hlt_x/lift',
    body: () => ({ reason: 'r' }),
  },
  {
    method: 'POST',
    path: '/v1/approvals',
    access: 'write',
    url: () => '/v1/approvals',
    body: () => ({ action: 'refund', resource: { type: 'Domain', id: 'support' } }),
  },
  { method: 'GET', path: '/v1/approvals', access: 'read', url: () => '/v1/approvals' },
  {
    method: 'GET',
    path: '/v1/approvals/{id}',
    access: 'read',
    url: () => `/v1/approvals/${ids.approval}`,
  },
  // Approvers and admins decide; the fixture's operator token is bound to no approver.
  ...(['approve', 'reject'] as const).map((verb): RouteCase => ({
    method: 'POST',
    path: `/v1/approvals/{id}/${verb}`,
    access: 'admin',
    url: () => `/v1/approvals/${ids.approval}/${verb}`,
    body: () => (verb === 'reject' ? { reason: 'r' } : {}),
    auditedAs: 'supervision.approval.decision_refused',
  })),
  {
    method: 'POST',
    path: '/v1/actions',
    access: 'write',
    url: () => '/v1/actions',
    body: () => ({ action: 'refund', resource: { type: 'Domain', id: 'support' } }),
  },
  { method: 'GET', path: '/v1/trust', access: 'read', url: () => '/v1/trust' },
  {
    method: 'GET',
    path: '/v1/trust/promotions',
    access: 'read',
    url: () => '/v1/trust/promotions',
  },
  { method: 'GET', path: '/v1/trust/{id}', access: 'read', url: () => '/v1/trust/ada' },
  {
    method: 'POST',
    path: '/v1/trust/incidents',
    access: 'operate',
    url: () => '/v1/trust/incidents',
    body: () => ({ actorId: 'ada', reason: 'r' }),
  },
  {
    method: 'POST',
    path: '/v1/trust/reversals',
    access: 'operate',
    url: () => '/v1/trust/reversals',
    body: () => ({ actorId: 'ada', reason: 'r' }),
  },
  {
    method: 'POST',
    path: '/v1/trust/levels',
    access: 'operate',
    url: () => '/v1/trust/levels',
    body: () => ({ actorId: 'ada', domainId: 'support', class: 'work', level: 1, reason: 'r' }),
  },
  ...(['approve', 'reject'] as const).map((verb): RouteCase => ({
    method: 'POST',
    path: `/v1/trust/promotions/{id}/${verb}`,
    access: 'operate',
    url: () => `/v1/trust/promotions/prm_x/${verb}`,
    body: () => ({ reason: 'r' }),
  })),
  { method: 'POST', path: '/v1/trust/rebuild', access: 'admin', url: () => '/v1/trust/rebuild' },
  { method: 'GET', path: '/v1/kpis', access: 'read', url: () => '/v1/kpis' },
  { method: 'POST', path: '/v1/kpis/rebuild', access: 'admin', url: () => '/v1/kpis/rebuild' },
  {
    method: 'POST',
    path: '/v1/pauses',
    access: 'operate',
    url: () => '/v1/pauses',
    body: () => ({ actorId: 'cat', reason: 'r' }),
  },
  { method: 'GET', path: '/v1/pauses', access: 'read', url: () => '/v1/pauses' },
  {
    method: 'POST',
    path: '/v1/pauses/{id}/lift',
    access: 'operate',
    url: () => '/v1/pauses/pau_x/lift',
    body: () => ({ reason: 'r' }),
  },
  {
    method: 'POST',
    path: '/v1/redirects',
    access: 'operate',
    url: () => '/v1/redirects',
    body: () => ({ actorId: 'cat', reason: 'r' }),
  },
  { method: 'GET', path: '/v1/redirects', access: 'read', url: () => '/v1/redirects' },
  {
    method: 'POST',
    path: '/v1/redirects/{id}/lift',
    access: 'operate',
    url: () => '/v1/redirects/rdr_x/lift',
    body: () => ({ reason: 'r' }),
  },
  { method: 'GET', path: '/v1/budgets', access: 'read', url: () => '/v1/budgets' },
];

const label = (route: RouteCase) => `${route.method} ${route.path}`;
const call = (
  route: RouteCase,
  options: { as?: Role; token?: string; headers?: Record<string, string> },
) =>
  fx.call(route.method, route.url(), {
    ...options,
    ...(route.body === undefined ? {} : { body: route.body() }),
  });

const allowed: Record<Access, readonly Role[]> = {
  read: ['admin', 'operator', 'viewer', 'agentA', 'agentB'],
  write: ['admin', 'operator', 'agentA', 'agentB'],
  admin: ['admin'],
  audit: ['admin', 'operator', 'viewer'],
  operate: ['admin', 'operator'],
};
const refusedRoles = (access: Access): Role[] =>
  (['admin', 'operator', 'viewer', 'agentA', 'agentB'] as const).filter(
    (role) => !allowed[access].includes(role),
  );

interface OpenApi {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<
    string,
    Record<string, { tags?: string[]; summary?: string; security?: unknown[] }>
  >;
  components: { securitySchemes: Record<string, unknown> };
  security: unknown[];
}

describe('the route table', () => {
  it('covers every /v1 route the server documents, and nothing else', async () => {
    const doc = json<OpenApi>(await fx.call('GET', '/docs/json'));
    const documented = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
      );
    expect(ROUTES.map(label).sort()).toEqual(documented.sort());
    for (const route of ROUTES) {
      expect(
        fx.app.hasRoute({ method: route.method, url: route.path.replace(/\{(\w+)\}/g, ':$1') }),
        label(route),
      ).toBe(true);
    }
  });
});

describe.each(ROUTES)('$method $path', (route) => {
  it('without a token: 401 problem with WWW-Authenticate: Bearer, nothing changes', async () => {
    const before = await fx.head();
    const response = await call(route, {});
    const problem = expectProblem(response, 401, 'unauthenticated');
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(problem.instance).toBe(route.url());
    expect(await fx.head()).toBe(before);
  });

  it('with a malformed Authorization header: 401, nothing changes', async () => {
    for (const authorization of [
      'Basic YWRtaW46YWRtaW4=',
      'Bearer',
      'Bearer ',
      'Bearer two words',
      'Token aut_abc',
      fx.tokens.admin.secret,
    ]) {
      const response = await expectRefusedWithoutChange(
        fx,
        () => call(route, { headers: { authorization } }),
        401,
        'unauthenticated',
      );
      expect(response.detail).toMatch(/Bearer/);
    }
  });

  it('with an unknown or revoked token: 401, nothing changes', async () => {
    for (const token of ['aut_' + 'A'.repeat(43), 'not-a-token', revoked]) {
      const problem = await expectRefusedWithoutChange(
        fx,
        () => call(route, { token }),
        401,
        'unauthenticated',
      );
      expect(problem.detail).toBe('unknown or revoked token');
    }
  });

  const refused = refusedRoles(route.access);
  if (refused.length > 0) {
    it.each(refused)(
      'with a %s token: 403, nothing changes but the attempt is audited',
      async (role) => {
        const before = await fx.head();
        const problem = expectProblem(await call(route, { as: role }), 403, 'forbidden');
        expect(problem.detail).toMatch(/token/);
        const after = await fx.eventsAfter(before);
        expect(after.map((e) => e.type)).toEqual([route.auditedAs ?? 'supervision.access.refused']);
        if (route.auditedAs === undefined)
          expect(after[0]?.payload).toMatchObject({
            via: 'http',
            operation: `${route.method} ${route.path.replace(/\{(\w+)\}/g, ':$1')}`,
            code: 'forbidden',
          });
      },
    );
  }

  if (route.method === 'GET' && route.streams !== true) {
    it.each(allowed[route.access])('with a %s token: 200 JSON', async (role) => {
      const response = await call(route, { as: role });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
    });
  }
});

describe('outside the route table', () => {
  it('answers an unknown route or method with a 404 problem', async () => {
    const problem = await expectRefusedWithoutChange(
      fx,
      () => fx.call('GET', '/v1/nothing-here', { as: 'admin' }),
      404,
      'not_found',
    );
    expect(problem.detail).toBe('no route GET /v1/nothing-here');
    await expectRefusedWithoutChange(
      fx,
      () => fx.call('DELETE', '/v1/work', { as: 'admin' }),
      404,
      'not_found',
    );
    await expectRefusedWithoutChange(
      fx,
      () => fx.call('PATCH', `/v1/work/${ids.work}`, { as: 'admin', body: { title: 'y' } }),
      404,
      'not_found',
    );
    await expectRefusedWithoutChange(fx, () => fx.call('GET', '/nothing'), 404, 'not_found');
  });

  it('accepts ids up to the documented 200 characters, and refuses longer ones with a problem', async () => {
    await expectRefusedWithoutChange(
      fx,
      () => fx.call('GET', `/v1/work/${'w'.repeat(150)}`, { as: 'admin' }),
      404,
      'not_found',
    );
    await expectRefusedWithoutChange(
      fx,
      () => fx.call('GET', `/v1/work/${'w'.repeat(200)}`, { as: 'admin' }),
      404,
      'not_found',
    );
    await expectRefusedWithoutChange(
      fx,
      () => fx.call('POST', `/v1/work/${'w'.repeat(300)}/cancel`, { as: 'admin' }),
      400,
      'validation_failed',
    );
  });

  it('answers a malformed URL with a 400 problem', async () => {
    await expectRefusedWithoutChange(
      fx,
      () => fx.call('GET', '/v1/work/%E0%A4%A', { as: 'admin' }),
      400,
      'validation_failed',
    );
  });
});

describe('health and documentation (no token needed)', () => {
  it('GET /healthz: ok', async () => {
    const response = await fx.call('GET', '/healthz');
    expect(response.statusCode).toBe(200);
    expect(json(response)).toEqual({ status: 'ok' });
  });

  it('GET /readyz: ready, with the dialect', async () => {
    const response = await fx.call('GET', '/readyz');
    expect(response.statusCode).toBe(200);
    expect(json(response)).toEqual({ status: 'ready', dialect: 'sqlite' });
  });

  it('GET /docs/json: an OpenAPI 3.1 document with every /v1 path, bearer security and problem-free health routes', async () => {
    const response = await fx.call('GET', '/docs/json');
    expect(response.statusCode).toBe(200);
    const doc = json<OpenApi>(response);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'autonomy', version: '0.1.0' });
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ bearer: [] }]);
    for (const route of ROUTES) {
      const operation = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation, label(route)).toBeDefined();
      expect(operation?.summary, label(route)).toBeTruthy();
      expect(operation?.tags?.length, label(route)).toBeGreaterThan(0);
    }
    expect(doc.paths['/healthz']?.get?.security).toEqual([]);
    expect(doc.paths['/readyz']?.get?.security).toEqual([]);
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/docs'))).toEqual([]);
  });

  it('GET /docs: serves the HTML page of the API', async () => {
    const response = await fx.call('GET', '/docs');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toMatch(/<html/i);
    expect(response.body).toContain('swagger-ui');
  });
});

describe('when the store is gone', () => {
  it('GET /readyz answers 503 and other routes a bare 500, with no internals', async () => {
    const down = await openHttpFixture();
    try {
      await down.cp.close();
      const response = await down.call('GET', '/readyz');
      const problem = expectProblem(response, 503, 'unavailable');
      expect(problem.detail).toBe('the store does not answer');
      expect(response.body).not.toMatch(/sqlite|kysely|driver/i);
      expect((await down.call('GET', '/healthz')).statusCode).toBe(200);
      // Any other failure is a bare 500 problem: no message, stack or driver detail leaks.
      const failed = expectProblem(
        await down.call('GET', '/v1/work', { as: 'admin' }),
        500,
        'internal',
      );
      expect(failed.detail).toBe('internal error');
      expect(Object.keys(failed).sort()).toEqual([
        'code',
        'detail',
        'instance',
        'status',
        'title',
        'type',
      ]);
    } finally {
      await down.close();
    }
  });
});
