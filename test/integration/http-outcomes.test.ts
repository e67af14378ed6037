import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { ObjectiveView, SloView } from '../../src/runtime/outcome-service.js';
import { FakeMetricReader } from '../support/fake-metric-reader.js';
import {
  expectRefusedWithoutChange,
  HTTP_ORG,
  HTTP_OUTCOMES,
  json,
  openHttpFixture,
  type HttpFixture,
} from '../support/http-fixture.js';

let fx: HttpFixture;
const reader = new FakeMetricReader();
const clock = new ManualClock('2026-01-31T00:00:00.000Z');

beforeAll(async () => {
  fx = await openHttpFixture({ clock, metricReader: reader });
  // 1,000 replies with a due date in the week, 950 of them on time; 300 replies this quarter.
  reader
    .add('work_completed_with_due_total', { domain: 'support' }, '2026-01-30T00:00:00Z', 1000)
    .add('work_completed_within_sla_total', { domain: 'support' }, '2026-01-30T00:00:00Z', 950)
    .add('work_completed_total', { domain: 'support' }, '2026-01-10T00:00:00Z', 300);
});
afterAll(async () => {
  await fx.close();
});

describe('SLOs and objectives over HTTP', () => {
  it('applies them inline through /v1/config/apply, each in the diff', async () => {
    const response = await fx.call('POST', '/v1/config/apply', {
      as: 'admin',
      body: { ...HTTP_ORG, ...HTTP_OUTCOMES },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(json<{ changes: unknown[] }>(response).changes).toEqual([
      { kind: 'slo', id: 'replies', change: 'added' },
      { kind: 'objective', id: 'answers', change: 'added' },
    ]);
  });

  it('refuses a path (only a file apply reads files) and an unsupported SLO, naming the field', async () => {
    const [slo] = HTTP_OUTCOMES.slos as Record<string, unknown>[];
    const problem = await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/config/apply', {
          as: 'admin',
          body: {
            ...HTTP_ORG,
            slos: [
              'slos/replies.yaml',
              { ...slo, spec: { ...(slo?.spec as object), budgetingMethod: 'Timeslices' } },
            ],
          },
        }),
      422,
      'invalid_config',
    );
    expect(problem.errors).toEqual([
      {
        path: 'slos.0',
        message:
          'a path to an OpenSLO file is read only when applying a file (autonomy apply -f); give the document inline',
      },
      {
        path: 'slos.1.spec.budgetingMethod',
        message:
          'only budgetingMethod: Occurrences is supported (not Timeslices or RatioTimeslices)',
      },
    ]);
  });

  it('GET /v1/slos and /v1/slos/{name}: the error budget and the burn-rate alerts', async () => {
    const list = json<{ items: SloView[] }>(await fx.call('GET', '/v1/slos', { as: 'viewer' }));
    expect(list.items.map((s) => [s.name, s.status])).toEqual([['replies', 'ok']]);
    const slo = json<SloView>(await fx.call('GET', '/v1/slos/replies', { as: 'viewer' }));
    // 50 late of 1,000 against 10% allowed: half the budget spent.
    expect(slo.total).toBe(1000);
    expect(slo.objectives[0]?.sli).toBeCloseTo(0.95, 12);
    expect(slo.objectives[0]?.errorBudget.remaining).toBeCloseTo(0.5, 12);
    expect(slo.objectives[0]?.alerts.map((a) => [a.severity, a.window, a.firing])).toEqual([
      ['page', '1h', false],
      ['page', '6h', false],
      ['ticket', '3d', false],
    ]);
    expect(slo.definition.indicator.total).toEqual({
      name: 'work_completed_with_due_total',
      labels: { domain: 'support' },
    });
    await expectRefusedWithoutChange(
      fx,
      () => fx.call('GET', '/v1/slos/nope', { as: 'viewer' }),
      404,
      'not_found',
    );
  });

  it('GET /v1/objectives and /v1/objectives/{id}: progress, forecast and history', async () => {
    await fx.cp.outcomes.evaluate();
    const list = json<{ items: ObjectiveView[] }>(
      await fx.call('GET', '/v1/objectives', { as: 'viewer' }),
    );
    expect(list.items.map((o) => [o.id, o.status])).toEqual([['answers', 'on_track']]);
    expect(list.items[0]?.keyResults[0]?.history).toBeUndefined();
    const one = json<ObjectiveView>(
      await fx.call('GET', '/v1/objectives/answers', { as: 'viewer' }),
    );
    expect(one.keyResults[0]?.evaluation).toMatchObject({
      status: 'on_track',
      value: 300,
      forecast: 900,
      forecastMethod: 'pace',
    });
    expect(one.keyResults[0]?.history?.map((s) => [s.at, s.value])).toEqual([
      ['2026-01-31T00:00:00.000Z', 300],
    ]);
    await expectRefusedWithoutChange(
      fx,
      () => fx.call('GET', '/v1/objectives/nope', { as: 'viewer' }),
      404,
      'not_found',
    );
  });

  it('applying the same SLOs and objectives again changes nothing', async () => {
    const response = await fx.call('POST', '/v1/config/apply', {
      as: 'admin',
      body: { ...HTTP_ORG, ...HTTP_OUTCOMES },
    });
    expect(json<{ applied: boolean; changes: unknown[] }>(response)).toMatchObject({
      applied: false,
      changes: [],
    });
  });
});
