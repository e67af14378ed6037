import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MAX_TRUST_LEVEL } from '../../../core/trust.js';
import type { ControlPlane } from '../../../runtime/control-plane.js';
import { principalOf } from '../authenticate-request.js';
import { eventSchema, idParams } from '../schemas.js';

const name = z.string().min(1).max(200);

const countsSchema = z
  .object({
    attempts: z.number(),
    successes: z.number(),
    reversals: z.number(),
    incidents: z.number(),
  })
  .describe('exponentially decayed counts (the half-life is `trust.halfLife` in org.yaml)');

const ruleSchema = z.object({
  class: z.string().nullable().describe('null: the rule of every class without its own'),
  to: z.number().int(),
  minAttempts: z.number(),
  minSuccessRate: z.number().describe('(successes − reversals) / attempts, decayed alike'),
  cleanDays: z.number().describe('days since the last incident or reversal'),
  automatic: z.boolean().describe('false: a person approves or rejects the promotion'),
});

const evidenceSchema = z.object({
  counts: countsSchema,
  successRate: z.number().nullable().describe('null before any attempt'),
  cleanDays: z.number(),
});

const keyFields = { actorId: z.string(), domainId: z.string(), class: z.string() };

const entrySchema = z.object({
  ...keyFields,
  level: z.number().int().describe('0 suggest only … 4 act alone within the domain'),
  levelName: z.string(),
  setAt: z.string().nullable().describe('null while the initial level from org.yaml holds'),
  setBy: z.string().nullable(),
  setReason: z.string().nullable(),
  evidence: evidenceSchema.nullable().describe('the record as of now; null before any'),
  next: z
    .object({
      to: z.number().int(),
      rule: ruleSchema,
      unmet: z.string().nullable().describe('what the record still lacks; null: met'),
    })
    .nullable()
    .describe('the rule for the next level; null when there is none'),
  pendingPromotion: z.string().nullable(),
});

const promotionSchema = z.object({
  id: z.string(),
  ...keyFields,
  from: z.number().int(),
  to: z.number().int(),
  state: z.enum(['pending', 'approved', 'rejected', 'superseded']),
  proposedAt: z.string(),
  evidence: evidenceSchema.extend({ rule: ruleSchema.nullable() }),
  decidedAt: z.string().nullable(),
  decidedBy: z.string().nullable(),
  reason: z.string().nullable(),
});

const filterSchema = z.strictObject({
  actorId: name.optional(),
  domainId: name.optional(),
  class: name.optional(),
});

const reportSchema = z.strictObject({
  actorId: name.optional().describe('the agent; defaults to the one that completed workItemId'),
  domainId: name
    .optional()
    .describe('defaults to the work item’s domain, or the agent’s only domain'),
  class: name.optional().describe('the action class (default `work`)'),
  workItemId: name.optional().describe('the work the report is about, if any'),
  reason: z.string().min(1).max(2000),
});

const changeSchema = z.object({
  ...keyFields,
  from: z.number().int(),
  to: z.number().int(),
});

export const trustRoutes =
  (cp: ControlPlane): FastifyPluginAsyncZod =>
  // eslint-disable-next-line @typescript-eslint/require-await -- Fastify plugins are async by contract
  async (app) => {
    app.get(
      '/trust',
      {
        schema: {
          tags: ['supervision'],
          summary: 'Trust levels per agent, domain and action class, with their evidence',
          description:
            'Every agent’s level (0–4) in each of its domains and each action class — what authority policies read as `principal.trust.<class>` for a resource of that domain — with the record behind it as of now (attempts, successes, human reversals and incidents, each exponentially decayed), the rule for the next level and what the record still lacks, and any promotion waiting for a person. Filters: actorId, domainId, class.',
          querystring: filterSchema,
          response: { 200: z.object({ items: z.array(entrySchema) }) },
        },
      },
      async (request) => ({ items: await cp.trust.list(principalOf(request), request.query) }),
    );

    app.get(
      '/trust/promotions',
      {
        schema: {
          tags: ['supervision'],
          summary: 'Promotions proposed by the rules, pending or decided',
          description:
            'A promotion rule that is not `automatic` proposes the promotion when a record meets it; a person approves or rejects it. Newest first.',
          querystring: filterSchema.extend({
            state: z.enum(['pending', 'approved', 'rejected', 'superseded']).optional(),
          }),
          response: { 200: z.object({ items: z.array(promotionSchema) }) },
        },
      },
      async (request) => ({
        items: await cp.trust.promotions(principalOf(request), request.query),
      }),
    );

    app.get(
      '/trust/:id',
      {
        schema: {
          tags: ['supervision'],
          summary: 'One agent’s trust: levels, evidence, reversals, incidents, promotions',
          description:
            'The agent’s entries (as `GET /v1/trust`), the newest reversals and incidents of its records, its promotions, and its level changes (`supervision.trust.changed` events with their evidence), newest first.',
          params: idParams,
          response: {
            200: z.object({
              actorId: z.string(),
              entries: z.array(entrySchema),
              marks: z.array(
                z.object({
                  ...keyFields,
                  kind: z.enum(['reversal', 'incident']),
                  at: z.string(),
                  reason: z.string(),
                  ref: z.string().nullable(),
                  by: z.string(),
                }),
              ),
              promotions: z.array(promotionSchema),
              changes: z.array(eventSchema),
            }),
          },
        },
      },
      async (request) => cp.trust.detail(principalOf(request), request.params.id),
    );

    app.post(
      '/trust/incidents',
      {
        schema: {
          tags: ['supervision'],
          summary: 'Report an incident: the agent is demoted at once',
          description:
            'The circuit breaker: the agent’s level in the domain and class drops to `trust.incidents.demoteTo` (org.yaml, default 0) in the same transaction, and the incident counts in its record (no promotion until the clean days of the rules have passed again). Admins and operators only.',
          body: reportSchema,
          response: { 201: changeSchema },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await cp.trust.recordIncident(principalOf(request), request.body)),
    );

    app.post(
      '/trust/reversals',
      {
        schema: {
          tags: ['supervision'],
          summary: 'Report a reversal: a person undid an agent’s completed work',
          description:
            'Counts against the agent’s record: the success rate is (successes − reversals) / attempts, and clean days count from the last reversal. Name the work item and the agent that completed it is found. A person cancelling an item whose stage an agent completed counts by itself. Admins and operators only.',
          body: reportSchema,
          response: {
            201: z.object({ ...keyFields, workItemId: z.string().nullable() }),
          },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await cp.trust.recordReversal(principalOf(request), request.body)),
    );

    app.post(
      '/trust/levels',
      {
        schema: {
          tags: ['supervision'],
          summary: 'Set an agent’s level (override), with a reason',
          description:
            'A person’s decision beats the rules: the level holds until the next change (a promotion the rules find, an incident, another override). Recorded as `supervision.trust.changed` with cause `override`. Admins and operators only.',
          body: z.strictObject({
            actorId: name,
            domainId: name,
            class: name,
            level: z.number().int().min(0).max(MAX_TRUST_LEVEL),
            reason: z.string().min(1).max(2000),
          }),
          response: { 200: changeSchema },
        },
      },
      async (request) => cp.trust.setLevel(principalOf(request), request.body),
    );

    for (const [verb, decision] of [
      ['approve', 'approved'],
      ['reject', 'rejected'],
    ] as const)
      app.post(
        `/trust/promotions/:id/${verb}`,
        {
          schema: {
            tags: ['supervision'],
            summary: `${verb === 'approve' ? 'Approve' : 'Reject'} a pending promotion`,
            description:
              verb === 'approve'
                ? 'Applies the promotion if the level is still the one it starts from (409 otherwise). Admins and operators only.'
                : 'The same promotion is not proposed again for `trust.rejectedWait` (default 7d). Admins and operators only.',
            params: idParams,
            body: z.strictObject({ reason: z.string().max(2000).default('') }),
            response: { 200: promotionSchema },
          },
        },
        async (request) =>
          cp.trust.decidePromotion(
            principalOf(request),
            request.params.id,
            decision,
            request.body.reason,
          ),
      );

    app.post(
      '/trust/rebuild',
      {
        schema: {
          tags: ['supervision'],
          summary: 'Fold the trust records again from the whole log (admin)',
          description:
            'Forgets the records and folds every event again; levels and promotions stay (they are changes, each with its event). Answers the number of records.',
          response: { 200: z.object({ records: z.number().int() }) },
        },
      },
      async (request) => cp.trust.rebuild(principalOf(request)),
    );
  };
