import { z } from 'zod';
import { ACTOR_STATUSES, PRIORITY_CLASSES, TOKEN_ROLES, WORK_STATES } from '../../core/model.js';

/** Shapes the API speaks, shared by validation, serialization and the OpenAPI document. */

// Times are stored and compared as UTC ISO strings, so whatever offset or precision a client sends
// is normalized to that one spelling of the instant.
export const isoTime = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value).toISOString())
  .describe('ISO 8601 time');
const skillsSchema = z
  .record(z.string(), z.number().int().min(1).max(5))
  .readonly()
  .describe('skill → level 1–5');
const ids = z.array(z.string()).readonly();

export const problemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    code: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .describe('RFC 9457 problem details; `errors` names each offending field');

export const domainSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  owners: ids,
  preemption: z
    .boolean()
    .describe(
      "whether a critical item nobody has room for may take the place of the domain's lowest-priority assigned, not yet started, work",
    ),
});

export const actorSchema = z.object({
  id: z.string(),
  kind: z.enum(['human', 'agent']),
  name: z.string(),
  domains: ids,
  skills: skillsSchema,
  capacity: z.number().int(),
  mode: z.enum(['pull', 'push']).describe('pull: claims work; push: is offered work'),
  costPerHour: z.number().describe('what an hour of its work costs (0: not counted)'),
  status: z.enum(ACTOR_STATUSES),
  lastHeartbeatAt: z.string().nullable(),
});

export const workTypeSchema = z.object({
  id: z.string(),
  domainId: z.string(),
  name: z.string(),
  description: z.string(),
  requiredSkills: skillsSchema,
  expectedDurationSeconds: z.number(),
  slaSeconds: z.number(),
  maxAttempts: z.number().int().describe('attempts before a failing item stops being retried'),
  stages: z
    .array(
      z.object({
        id: z.string(),
        name: z.string(),
        requiredSkills: skillsSchema,
        expectedDurationSeconds: z.number(),
      }),
    )
    .readonly()
    .describe(
      'ordered steps, each with its own skills (the type then has no requiredSkills of its own); completing one queues the item for the next; empty for a type done in one step',
    ),
});

export const workItemSchema = z.object({
  id: z.string(),
  typeId: z.string(),
  title: z.string(),
  payload: z.record(z.string(), z.unknown()).readonly(),
  value: z.number(),
  dueAt: z.string().nullable(),
  priorityClass: z.enum(PRIORITY_CLASSES),
  priority: z.number().describe('ordering key of the priority score (higher first); see /explain'),
  dependsOn: ids,
  stageId: z
    .string()
    .nullable()
    .describe(
      'the stage the item is at, for a work type with stages (its skills decide who takes the item); null otherwise',
    ),
  declinedBy: ids.describe('actors that rejected an offer of the item or let it time out'),
  failedBy: ids.describe('actors whose attempt failed; claims do not give the item back to them'),
  attempts: z.number().int(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  state: z.enum(WORK_STATES),
  ownerId: z.string().nullable().describe('set only while assigned or in progress'),
  offeredTo: z.string().nullable().describe('set only while offered'),
  leaseExpiresAt: z.string().nullable(),
  startedAt: z
    .string()
    .nullable()
    .describe(
      'when the current attempt was started (kept once done): durations are learned from it',
    ),
});

const priorityPartsSchema = z
  .object({
    class: z.number(),
    value: z.number(),
    blocks: z.number(),
    age: z.number(),
    slack: z.number(),
    total: z.number(),
  })
  .describe('the score now, in points (an hour of waiting is worth 1), part by part');

export const estimateSchema = z
  .object({
    expectedSeconds: z.number().describe('expected seconds from start to completion'),
    successRate: z.number().describe('chance an attempt completes rather than fails, 0–1'),
    completions: z.number().int(),
    failures: z.number().int(),
  })
  .describe('learned from ended attempts, shrunk towards the configuration while evidence is thin');

const candidateScoreSchema = z
  .object({
    actorId: z.string(),
    fit: z.number(),
    speed: z.number(),
    success: z.number(),
    free: z.number(),
    cost: z.number(),
    score: z.number(),
    learned: z.object({
      expectedSeconds: z.number(),
      completions: z.number().int(),
      failures: z.number().int(),
      expectedCost: z.number(),
    }),
  })
  .describe(
    'push matching, part by part (0–1): score = 0.2 fit + 0.2 speed + 0.3 success + 0.2 free + 0.1 cost',
  );

export const workStatsSchema = z.object({
  typeId: z.string(),
  actorId: z.string().nullable(),
  completions: z.number().int(),
  failures: z.number().int(),
  durationWeight: z.number().describe('decayed number of measured durations'),
  durationSum: z.number().describe('decayed sum of measured durations, in seconds'),
  successWeight: z.number(),
  failureWeight: z.number(),
  updatedAt: z.string(),
});

export const learnedEstimatesSchema = z.object({
  typeId: z.string(),
  configuredSeconds: z.number(),
  estimate: estimateSchema,
  stats: workStatsSchema.nullable(),
  actors: z.array(
    z.object({ actorId: z.string(), estimate: estimateSchema, stats: workStatsSchema }),
  ),
});

export const explanationSchema = z.object({
  itemId: z.string(),
  state: z.enum(WORK_STATES),
  summary: z.string(),
  priority: priorityPartsSchema,
  estimate: estimateSchema
    .extend({ configuredSeconds: z.number() })
    .nullable()
    .describe("the item's work type: what the slack part of the priority expects"),
  offer: z
    .object({ actorId: z.string(), expiresAt: z.string(), decision: z.unknown() })
    .nullable()
    .describe('for an offered item: the recorded decision, every candidate with its score parts'),
  match: z
    .object({
      candidates: z.array(candidateScoreSchema),
      rejected: z.array(z.object({ actorId: z.string(), reasons: z.array(z.string()) })),
    })
    .nullable()
    .describe('for a queued item: how push matching scores the push actors now'),
  stage: z
    .object({
      id: z.string(),
      name: z.string(),
      position: z.number().int().describe('1 for the first stage'),
      of: z.number().int().describe('how many stages the type has'),
      requiredSkills: skillsSchema,
      next: z
        .string()
        .nullable()
        .describe('the stage completing this one leads to; null at the last'),
    })
    .nullable()
    .describe('for a work type with stages: where the item stands among them'),
  rank: z
    .number()
    .int()
    .nullable()
    .describe('for a queued item: 1 + the queued items of its type (and stage) ahead of it'),
  owner: z
    .object({ actorId: z.string(), leaseExpiresAt: z.string(), decision: z.unknown() })
    .nullable(),
  preempted: z
    .object({ for: z.string(), from: z.string(), at: z.string() })
    .nullable()
    .describe(
      'for an item without an owner that lost its last one to preemption: the critical item it made room for, the actor it was taken from, and when',
    ),
  waitingOn: z.array(z.object({ id: z.string(), state: z.string() })),
  candidates: z.array(
    z.object({ actorId: z.string(), eligible: z.boolean(), reasons: z.array(z.string()) }),
  ),
});

export const eventSchema = z.object({
  seq: z.number().int(),
  time: z.string(),
  type: z.string().describe('dimension.subject.verb'),
  actor: z.string(),
  subject: z.string().nullable(),
  payload: z.unknown(),
  prevHash: z.string(),
  hash: z
    .string()
    .describe(
      'sha256(prevHash ‖ RFC 8785 canonical JSON of seq, time, type, actor, subject, payload)',
    ),
});

export const tokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(TOKEN_ROLES),
  actorId: z.string().nullable(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});

export const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z
      .string()
      .nullable()
      .describe('pass as `after` for the next page; null at the end'),
  });

/** A page of results and the cursor of the next: the last item's, when the page is full. */
export function cursorPage<T>(items: T[], limit: number, cursorOf: (item: T) => string) {
  const last = items.at(-1);
  return {
    items,
    nextCursor: items.length === limit && last !== undefined ? cursorOf(last) : null,
  };
}

export const idParams = z.strictObject({ id: z.string().min(1).max(200) });

/** Query values that may repeat (`?type=a&type=b`) or be comma-separated (`?type=a,b`). */
export const listParam = z
  .union([z.string(), z.array(z.string())])
  .transform((value) =>
    (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).filter((v) => v !== ''),
  );

export const limitParam = z.coerce.number().int().min(1).max(1000).default(100);

/**
 * The query of a list of controls (halts, pauses, redirects): those in force, or all of them
 * newest first in pages.
 */
export const inForceQuery = z.strictObject({
  active: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('true: only those in force (oldest first); otherwise all, newest first'),
  before: z.string().optional().describe('cursor: the nextCursor of the previous page'),
  limit: limitParam,
});

/** Such a list as a page: those in force whole, or a page of all of them, by id. */
export function inForcePage<T extends { id: string }>(
  items: T[],
  query: { active?: boolean | undefined; limit: number },
) {
  return query.active === true
    ? { items, nextCursor: null }
    : cursorPage(items, query.limit, (item) => item.id);
}
