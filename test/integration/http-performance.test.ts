import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import {
  AGENT_A,
  createWork,
  expectIssue,
  expectProblem,
  json,
  mustAct,
  openHttpFixture,
  type HttpFixture,
} from '../support/http-fixture.js';

const clock = new ManualClock('2026-04-01T08:00:00.000Z');
let fx: HttpFixture;

interface Report {
  from: string;
  to: string;
  by: string[];
  rows: { labels: Record<string, string>; values: Record<string, number | null> }[];
}

beforeAll(async () => {
  fx = await openHttpFixture({ clock });
  const item = await createWork(fx);
  await createWork(fx);
  clock.advance(5 * 60_000);
  await mustAct(fx, item.id, 'assign', { actorId: AGENT_A });
  await mustAct(fx, item.id, 'start', undefined, 'agentA');
  clock.advance(15 * 60_000);
  await mustAct(fx, item.id, 'complete', undefined, 'agentA');
  clock.advance(60_000);
});
afterAll(async () => {
  await fx.close();
});

describe('GET /v1/kpis', () => {
  it('gives the KPIs of the last 30 days by default, broken down as asked', async () => {
    const response = await fx.call('GET', '/v1/kpis?by=domain,actor_kind', { as: 'viewer' });
    expect(response.statusCode, response.body).toBe(200);
    const report = json<Report>(response);
    expect(report.to).toBe('2026-04-01T08:22:00.000Z');
    expect(report.by).toEqual(['domain', 'actor_kind']);
    const all = report.rows.filter((r) => r.labels.domain === 'support');
    const agent = all.find((r) => r.labels.actor_kind === 'agent');
    expect(agent?.values).toMatchObject({ work_completed_total: 1, autonomy_ratio: 0 });
    const arrivals = all.reduce((s, r) => s + (r.values.work_arrived_total ?? 0), 0);
    expect(arrivals).toBe(2);
  });

  it('exports CSV with a header of labels and KPIs, empty cells for no data', async () => {
    const response = await fx.call(
      'GET',
      '/v1/kpis?from=2026-04-01T08:00:00Z&to=2026-04-01T09:00:00Z&by=work_type&format=csv',
      { as: 'viewer' },
    );
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    const [header, row] = response.body.split('\r\n');
    expect(header?.split(',').slice(0, 4)).toEqual([
      'work_type',
      'work_arrived_total',
      'work_completed_total',
      'throughput_per_hour',
    ]);
    expect(row?.split(',').slice(0, 4)).toEqual(['ticket', '2', '1', '1']);
    expect(row).toMatch(/,,/);
  });

  it('refuses an unknown breakdown label and an empty window, naming the field', async () => {
    const badBy = await fx.call('GET', '/v1/kpis?by=colour', { as: 'viewer' });
    expectIssue(expectProblem(badBy, 400, 'validation_failed'), 'querystring.by');
    const empty = await fx.call(
      'GET',
      '/v1/kpis?from=2026-04-01T09:00:00Z&to=2026-04-01T08:00:00Z',
      { as: 'viewer' },
    );
    expectIssue(expectProblem(empty, 400, 'validation_failed'), 'to');
    expect((await fx.call('GET', '/v1/kpis')).statusCode).toBe(401);
  });

  it('rebuilds for admins only, to the same figures', async () => {
    const before = json<Report>(await fx.call('GET', '/v1/kpis?by=actor', { as: 'viewer' }));
    expect((await fx.call('POST', '/v1/kpis/rebuild', { as: 'operator' })).statusCode).toBe(403);
    const rebuilt = await fx.call('POST', '/v1/kpis/rebuild', { as: 'admin' });
    expect(rebuilt.statusCode, rebuilt.body).toBe(200);
    expect(json<{ folded: number }>(rebuilt).folded).toBeGreaterThan(0);
    expect(json<Report>(await fx.call('GET', '/v1/kpis?by=actor', { as: 'viewer' }))).toEqual(
      before,
    );
  });
});

describe('GET /metrics', () => {
  it('exposes the counters and KPIs in the Prometheus text format', async () => {
    const response = await fx.call('GET', '/metrics', { as: 'viewer' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toContain('# TYPE autonomy_work_arrived_total counter');
    expect(response.body).toMatch(
      /autonomy_work_arrived_total\{domain="support",work_type="ticket"\} 2/,
    );
    expect(response.body).toMatch(
      /autonomy_work_in_progress\{domain="support",work_type="ticket"\} 1/,
    );
    expect(response.body).toMatch(/autonomy_autonomy_ratio\{domain="support"\} 0/);
    expect((await fx.call('GET', '/metrics')).statusCode).toBe(401);
  });

  it('exports custom series under their names: a counter its total, a gauge its latest point', async () => {
    const post = (points: unknown[]) =>
      fx.call('POST', '/v1/metrics', { as: 'agentA', body: { points } });
    const at = (minutes: number) =>
      new Date(clock.now().getTime() - minutes * 60_000).toISOString();
    expect(
      (
        await post([
          { name: 'orders_placed', kind: 'counter', value: 3, labels: { region: 'eu' }, at: at(3) },
          { name: 'orders_placed', kind: 'counter', value: 4, labels: { region: 'eu' }, at: at(2) },
          { name: 'orders_placed', kind: 'counter', value: 5, labels: { region: 'us' }, at: at(2) },
          { name: 'nps', kind: 'gauge', value: 40, at: at(3) },
          { name: 'nps', kind: 'gauge', value: 42, at: at(1) },
        ])
      ).statusCode,
    ).toBe(200);
    const response = await fx.call('GET', '/metrics', { as: 'viewer' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.body).toContain('# TYPE orders_placed counter');
    expect(response.body).toMatch(/^orders_placed\{region="eu"\} 7$/m);
    expect(response.body).toMatch(/^orders_placed\{region="us"\} 5$/m);
    expect(response.body).toContain('# TYPE nps gauge');
    expect(response.body).toMatch(/^nps 42$/m);
  });
});
