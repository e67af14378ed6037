import { z } from 'zod';
import { durationSchema, idSchema, skillsSchema } from '../core/org-config.js';
import { PRIORITY_CLASSES, type Skills } from '../core/model.js';
import { skillGaps } from '../coordination/skill-gaps.js';

/** A point in simulated time, counted from the start: a duration, or 0 for the start itself. */
const offset = z.union([z.literal(0), durationSchema]);

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'a time of day as HH:MM (24h, UTC)')
  .transform((t) => {
    const [h, m] = t.split(':').map(Number) as [number, number];
    return h * 3600 + m * 60;
  });

const workingHours = z
  .strictObject({
    /** Days of the week the group works; default Monday to Friday. */
    days: z.array(z.enum(DAYS)).min(1).default(['mon', 'tue', 'wed', 'thu', 'fri']),
    from: clockTime,
    to: clockTime,
  })
  .refine((w) => w.to > w.from, { message: '`to` must be after `from`', path: ['to'] });

const outage = z.strictObject({
  at: offset,
  for: durationSchema,
  /** How many members go offline; default all of them. */
  count: z.number().int().min(1).optional(),
});

const actorGroup = z.strictObject({
  group: idSchema,
  count: z.number().int().min(1).max(10_000),
  kind: z.enum(['human', 'agent']),
  skills: skillsSchema.default({}),
  /** Items a member works on at once. */
  capacity: z.number().int().min(1).max(1000).default(1),
  /** Work done per unit of time relative to the nominal duration: 2 finishes in half the time. */
  speed: z.number().positive().max(100).default(1),
  /** Share of attempts that fail (after taking their full time). */
  failureRate: z.number().min(0).max(1).default(0),
  costPerHour: z.number().min(0).default(0),
  /** When members take new work; default always. Times are UTC. */
  workingHours: workingHours.optional(),
  outages: z.array(outage).default([]),
});

const distribution = z.discriminatedUnion('distribution', [
  z.strictObject({ distribution: z.literal('exponential'), mean: durationSchema }),
  z.strictObject({ distribution: z.literal('constant'), mean: durationSchema }),
  z.strictObject({
    distribution: z.literal('lognormal'),
    mean: durationSchema,
    /** Coefficient of variation: standard deviation ÷ mean. */
    cv: z.number().positive().max(10),
  }),
  z
    .strictObject({ distribution: z.literal('uniform'), min: durationSchema, max: durationSchema })
    .refine((d) => d.max >= d.min, { message: '`max` must be at least `min`', path: ['max'] }),
]);

const ratePerHour = z.number().min(0).max(1_000_000);
const arrivals = z.strictObject({
  /** Mean arrivals per hour (a Poisson process) outside the daily windows. */
  perHour: ratePerHour.default(0),
  /** Rates for parts of every day (UTC), e.g. business hours; they replace `perHour` there. */
  daily: z
    .array(
      z
        .strictObject({ from: clockTime, to: clockTime, perHour: ratePerHour })
        .refine((w) => w.to > w.from, { message: '`to` must be after `from`', path: ['to'] }),
    )
    .default([]),
  /** Batches arriving at once. */
  bursts: z.array(z.strictObject({ at: offset, count: z.number().int().min(1) })).default([]),
});

const value = z.union([
  z.number().min(0),
  z
    .strictObject({ min: z.number().min(0), max: z.number().min(0) })
    .refine((v) => v.max >= v.min, { message: '`max` must be at least `min`', path: ['max'] }),
]);

const stage = z.strictObject({
  id: idSchema,
  requiredSkills: skillsSchema.default({}),
  /** How long the stage's work takes at speed 1. */
  duration: distribution,
});

const workType = z.strictObject({
  id: idSchema,
  requiredSkills: skillsSchema.default({}),
  /** How long the work takes at speed 1 (for a type without stages). */
  duration: distribution.optional(),
  /** Ordered stages, each with its own skills and duration, instead of `duration`. */
  stages: z.array(stage).default([]),
  /** What the organization's configuration says to expect; default the duration's mean. */
  expectedDuration: durationSchema.optional(),
  /** Time from arrival to due date (the SLA). */
  deadline: durationSchema,
  value: value.default(1),
  /** Share of items per priority class; the rest are `normal`. */
  priorityClasses: z.partialRecord(z.enum(PRIORITY_CLASSES), z.number().min(0).max(1)).default({}),
  maxAttempts: z.number().int().min(1).max(100).default(3),
  arrivals: arrivals.optional(),
});

const flow = z.strictObject({
  id: idSchema,
  /** Due date of every item of one instance, from its arrival; default each item's own deadline. */
  deadline: durationSchema.optional(),
  arrivals,
  steps: z
    .array(
      z.strictObject({
        id: idSchema,
        workType: idSchema,
        /** Steps of the same flow that must be done first. */
        after: z.array(idSchema).default([]),
      }),
    )
    .min(1),
});

const surge = z.strictObject({
  at: offset,
  for: durationSchema,
  /** Arrival rates are multiplied by this while the surge lasts. */
  multiplier: z.number().positive().max(1000),
  /** Work types (and flows) affected; default all. */
  workTypes: z.array(idSchema).optional(),
});

/** A scenario file: the organization's actors and work, and what happens to them. */
export const scenarioSchema = z
  .strictObject({
    apiVersion: z.literal('autonomy/v1'),
    kind: z.literal('Scenario'),
    metadata: z.strictObject({ name: z.string().min(1), description: z.string().default('') }),
    /** When simulated time begins (ISO 8601); default Monday 2026-01-05 00:00 UTC. */
    start: z.iso.datetime().default('2026-01-05T00:00:00.000Z'),
    /** How long work arrives. */
    duration: durationSchema,
    /** Items arriving before this are worked on but not measured (the system warms up). */
    warmup: offset.default(0),
    /** After arrivals stop, how long the organization may go on to finish its work. */
    drain: offset.default(0),
    actors: z.array(actorGroup).min(1),
    workTypes: z.array(workType).min(1),
    flows: z.array(flow).default([]),
    surges: z.array(surge).default([]),
  })
  .superRefine((s, ctx) => {
    const unique = (ids: string[], path: string) => {
      const seen = new Set<string>();
      ids.forEach((id, i) => {
        if (seen.has(id))
          ctx.addIssue({
            code: 'custom',
            path: [...path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)), i],
            message: `duplicate id '${id}'`,
          });
        seen.add(id);
      });
    };
    unique(
      s.actors.map((a) => a.group),
      'actors',
    );
    unique(
      s.workTypes.map((t) => t.id),
      'workTypes',
    );
    unique(
      s.flows.map((f) => f.id),
      'flows',
    );
    if (s.warmup >= s.duration)
      ctx.addIssue({ code: 'custom', path: ['warmup'], message: 'must be shorter than duration' });
    const types = new Set(s.workTypes.map((t) => t.id));
    // Skill levels were checked to be 1–5 above.
    const capable = (needs: Record<string, number>) =>
      s.actors.some((a) => skillGaps(a.skills as Skills, needs as Skills).length === 0);
    s.workTypes.forEach((t, i) => {
      if ((t.duration === undefined) === (t.stages.length === 0))
        ctx.addIssue({
          code: 'custom',
          path: ['workTypes', i, t.duration === undefined ? 'duration' : 'stages'],
          message: 'a work type has either a duration or stages',
        });
      if (t.stages.length > 0 && Object.keys(t.requiredSkills).length > 0)
        ctx.addIssue({
          code: 'custom',
          path: ['workTypes', i, 'requiredSkills'],
          message: 'a work type with stages takes its skills from its stages',
        });
      unique(
        t.stages.map((st) => st.id),
        `workTypes.${i}.stages`,
      );
      t.stages.forEach((st, j) => {
        if (!capable(st.requiredSkills))
          ctx.addIssue({
            code: 'custom',
            path: ['workTypes', i, 'stages', j, 'requiredSkills'],
            message: `no actor group has the skills for stage '${st.id}'`,
          });
      });
      const shares = Object.values(t.priorityClasses).reduce((a, b) => a + b, 0);
      if (shares > 1 + 1e-9)
        ctx.addIssue({
          code: 'custom',
          path: ['workTypes', i, 'priorityClasses'],
          message: `shares add up to ${shares}, more than 1`,
        });
      if (!capable(t.requiredSkills))
        ctx.addIssue({
          code: 'custom',
          path: ['workTypes', i, 'requiredSkills'],
          message: `no actor group has the skills for work type '${t.id}'`,
        });
    });
    s.flows.forEach((f, fi) => {
      const steps = new Map(f.steps.map((step, si) => [step.id, si]));
      f.steps.forEach((step, si) => {
        if (!types.has(step.workType))
          ctx.addIssue({
            code: 'custom',
            path: ['flows', fi, 'steps', si, 'workType'],
            message: `unknown work type '${step.workType}'`,
          });
        step.after.forEach((before, bi) => {
          const at = steps.get(before);
          // Steps may only wait on earlier steps, which also rules out cycles.
          if (at === undefined || at >= si)
            ctx.addIssue({
              code: 'custom',
              path: ['flows', fi, 'steps', si, 'after', bi],
              message: `'${before}' is not an earlier step of this flow`,
            });
        });
      });
    });
    const targets = new Set([...types, ...s.flows.map((f) => f.id)]);
    s.surges.forEach((surge, i) => {
      surge.workTypes?.forEach((id, j) => {
        if (!targets.has(id))
          ctx.addIssue({
            code: 'custom',
            path: ['surges', i, 'workTypes', j],
            message: `unknown work type or flow '${id}'`,
          });
      });
    });
    s.actors.forEach((a, i) => {
      a.outages.forEach((o, j) => {
        if (o.count !== undefined && o.count > a.count)
          ctx.addIssue({
            code: 'custom',
            path: ['actors', i, 'outages', j, 'count'],
            message: `the group has only ${a.count} members`,
          });
      });
    });
  });

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type ActorGroup = Scenario['actors'][number];
export type ScenarioWorkType = Scenario['workTypes'][number];
export type Flow = Scenario['flows'][number];
export type Arrivals = z.output<typeof arrivals>;
export type Distribution = z.output<typeof distribution>;
export const WEEKDAYS = DAYS;
