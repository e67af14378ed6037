import { z } from 'zod';
import { formatMetricSelector, parseMetricSelector } from './metric-selector.js';
import type { MetricSelector } from './metric.js';

/**
 * Service level objectives as OpenSLO v1 writes them (https://openslo.com), the subset the
 * system can compute from its own metrics: an `SLO` whose indicator is a ratio of counters
 * (good or bad over total) read through the metric reader, over a rolling or calendar window,
 * budgeted by occurrences. What it cannot compute is refused by name rather than ignored.
 */

/** OpenSLO's duration shorthand: minutes, hours, days, weeks, months, quarters, years. */
const OPENSLO_DURATION = /^([1-9][0-9]*)(m|h|d|w|M|Q|Y)$/;
const FIXED_UNIT_SECONDS: Readonly<Record<string, number>> = {
  m: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
};

const nameSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,62}$/,
    'lowercase letters, digits, ".", "_" or "-", at most 63 characters',
  );

export const metricSelectorSchema = z.string().transform((text, ctx): MetricSelector => {
  const parsed = parseMetricSelector(text);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: parsed.error });
    return z.NEVER;
  }
  return parsed.value;
});

const metadataSchema = z.strictObject({
  name: nameSchema,
  displayName: z.string().optional(),
  labels: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

const metricSourceSchema = z.strictObject({
  metricSource: z.strictObject({
    type: z.literal('autonomy', {
      error:
        "only metric sources of type 'autonomy' are supported (the system's own metrics, read with spec.query)",
    }),
    spec: z.strictObject({ query: metricSelectorSchema }),
  }),
});

const ratioMetricSchema = z
  .strictObject({
    counter: z.literal(true, {
      error: 'only counters are supported (counter: true): the ratio is taken of increases',
    }),
    good: metricSourceSchema.optional(),
    bad: metricSourceSchema.optional(),
    total: metricSourceSchema,
  })
  .superRefine((ratio, ctx) => {
    if ((ratio.good === undefined) === (ratio.bad === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ratio.good === undefined ? ['good'] : ['bad'],
        message: 'give exactly one of good or bad, beside total',
      });
  });

const sliSpecSchema = z
  .strictObject({
    description: z.string().optional(),
    ratioMetric: ratioMetricSchema.optional(),
    thresholdMetric: z.unknown().optional(),
  })
  .superRefine((spec, ctx) => {
    if (spec.thresholdMetric !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['thresholdMetric'],
        message: 'threshold indicators are not supported; use a ratioMetric (good or bad / total)',
      });
    else if (spec.ratioMetric === undefined)
      ctx.addIssue({ code: 'custom', path: ['ratioMetric'], message: 'missing required field' });
  });

const timeWindowSchema = z
  .strictObject({
    duration: z
      .string()
      .regex(OPENSLO_DURATION, 'a duration such as 28d, 4w, 1M, 1Q or 1Y (units m h d w M Q Y)'),
    isRolling: z.boolean(),
    calendar: z
      .strictObject({
        startTime: z.string(),
        timeZone: z.string(),
      })
      .optional(),
  })
  .superRefine((window, ctx) => {
    const unit = OPENSLO_DURATION.exec(window.duration)?.[2];
    if (window.isRolling) {
      if (window.calendar !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['calendar'],
          message: 'a rolling window has no calendar (set isRolling: false for one)',
        });
      if (unit !== undefined && FIXED_UNIT_SECONDS[unit] === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['duration'],
          message: 'a rolling window is counted in m, h, d or w (28d rather than 1M)',
        });
      return;
    }
    if (window.calendar === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['calendar'],
        message: 'a calendar window (isRolling: false) needs calendar.startTime and timeZone',
      });
      return;
    }
    if (!['UTC', 'Etc/UTC'].includes(window.calendar.timeZone))
      ctx.addIssue({
        code: 'custom',
        path: ['calendar', 'timeZone'],
        message: 'only UTC calendars are supported',
      });
    if (calendarStart(window.calendar.startTime) === null)
      ctx.addIssue({
        code: 'custom',
        path: ['calendar', 'startTime'],
        message: "a time such as '2026-01-01 00:00:00' or an ISO 8601 timestamp",
      });
    if (unit === 'm' || unit === 'h')
      ctx.addIssue({
        code: 'custom',
        path: ['duration'],
        message: 'a calendar window is counted in d, w, M, Q or Y',
      });
  });

const objectiveSchema = z
  .strictObject({
    displayName: z.string().min(1).optional(),
    target: z.number().gt(0).lt(1).optional(),
    targetPercent: z.number().gt(0).lt(100).optional(),
  })
  .superRefine((objective, ctx) => {
    if ((objective.target === undefined) === (objective.targetPercent === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['target'],
        message: 'give exactly one of target (0 < t < 1) or targetPercent (0 < p < 100)',
      });
  });

const sloSpecSchema = z
  .strictObject({
    description: z.string().optional(),
    service: z.string().min(1),
    indicator: z.strictObject({ metadata: metadataSchema, spec: sliSpecSchema }).optional(),
    indicatorRef: nameSchema.optional(),
    timeWindow: z.array(timeWindowSchema).length(1, 'give exactly one time window'),
    budgetingMethod: z.literal('Occurrences', {
      error: 'only budgetingMethod: Occurrences is supported (not Timeslices or RatioTimeslices)',
    }),
    objectives: z.array(objectiveSchema).min(1, 'give at least one objective'),
    alertPolicies: z.array(z.unknown()).optional(),
  })
  .superRefine((spec, ctx) => {
    if ((spec.indicator === undefined) === (spec.indicatorRef === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['indicator'],
        message: 'give exactly one of indicator (inline) or indicatorRef (an SLI of the same set)',
      });
    if ((spec.alertPolicies ?? []).length > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['alertPolicies'],
        message:
          "alert policies are not supported: burn-rate alerts follow the SRE workbook's windows (see docs/performance.md)",
      });
    const seen = new Set<string>();
    spec.objectives.forEach((objective, index) => {
      const name = objectiveName(objective);
      if (seen.has(name))
        ctx.addIssue({
          code: 'custom',
          path: ['objectives', index, 'displayName'],
          message: `duplicate objective '${name}'`,
        });
      seen.add(name);
    });
  });

const header = {
  apiVersion: z.literal('openslo/v1', { error: "apiVersion must be 'openslo/v1'" }),
};

export const openSloDocumentSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      ...header,
      kind: z.literal('SLO'),
      metadata: metadataSchema,
      spec: sloSpecSchema,
    }),
    z.strictObject({
      ...header,
      kind: z.literal('SLI'),
      metadata: metadataSchema,
      spec: sliSpecSchema,
    }),
    // A set often declares its services; they carry nothing the system uses, so pass.
    z.strictObject({
      ...header,
      kind: z.literal('Service'),
      metadata: metadataSchema,
      spec: z.strictObject({ description: z.string().optional() }).optional(),
    }),
  ],
  { error: 'kind must be SLO, SLI or Service (other OpenSLO kinds are not supported)' },
);

export type OpenSloDocument = z.output<typeof openSloDocumentSchema>;
export type OpenSloDocumentInput = z.input<typeof openSloDocumentSchema>;
type SliSpec = z.output<typeof sliSpecSchema>;

/** The window an SLO's error budget is counted over. */
export type SloTimeWindow =
  | { kind: 'rolling'; seconds: number }
  | {
      kind: 'calendar';
      /** `d`, `w`, `M` (month), `Q` (quarter) or `Y` (year), `count` of them per period. */
      unit: 'd' | 'w' | 'M' | 'Q' | 'Y';
      count: number;
      /** Where the first period starts (UTC): periods follow each other from there. */
      startTime: string;
    };

/** The ratio an indicator measures: `good / total`, or `1 - bad / total`. */
export interface SloIndicator {
  /** The SLI's own name (inline or referenced). */
  name: string;
  good: MetricSelector | null;
  bad: MetricSelector | null;
  total: MetricSelector;
}

/** An SLO as stored and evaluated; see toOpenSloDocument for the way back. */
export interface SloDefinition {
  name: string;
  displayName: string;
  description: string;
  service: string;
  indicator: SloIndicator;
  timeWindow: SloTimeWindow;
  /** Each target is evaluated, budgeted and alerted on by itself. */
  objectives: { name: string; target: number }[];
}

/** `2026-01-01 00:00:00` (OpenSLO's own form, read as UTC) or ISO 8601; null if unreadable. */
function calendarStart(text: string): string | null {
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text)
    ? `${text.replace(' ', 'T')}Z`
    : /^\d{4}-\d{2}-\d{2}$/.test(text)
      ? `${text}T00:00:00Z`
      : text;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

interface ObjectiveInput {
  displayName?: string | undefined;
  target?: number | undefined;
  targetPercent?: number | undefined;
}

function objectiveName(objective: ObjectiveInput): string {
  return objective.displayName ?? String(objectiveTarget(objective));
}

function objectiveTarget(objective: ObjectiveInput): number {
  // A percentage divided by 100 carries float noise (99.9 / 100 = 0.9990000000000001).
  return objective.target ?? Number(((objective.targetPercent ?? 0) / 100).toFixed(12));
}

/** A problem found across documents: which one (its index in the set) and where in it. */
export interface OpenSloIssue {
  document: number;
  path: (string | number)[];
  message: string;
}

function toIndicator(name: string, spec: SliSpec): SloIndicator {
  const ratio = spec.ratioMetric;
  if (ratio === undefined) throw new Error(`SLI '${name}' has no ratioMetric`);
  return {
    name,
    good: ratio.good?.metricSource.spec.query ?? null,
    bad: ratio.bad?.metricSource.spec.query ?? null,
    total: ratio.total.metricSource.spec.query,
  };
}

function toTimeWindow(window: z.output<typeof timeWindowSchema>): SloTimeWindow {
  const [, count, unit] = OPENSLO_DURATION.exec(window.duration) as unknown as [
    string,
    string,
    string,
  ];
  if (window.isRolling)
    return { kind: 'rolling', seconds: Number(count) * (FIXED_UNIT_SECONDS[unit] as number) };
  return {
    kind: 'calendar',
    unit: unit as 'd' | 'w' | 'M' | 'Q' | 'Y',
    count: Number(count),
    startTime: calendarStart(window.calendar?.startTime ?? '') as string,
  };
}

/**
 * Resolves a set of valid documents (every file an organization names) into SLO definitions:
 * an `indicatorRef` names an SLI of the same set; SLO and SLI names are unique in the set.
 * Problems name the document and the path within it.
 */
export function resolveOpenSlo(documents: readonly OpenSloDocument[]): {
  slos: SloDefinition[];
  issues: OpenSloIssue[];
} {
  const issues: OpenSloIssue[] = [];
  const slis = new Map<string, SliSpec>();
  const sloNames = new Set<string>();
  documents.forEach((doc, index) => {
    if (doc.kind === 'SLI') {
      if (slis.has(doc.metadata.name))
        issues.push({
          document: index,
          path: ['metadata', 'name'],
          message: `duplicate SLI '${doc.metadata.name}'`,
        });
      slis.set(doc.metadata.name, doc.spec);
    }
  });
  const slos: SloDefinition[] = [];
  documents.forEach((doc, index) => {
    if (doc.kind !== 'SLO') return;
    if (sloNames.has(doc.metadata.name)) {
      issues.push({
        document: index,
        path: ['metadata', 'name'],
        message: `duplicate SLO '${doc.metadata.name}'`,
      });
      return;
    }
    sloNames.add(doc.metadata.name);
    const spec = doc.spec;
    let indicator: SloIndicator;
    if (spec.indicator !== undefined)
      indicator = toIndicator(spec.indicator.metadata.name, spec.indicator.spec);
    else {
      const ref = spec.indicatorRef as string;
      const sli = slis.get(ref);
      if (sli === undefined) {
        issues.push({
          document: index,
          path: ['spec', 'indicatorRef'],
          message: `no SLI named '${ref}' in the set`,
        });
        return;
      }
      indicator = toIndicator(ref, sli);
    }
    slos.push({
      name: doc.metadata.name,
      displayName: doc.metadata.displayName ?? doc.metadata.name,
      description: spec.description ?? '',
      service: spec.service,
      indicator,
      timeWindow: toTimeWindow(spec.timeWindow[0] as z.output<typeof timeWindowSchema>),
      objectives: spec.objectives.map((objective) => ({
        name: objectiveName(objective),
        target: objectiveTarget(objective),
      })),
    });
  });
  return { slos, issues };
}

function formatWindowDuration(window: SloTimeWindow): string {
  if (window.kind === 'calendar') return `${window.count}${window.unit}`;
  for (const [unit, size] of [
    ['w', 604_800],
    ['d', 86_400],
    ['h', 3600],
  ] as const)
    if (window.seconds % size === 0) return `${window.seconds / size}${unit}`;
  return `${Math.round(window.seconds / 60)}m`;
}

/** An SLO back as one OpenSLO document with its indicator inline: what export writes. */
export function toOpenSloDocument(slo: SloDefinition): OpenSloDocumentInput {
  const source = (selector: MetricSelector) => ({
    metricSource: {
      type: 'autonomy' as const,
      spec: { query: formatMetricSelector(selector) },
    },
  });
  const { good, bad, total } = slo.indicator;
  return {
    apiVersion: 'openslo/v1',
    kind: 'SLO',
    metadata: {
      name: slo.name,
      ...(slo.displayName === slo.name ? {} : { displayName: slo.displayName }),
    },
    spec: {
      ...(slo.description === '' ? {} : { description: slo.description }),
      service: slo.service,
      indicator: {
        metadata: { name: slo.indicator.name },
        spec: {
          ratioMetric: {
            counter: true,
            ...(good === null ? {} : { good: source(good) }),
            ...(bad === null ? {} : { bad: source(bad) }),
            total: source(total),
          },
        },
      },
      timeWindow: [
        slo.timeWindow.kind === 'rolling'
          ? { duration: formatWindowDuration(slo.timeWindow), isRolling: true }
          : {
              duration: formatWindowDuration(slo.timeWindow),
              isRolling: false,
              calendar: { startTime: slo.timeWindow.startTime, timeZone: 'UTC' },
            },
      ],
      budgetingMethod: 'Occurrences',
      objectives: slo.objectives.map((o) => ({ displayName: o.name, target: o.target })),
    },
  };
}
