import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { kpiCsv } from '../../../performance/kpi-csv.js';
import {
  BREAKDOWN_LABELS,
  KPI_NAMES,
  type BreakdownLabel,
} from '../../../performance/read-kpis.js';
import { windowEndingNow } from '../../../performance/rollup-buckets.js';
import type { ControlPlane } from '../../../runtime/control-plane.js';
import { principalOf } from '../authenticate-request.js';
import { isoTime } from '../schemas.js';

const DAY_MS = 86_400_000;

const byParam = z
  .string()
  .optional()
  .transform((text, ctx) => {
    const labels = (text ?? '')
      .split(',')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    for (const label of labels)
      if (!(BREAKDOWN_LABELS as readonly string[]).includes(label)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown label '${label}'; one of ${BREAKDOWN_LABELS.join(', ')}`,
        });
        return z.NEVER;
      }
    return [...new Set(labels)] as BreakdownLabel[];
  })
  .describe(`comma-separated labels to break down by: ${BREAKDOWN_LABELS.join(', ')}`);

const kpiRowSchema = z.object({
  labels: z.record(z.string(), z.string()).describe('the breakdown label values'),
  values: z
    .record(z.string(), z.number().nullable())
    .describe('KPI name → value; null when the window has no data for it (not zero)'),
});

export const performanceRoutes =
  (cp: ControlPlane): FastifyPluginAsyncZod =>
  // eslint-disable-next-line @typescript-eslint/require-await -- Fastify plugins are async by contract
  async (app) => {
    app.get(
      '/kpis',
      {
        schema: {
          tags: ['performance'],
          summary: 'KPIs over a time range, with breakdowns, as JSON or CSV',
          description:
            `Computed from rollups folded from the event log (what is not folded yet is folded first), so the cost is the number of buckets in the range, not of events. Bounds are taken down to the minute. KPIs, in column order: ${KPI_NAMES.join(', ')}. ` +
            'Durations are in seconds; percentiles are within 2% of the exact nearest-rank value; ratios are null when their denominator is zero. Labels a series does not carry (an exception has no actor) group under the empty value.',
          querystring: z.strictObject({
            from: isoTime.optional().describe('start (inclusive); default: 30 days before `to`'),
            to: isoTime
              .optional()
              .describe('end (exclusive); default: the end of the current minute'),
            by: byParam,
            domain: z.string().optional().describe('only series of this domain'),
            work_type: z.string().optional().describe('only series of this work type'),
            actor: z.string().optional().describe('only series of this actor'),
            actor_kind: z.enum(['human', 'agent']).optional(),
            format: z.enum(['json', 'csv']).default('json'),
          }),
          response: {
            200: z.union([
              z.object({
                from: z.string(),
                to: z.string(),
                by: z.array(z.string()),
                rows: z.array(kpiRowSchema),
              }),
              z.string().describe('with format=csv: text/csv, a header then a line per row'),
            ]),
          },
        },
      },
      async (request, reply) => {
        const q = request.query;
        const to = q.to ?? windowEndingNow(cp.clock.now());
        const from = q.from ?? new Date(Date.parse(to) - 30 * DAY_MS).toISOString();
        const filter: Record<string, string> = {};
        for (const label of BREAKDOWN_LABELS) {
          const value = q[label];
          if (value !== undefined) filter[label] = value;
        }
        const report = await cp.performance.kpis(principalOf(request), {
          from,
          to,
          by: q.by,
          filter,
        });
        if (q.format === 'csv')
          return reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', 'attachment; filename="kpis.csv"')
            .serializer((body: string) => body)
            .send(kpiCsv(report));
        return report;
      },
    );

    app.post(
      '/kpis/rebuild',
      {
        schema: {
          tags: ['performance'],
          summary: 'Recompute every rollup from the event log (admin)',
          description:
            'Forgets the rollups and folds the whole log again, in batches; the result equals what was folded incrementally. Long on a big log.',
          response: { 200: z.object({ folded: z.number().int() }) },
        },
      },
      async (request) => ({ folded: await cp.performance.rebuild(principalOf(request)) }),
    );
  };
