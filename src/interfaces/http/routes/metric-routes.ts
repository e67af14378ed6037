import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { METRIC_KINDS } from '../../../core/metric.js';
import type { ControlPlane } from '../../../runtime/control-plane.js';
import { principalOf } from '../authenticate-request.js';
import { cursorPage, limitParam, page } from '../schemas.js';

const pointSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(200)
    .describe(
      'the metric, named as Prometheus names them; names starting with work_, exceptions_ or autonomy_ are the system’s own',
    ),
  kind: z
    .enum(METRIC_KINDS)
    .describe(
      '`counter`: the value is an increment (never negative), a window sums them; `gauge`: the value is the level at that time',
    ),
  value: z.number(),
  labels: z
    .record(z.string(), z.string().max(200))
    .optional()
    .describe('label name → value; the name and labels make the series'),
  at: z
    .string()
    .optional()
    .describe('when it was observed (ISO 8601); default now, at most 5 minutes ahead'),
});

const seriesSchema = z.object({
  key: z.string().describe('the name and labels, canonical: `orders_total{region="eu"}`'),
  name: z.string(),
  kind: z.enum(METRIC_KINDS),
  labels: z.record(z.string(), z.string()),
  origin: z
    .enum(['custom', 'builtin'])
    .describe(
      '`custom`: posted here; `builtin`: a per-minute count monitoring derives from events',
    ),
  points: z.number().int().describe('points scored by the anomaly detector'),
  lastValue: z.number(),
  lastAt: z.string(),
  lastScore: z.number().describe('anomaly score of the last point, 0 to 1'),
  quietPoints: z.number().int().describe('points in a row below the anomaly threshold'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const metricRoutes =
  (cp: ControlPlane): FastifyPluginAsyncZod =>
  // eslint-disable-next-line @typescript-eslint/require-await -- Fastify plugins are async by contract
  async (app) => {
    app.post(
      '/metrics',
      {
        schema: {
          tags: ['monitoring'],
          summary: 'Report points of custom metric series',
          description:
            'For outcomes the system cannot see itself (revenue, NPS, orders). All points or none: each becomes a `monitoring.metric.recorded` event (rolled up by performance) and is scored by its series’ streaming anomaly detector; a score at or above the threshold raises a `MetricAnomaly` exception (labels: the series’ labels, `metric`, `alertname`, `severity`), routed like any other, which resolves itself after a run of normal points. A point older than the series’ last scored point is recorded but not scored (the detector is causal).',
          body: z.strictObject({ points: z.array(pointSchema).min(1).max(1000) }),
          response: {
            200: z.object({
              points: z.array(
                z.object({
                  series: z.string(),
                  score: z.number().nullable().describe('null when not scored'),
                  reason: z.string().describe('why the score is what it is'),
                  exceptionId: z
                    .string()
                    .nullable()
                    .describe('the MetricAnomaly exception the point raised or still holds'),
                }),
              ),
            }),
          },
        },
      },
      async (request) => ({
        points: await cp.monitoring.recordMetrics(principalOf(request), request.body.points),
      }),
    );

    app.get(
      '/metrics/series',
      {
        schema: {
          tags: ['monitoring'],
          summary: 'The series watched for anomalies, in key order, with cursor paging',
          querystring: z.strictObject({
            name: z.string().optional(),
            origin: z.enum(['custom', 'builtin']).optional(),
            after: z.string().optional().describe('cursor: the nextCursor of the previous page'),
            limit: limitParam,
          }),
          response: { 200: page(seriesSchema) },
        },
      },
      async (request) => {
        const q = request.query;
        const items = await cp.monitoring.listSeries(principalOf(request), q);
        return cursorPage(items, q.limit, (item) => item.key);
      },
    );
  };
