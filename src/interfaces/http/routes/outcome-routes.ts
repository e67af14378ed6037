import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { KEY_RESULT_STATUSES } from '../../../core/ports/outcome-store.js';
import { SLO_STATUSES } from '../../../performance/slo/evaluate-slo.js';
import type { ControlPlane } from '../../../runtime/control-plane.js';
import { principalOf } from '../authenticate-request.js';
import { idParams } from '../schemas.js';

const selectorSchema = z
  .object({ name: z.string(), labels: z.record(z.string(), z.string()).readonly() })
  .describe('a PromQL selector with equality matchers: the metric and the labels it fixes');

const rangeSchema = z.object({
  from: z.string().describe('ISO 8601, inclusive'),
  to: z.string().describe('ISO 8601, exclusive'),
});

const sloDefinitionSchema = z.object({
  name: z.string(),
  displayName: z.string(),
  description: z.string(),
  service: z.string(),
  indicator: z.object({
    name: z.string(),
    good: selectorSchema.nullable(),
    bad: selectorSchema.nullable(),
    total: selectorSchema,
  }),
  timeWindow: z.union([
    z.object({ kind: z.literal('rolling'), seconds: z.number() }),
    z.object({
      kind: z.literal('calendar'),
      unit: z.enum(['d', 'w', 'M', 'Q', 'Y']),
      count: z.number(),
      startTime: z.string(),
    }),
  ]),
  objectives: z.array(z.object({ name: z.string(), target: z.number() })),
});

const sloSchema = z.object({
  name: z.string(),
  service: z.string(),
  status: z
    .enum(SLO_STATUSES)
    .describe(
      'no_data: nothing counted over the budget window (never shown as healthy); breached: more than the whole budget spent; burning: a burn-rate alert fires; ok: none of these',
    ),
  reason: z.string().optional().describe('why there is no data'),
  budgetWindow: rangeSchema.describe('the window the error budget is counted over'),
  total: z.number().nullable().describe('events counted over the budget window'),
  objectives: z.array(
    z.object({
      name: z.string(),
      target: z.number(),
      status: z.enum(SLO_STATUSES),
      sli: z.number().nullable().describe('good share over the budget window'),
      errorBudget: z.object({
        allowed: z.number().describe('1 − target'),
        consumed: z.number().nullable().describe('share of the budget spent (may exceed 1)'),
        remaining: z.number().nullable().describe('1 − consumed'),
      }),
      burnRates: z
        .record(z.string(), z.number().nullable())
        .describe('error ratio ÷ allowed, per window (5m, 30m, 1h, 6h, 3d)'),
      alerts: z.array(
        z.object({
          severity: z.enum(['page', 'ticket']),
          window: z.string(),
          shortWindow: z.string(),
          factor: z.number(),
          longBurnRate: z.number().nullable(),
          shortBurnRate: z.number().nullable(),
          firing: z.boolean(),
        }),
      ),
    }),
  ),
  definition: sloDefinitionSchema,
});

const snapshotSchema = z.object({
  objectiveId: z.string(),
  keyResultId: z.string(),
  at: z.string(),
  value: z.number(),
  progress: z.number(),
  forecast: z.number().nullable(),
  status: z.enum(KEY_RESULT_STATUSES),
});

const keyResultSchema = z.object({
  id: z.string(),
  name: z.string(),
  metric: selectorSchema,
  start: z.number(),
  target: z.number(),
  periodStart: z.string(),
  periodEnd: z.string(),
  windowSeconds: z
    .number()
    .nullable()
    .describe('the trailing window the metric is read over; null: the period so far'),
  evaluation: z.object({
    status: z.enum(KEY_RESULT_STATUSES),
    reason: z.string(),
    window: rangeSchema.nullable(),
    value: z.number().nullable(),
    progress: z.number().nullable().describe('(value − start) / (target − start)'),
    expectedProgress: z.number().describe('the share of the period elapsed'),
    forecast: z.number().nullable().describe("the trend's value at the period's end"),
    forecastProgress: z.number().nullable(),
    forecastMethod: z.enum(['least_squares', 'pace', 'final']).nullable(),
  }),
  history: z.array(snapshotSchema).optional(),
});

const objectiveSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  owner: z.string().nullable(),
  status: z
    .enum(KEY_RESULT_STATUSES)
    .describe('the worst status of its key results with data; no_data when none has data'),
  keyResults: z.array(keyResultSchema),
});

const nameParams = z.strictObject({ name: z.string().min(1).max(200) });

export const outcomeRoutes =
  (cp: ControlPlane): FastifyPluginAsyncZod =>
  // eslint-disable-next-line @typescript-eslint/require-await -- Fastify plugins are async by contract
  async (app) => {
    const outcomes = cp.outcomes;
    app.get(
      '/slos',
      {
        schema: {
          tags: ['performance'],
          summary: 'List SLOs with their error budgets and burn-rate alerts',
          description:
            "Every SLO the applied configuration declares (OpenSLO v1), evaluated now through the metric reader: per objective the SLI and error budget over the SLO's window, the burn rate over 5m, 30m, 1h, 6h and 3d, and the SRE workbook's multi-window alerts (page: 14.4x over 1h and 5m, 6x over 6h and 30m; ticket: 1x over 3d and 6h). An SLO without data says `no_data` with the reason.",
          response: { 200: z.object({ items: z.array(sloSchema) }) },
        },
      },
      async (request) => ({ items: await outcomes.listSlos(principalOf(request)) }),
    );
    app.get(
      '/slos/:name',
      {
        schema: {
          tags: ['performance'],
          summary: 'One SLO with its error budget and burn-rate alerts',
          params: nameParams,
          response: { 200: sloSchema },
        },
      },
      async (request) => outcomes.getSlo(principalOf(request), request.params.name),
    );
    app.get(
      '/objectives',
      {
        schema: {
          tags: ['performance'],
          summary: 'List objectives with the progress and forecast of their key results',
          description:
            "Each key result's value now, its progress ((value − start) / (target − start)), and a forecast to the period's end by least squares over its hourly history: on_track when the forecast reaches the target, at_risk from 80% of the way, off_track below; no_data without a value.",
          response: { 200: z.object({ items: z.array(objectiveSchema) }) },
        },
      },
      async (request) => ({ items: await outcomes.listObjectives(principalOf(request)) }),
    );
    app.get(
      '/objectives/:id',
      {
        schema: {
          tags: ['performance'],
          summary: 'One objective, its key results and their history',
          description:
            "As in the list, with each key result's snapshots in its period (at most one an hour), oldest first.",
          params: idParams,
          response: { 200: objectiveSchema },
        },
      },
      async (request) => outcomes.getObjective(principalOf(request), request.params.id),
    );
  };
