import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectIssue,
  expectRefusedWithoutChange,
  json,
  openHttpFixture,
  type HttpFixture,
} from '../support/http-fixture.js';

/* Custom metric series through the API: reported, watched for anomalies, refused when wrong. */

let fx: HttpFixture;
beforeAll(async () => {
  fx = await openHttpFixture();
});
afterAll(async () => {
  await fx.close();
});

describe('POST /v1/metrics', () => {
  it('records points, scores them and lists the series', async () => {
    const response = await fx.call('POST', '/v1/metrics', {
      as: 'agentA',
      body: {
        points: [
          { name: 'orders_placed', kind: 'counter', value: 3, labels: { region: 'eu' } },
          { name: 'nps', kind: 'gauge', value: 41 },
        ],
      },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(json(response)).toEqual({
      points: [
        { series: 'orders_placed{region="eu"}', score: 0, reason: 'learning', exceptionId: null },
        { series: 'nps{}', score: 0, reason: 'learning', exceptionId: null },
      ],
    });
    const listed = await fx.call('GET', '/v1/metrics/series?origin=custom', { as: 'viewer' });
    expect(listed.statusCode, listed.body).toBe(200);
    expect(json<{ items: { key: string; points: number }[] }>(listed).items).toMatchObject([
      { key: 'nps{}', points: 1, kind: 'gauge' },
      { key: 'orders_placed{region="eu"}', points: 1, kind: 'counter', lastValue: 3 },
    ]);
    const events = await fx.call('GET', '/v1/events?type=monitoring.metric.recorded', {
      as: 'viewer',
    });
    expect(json<{ items: unknown[] }>(events).items).toHaveLength(2);
  });

  it('refuses bad points with the field named, and changes nothing', async () => {
    const bad = await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/metrics', {
          as: 'operator',
          body: { points: [{ name: 'refunds', kind: 'counter', value: -2 }] },
        }),
      400,
      'validation_failed',
    );
    expectIssue(bad, 'points.0.value');
    const shape = await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/metrics', {
          as: 'operator',
          body: { points: [{ name: 'nps', kind: 'level', value: 2 }] },
        }),
      400,
      'validation_failed',
    );
    expectIssue(shape, 'points.0.kind');
    const conflict = await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/metrics', {
          as: 'operator',
          body: { points: [{ name: 'nps', kind: 'counter', value: 2 }] },
        }),
      409,
      'conflict',
    );
    expectIssue(conflict, 'points.0.kind');
    await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/metrics', {
          as: 'viewer',
          body: { points: [{ name: 'nps', kind: 'gauge', value: 2 }] },
        }),
      403,
      'forbidden',
    );
  });
});
