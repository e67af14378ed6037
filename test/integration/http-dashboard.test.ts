import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/interfaces/http/server.js';
import {
  AGENT_A,
  createWork,
  expectProblem,
  json,
  mustAct,
  openHttpFixture,
  type HttpFixture,
} from '../support/http-fixture.js';

/** What the dashboard asks of the API beyond the rest of it: who am I, and counts per state. */
describe('the API the dashboard reads', () => {
  let fx: HttpFixture;
  beforeAll(async () => {
    fx = await openHttpFixture();
  });
  afterAll(() => fx.close());

  it('says who a token is and whether it may write', async () => {
    expect(json(await fx.call('GET', '/v1/me', { as: 'viewer' }))).toEqual({
      tokenId: fx.tokens.viewer.id,
      role: 'viewer',
      actorId: null,
      name: `token:${fx.tokens.viewer.id}`,
      canWrite: false,
    });
    expect(json(await fx.call('GET', '/v1/me', { as: 'agentA' }))).toMatchObject({
      role: 'agent',
      actorId: AGENT_A,
      name: AGENT_A,
      canWrite: true,
    });
    expectProblem(await fx.call('GET', '/v1/me'), 401, 'unauthenticated');
  });

  it('counts work per state, filtered by type and owner', async () => {
    await createWork(fx);
    await mustAct(fx, (await createWork(fx)).id, 'assign', { actorId: AGENT_A });
    await createWork(fx, { typeId: 'invoice' });
    const all = json<{ counts: Record<string, number>; total: number }>(
      await fx.call('GET', '/v1/work/counts', { as: 'viewer' }),
    );
    expect(all.counts).toMatchObject({ queued: 2, assigned: 1, done: 0 });
    expect(all.total).toBe(3);
    const tickets = json<{ total: number }>(
      await fx.call('GET', '/v1/work/counts?type=ticket', { as: 'viewer' }),
    );
    expect(tickets.total).toBe(2);
    const held = json<{ counts: Record<string, number>; total: number }>(
      await fx.call('GET', `/v1/work/counts?owner=${AGENT_A}`, { as: 'viewer' }),
    );
    expect(held).toMatchObject({ counts: { assigned: 1 }, total: 1 });
    expectProblem(
      await fx.call('GET', '/v1/work/counts?state=queued', { as: 'viewer' }),
      400,
      'validation_failed',
    );
  });

  it('lists newest first on request', async () => {
    const page = json<{ items: { id: string }[] }>(
      await fx.call('GET', '/v1/work?order=desc&limit=2', { as: 'viewer' }),
    );
    const ascending = json<{ items: { id: string }[] }>(
      await fx.call('GET', '/v1/work?limit=1000', { as: 'viewer' }),
    );
    expect(page.items.map((i) => i.id)).toEqual(
      ascending.items
        .map((i) => i.id)
        .reverse()
        .slice(0, 2),
    );
  });
});

/** What a browser sends when it navigates. */
const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('serving the dashboard', () => {
  let fx: HttpFixture;
  let app: FastifyInstance;
  let root: string;
  beforeAll(async () => {
    fx = await openHttpFixture();
    root = mkdtempSync(join(tmpdir(), `autonomy-test-p${process.pid}-web-`));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>autonomy</title>');
    writeFileSync(join(root, 'assets', 'app-abc123.js'), 'console.log(1)');
    app = await buildServer(fx.cp, { bodyLimitBytes: 65536, logLevel: 'silent', webRoot: root });
  });
  afterAll(async () => {
    await app.close();
    await fx.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers / and every client route with the entry page, revalidated on each load', async () => {
    for (const url of ['/', '/work', '/work/w123?state=queued', '/exceptions']) {
      const response = await app.inject({ method: 'GET', url, headers: { accept: HTML } });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type'], url).toMatch(/^text\/html/);
      expect(response.headers['cache-control'], url).toBe('no-cache');
      expect(response.body).toContain('<title>autonomy</title>');
    }
  });

  it('serves hashed bundles for good', async () => {
    const response = await app.inject({ method: 'GET', url: '/assets/app-abc123.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('leaves the API, its documentation and missing files alone', async () => {
    const browse = (url: string, method: 'GET' | 'POST' = 'GET') =>
      app.inject({ method, url, headers: { accept: HTML } });
    expectProblem(await browse('/v1/nothing-here'), 404, 'not_found');
    expectProblem(await browse('/assets/gone.js'), 404, 'not_found');
    expectProblem(await browse('/favicon.ico'), 404, 'not_found');
    expectProblem(await browse('/work', 'POST'), 404, 'not_found');
    // A client that does not ask for HTML asked for something that is not there.
    expectProblem(await app.inject({ method: 'GET', url: '/work' }), 404, 'not_found');
    expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200);
    const api = await app.inject({
      method: 'GET',
      url: '/v1/me',
      headers: { authorization: `Bearer ${fx.tokens.viewer.secret}` },
    });
    expect(api.json()).toMatchObject({ role: 'viewer' });
  });

  it('serves no dashboard when there is no build, and the API is the same', async () => {
    const bare = await buildServer(fx.cp, {
      bodyLimitBytes: 65536,
      logLevel: 'silent',
      webRoot: join(root, 'missing'),
    });
    try {
      expectProblem(
        await bare.inject({ method: 'GET', url: '/', headers: { accept: HTML } }),
        404,
        'not_found',
      );
      expect((await bare.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await bare.close();
    }
  });
});
