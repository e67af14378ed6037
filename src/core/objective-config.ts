import { z } from 'zod';
import { formatDuration, parseDuration } from './duration.js';
import { formatMetricSelector } from './metric-selector.js';
import type { MetricSelector } from './metric.js';
import { metricSelectorSchema } from './slo-config.js';

/**
 * Outcomes as code: objectives with key results, written inline in `org.yaml`. A key result
 * names a metric (a selector the metric reader answers), where it starts, where it should be,
 * and the period to get there; performance computes its progress and forecast.
 */

const keyId = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,62}$/,
    'lowercase letters, digits, ".", "_" or "-", at most 63 characters',
  );

/** A date (`2026-01-01`, midnight UTC) or an ISO 8601 timestamp, normalized to ISO. */
const instantSchema = z.string().transform((text, ctx) => {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}/.test(text)) {
    ctx.addIssue({ code: 'custom', message: `'${text}' is not a date (2026-01-01) or timestamp` });
    return z.NEVER;
  }
  return new Date(ms).toISOString();
});

const periodSchema = z
  .strictObject({ from: instantSchema, to: instantSchema })
  .superRefine((period, ctx) => {
    if (Date.parse(period.to) <= Date.parse(period.from))
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'the period ends after it starts' });
  });

const keyResultSchema = z
  .strictObject({
    id: keyId,
    name: z.string().min(1),
    /** A selector such as `sla_attainment{domain="support"}`. */
    metric: metricSelectorSchema,
    start: z.number(),
    target: z.number(),
    /** Defaults to the objective's period. */
    period: periodSchema.optional(),
    /** Read the metric over this trailing window; by default over the period so far. */
    window: z
      .union([z.string(), z.number()])
      .transform((value, ctx) => {
        const seconds = parseDuration(value);
        if (seconds === null) {
          ctx.addIssue({ code: 'custom', message: `'${value}' is not a duration (e.g. 7d)` });
          return z.NEVER;
        }
        return seconds;
      })
      .optional(),
  })
  .superRefine((kr, ctx) => {
    if (kr.start === kr.target)
      ctx.addIssue({
        code: 'custom',
        path: ['target'],
        message: 'the target differs from the start (there is no way to measure progress)',
      });
  });

export const objectiveSchema = z
  .strictObject({
    id: keyId,
    name: z.string().min(1),
    description: z.string().default(''),
    /** The actor accountable for it. */
    owner: keyId.optional(),
    period: periodSchema.optional(),
    keyResults: z.array(keyResultSchema).min(1, 'give at least one key result'),
  })
  .superRefine((objective, ctx) => {
    const seen = new Set<string>();
    objective.keyResults.forEach((kr, index) => {
      if (seen.has(kr.id))
        ctx.addIssue({
          code: 'custom',
          path: ['keyResults', index, 'id'],
          message: `duplicate key result id '${kr.id}'`,
        });
      seen.add(kr.id);
      if (kr.period === undefined && objective.period === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['keyResults', index, 'period'],
          message: 'give the key result a period (from, to), or its objective one',
        });
    });
  });

export type ObjectiveConfig = z.output<typeof objectiveSchema>;
export type ObjectiveConfigInput = z.input<typeof objectiveSchema>;

export interface KeyResult {
  id: string;
  name: string;
  metric: MetricSelector;
  start: number;
  target: number;
  /** ISO 8601: the period's first instant and the instant it ends (exclusive). */
  periodStart: string;
  periodEnd: string;
  /** The trailing window the metric is read over, in seconds; null for "since periodStart". */
  windowSeconds: number | null;
}

export interface Objective {
  id: string;
  name: string;
  description: string;
  owner: string | null;
  keyResults: KeyResult[];
}

export function toObjective(config: ObjectiveConfig): Objective {
  return {
    id: config.id,
    name: config.name,
    description: config.description,
    owner: config.owner ?? null,
    keyResults: config.keyResults.map((kr) => {
      const period = (kr.period ?? config.period) as { from: string; to: string };
      return {
        id: kr.id,
        name: kr.name,
        metric: kr.metric,
        start: kr.start,
        target: kr.target,
        periodStart: period.from,
        periodEnd: period.to,
        windowSeconds: kr.window ?? null,
      };
    }),
  };
}

/** The way back, for export: every key result with its own period. */
export function toObjectiveDocument(objective: Objective): ObjectiveConfigInput {
  return {
    id: objective.id,
    name: objective.name,
    ...(objective.description === '' ? {} : { description: objective.description }),
    ...(objective.owner === null ? {} : { owner: objective.owner }),
    keyResults: objective.keyResults.map((kr) => ({
      id: kr.id,
      name: kr.name,
      metric: formatMetricSelector(kr.metric),
      start: kr.start,
      target: kr.target,
      period: { from: kr.periodStart, to: kr.periodEnd },
      ...(kr.windowSeconds === null ? {} : { window: formatDuration(kr.windowSeconds) }),
    })),
  };
}
