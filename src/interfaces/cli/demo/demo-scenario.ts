import { z } from 'zod';
import { parseDuration } from '../../../core/duration.js';
import { PRIORITY_CLASSES } from '../../../core/model.js';

/** A duration as written (`3s`, `2m`), in seconds. */
const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const seconds = parseDuration(value);
  if (seconds === null) {
    ctx.addIssue({ code: 'custom', message: 'a duration such as 5s, 2m or 1h' });
    return z.NEVER;
  }
  return seconds;
});

/** How long something takes: between `min` and `max`, uniformly. */
const span = z
  .strictObject({ min: duration, max: duration })
  .refine((s) => s.min <= s.max, { message: 'min must not exceed max' });

const share = z.number().min(0).max(1);

const arrivalSchema = z.strictObject({
  typeId: z.string().min(1).describe('a work type of the organization'),
  /** The mean time between two arrivals (exponential: arrivals are a Poisson process). */
  every: duration,
  titles: z.array(z.string().min(1)).min(1),
  priorityClass: z.enum(PRIORITY_CLASSES).optional(),
});

const agentSchema = z
  .strictObject({
    actor: z.string().min(1).describe('an agent of the organization'),
    /** How it connects: the SDK over HTTP, or the MCP tools over Streamable HTTP. */
    via: z.enum(['sdk', 'mcp']).default('sdk'),
    work: span,
    failRate: share.default(0),
    /**
     * The share of items it goes silent on: it holds the item without heartbeats or an outcome, as
     * a crashed agent would, until monitoring's stall and lost-heartbeat detectors catch it.
     */
    stallRate: share.default(0),
    /** How long a silent agent stays down before it starts again. */
    restartAfter: duration.default(30),
    /**
     * Custom actions it takes before completing an item (a refund on a refund request), each
     * decided by the authority policies: allowed, it goes ahead; approval required, it asks and
     * waits for a person; denied, it leaves the item to people. SDK agents only.
     */
    actions: z
      .array(
        z.strictObject({
          action: z.string().min(1),
          /** The work types it is taken on. */
          typeIds: z.array(z.string().min(1)).min(1),
          /** The action's context: a value, or `{ min, max }` for a whole number drawn between. */
          context: z
            .record(
              z.string(),
              z.union([
                z.string(),
                z.number(),
                z.boolean(),
                z.strictObject({ min: z.number().int(), max: z.number().int() }),
              ]),
            )
            .default({}),
        }),
      )
      .default([]),
  })
  .refine((a) => a.via === 'sdk' || a.actions.length === 0, {
    message: 'custom actions are taken by SDK agents',
    path: ['actions'],
  });

const personSchema = z.strictObject({
  actor: z.string().min(1).describe('a person of the organization'),
  /** How often they look at their inbox. */
  checkEvery: duration.default(5),
  /** They acknowledge an exception routed to them this long after it reaches them. */
  acknowledgeAfter: duration,
  /** …and resolve it (take it as handled) this long after acknowledging. */
  resolveAfter: duration,
  /** They decide an approval request they may decide this long after it is made. */
  decideAfter: duration.optional(),
  /** The share of approval requests they reject. */
  rejectRate: share.default(0),
  /** They claim and do work too, taking this long an item (omit: they only supervise). */
  work: span.optional(),
});

export const demoScenarioSchema = z.strictObject({
  apiVersion: z.literal('autonomy/v1'),
  kind: z.literal('DemoScenario'),
  metadata: z.strictObject({ name: z.string().min(1), description: z.string().default('') }),
  /** The organization file the demo applies, relative to the scenario file. */
  organization: z.string().min(1),
  seed: z.number().int().default(1),
  /** The lease of claimed work: short, so a silent agent's work moves on within the demo. */
  leaseSeconds: z.number().int().min(5).default(60),
  /** Detector settings at demo speed (see docs/anomaly-detection.md): seconds, not minutes. */
  detectors: z
    .strictObject({
      heartbeatTimeoutSeconds: z.number().int().min(1).optional(),
      stallQuietFloorSeconds: z.number().int().min(1).optional(),
    })
    .default({}),
  arrivals: z.array(arrivalSchema).min(1),
  agents: z.array(agentSchema).default([]),
  people: z.array(personSchema).default([]),
});

export type DemoScenario = z.output<typeof demoScenarioSchema>;
export type DemoAgent = DemoScenario['agents'][number];
export type DemoPerson = DemoScenario['people'][number];
export type DemoArrival = DemoScenario['arrivals'][number];
