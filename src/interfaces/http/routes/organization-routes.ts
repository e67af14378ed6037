import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../../core/errors.js';
import { ACTOR_STATUSES } from '../../../core/model.js';
import { principalName } from '../../../core/principal.js';
import type { ControlPlane } from '../../../runtime/control-plane.js';
import { principalOf } from '../authenticate-request.js';
import {
  actorSchema,
  domainSchema,
  idParams,
  learnedEstimatesSchema,
  workTypeSchema,
} from '../schemas.js';

const changeSchema = z.object({
  kind: z.enum([
    'organization',
    'domain',
    'actor',
    'workType',
    'routing',
    'slo',
    'objective',
    'action',
    'policy',
    'trust',
    'budget',
  ]),
  id: z.string(),
  change: z.enum(['added', 'changed', 'removed']),
  fields: z.array(z.string()).optional(),
});

export const organizationRoutes =
  (cp: ControlPlane): FastifyPluginAsyncZod =>
  // eslint-disable-next-line @typescript-eslint/require-await -- Fastify plugins are async by contract
  async (app) => {
    app.get(
      '/domains',
      {
        schema: {
          tags: ['organization'],
          summary: 'List domains',
          response: { 200: z.object({ items: z.array(domainSchema) }) },
        },
      },
      async (request) => ({ items: await cp.listDomains(principalOf(request)) }),
    );
    app.get(
      '/domains/:id',
      {
        schema: {
          tags: ['organization'],
          summary: 'One domain',
          params: idParams,
          response: { 200: domainSchema },
        },
      },
      async (request) => cp.getDomain(principalOf(request), request.params.id),
    );
    app.get(
      '/work-types',
      {
        schema: {
          tags: ['organization'],
          summary: 'List work types',
          response: { 200: z.object({ items: z.array(workTypeSchema) }) },
        },
      },
      async (request) => ({ items: await cp.listWorkTypes(principalOf(request)) }),
    );
    app.get(
      '/work-types/:id',
      {
        schema: {
          tags: ['organization'],
          summary: 'One work type',
          params: idParams,
          response: { 200: workTypeSchema },
        },
      },
      async (request) => cp.getWorkType(principalOf(request), request.params.id),
    );
    app.get(
      '/work-types/:id/learned',
      {
        schema: {
          tags: ['organization'],
          summary: 'What was learned about a work type and each actor on it',
          description:
            'Durations (start to completion) and success rates learned from ended attempts, per work type and per actor on it, with the estimates priority and push matching use: shrunk towards the configured expected duration while evidence is thin, older attempts fading.',
          params: idParams,
          response: { 200: learnedEstimatesSchema },
        },
      },
      async (request) => cp.learnedEstimates(principalOf(request), request.params.id),
    );

    app.get(
      '/actors',
      {
        schema: {
          tags: ['actors'],
          summary: 'List humans and agents',
          querystring: z.strictObject({
            kind: z.enum(['human', 'agent']).optional(),
            status: z.enum(ACTOR_STATUSES).optional(),
          }),
          response: { 200: z.object({ items: z.array(actorSchema) }) },
        },
      },
      async (request) => ({ items: await cp.listActors(principalOf(request), request.query) }),
    );
    app.get(
      '/actors/:id',
      {
        schema: {
          tags: ['actors'],
          summary: 'One actor, with the number of items it holds',
          params: idParams,
          response: { 200: actorSchema.extend({ held: z.number().int() }) },
        },
      },
      async (request) => cp.getActor(principalOf(request), request.params.id),
    );
    app.put(
      '/actors/:id/status',
      {
        schema: {
          tags: ['actors'],
          summary: "Set an actor's availability (an agent token: only its own)",
          params: idParams,
          body: z.strictObject({ status: z.enum(ACTOR_STATUSES) }),
          response: { 200: actorSchema },
        },
      },
      async (request) =>
        cp.setActorStatus(principalOf(request), request.params.id, request.body.status),
    );
    app.post(
      '/actors/:id/heartbeat',
      {
        schema: {
          tags: ['actors'],
          summary: 'Record that an actor is alive (an offline actor becomes available)',
          params: idParams,
          // A bare POST arrives as null: nullish, as the work action routes.
          body: z.strictObject({}).nullish(),
          response: { 200: actorSchema },
        },
      },
      async (request) => cp.heartbeat(principalOf(request), request.params.id),
    );

    app.get(
      '/config',
      {
        schema: {
          tags: ['organization'],
          summary: 'The applied organization configuration, as `autonomy export` writes it',
          response: { 200: z.object({ revision: z.number().int(), config: z.unknown() }) },
        },
      },
      async (request) => {
        const config = await cp.exportConfig(principalOf(request));
        if (config === null)
          throw new DomainError('not_found', 'no configuration has been applied yet');
        return { revision: (await cp.organization())?.revision ?? 0, config };
      },
    );
    app.post(
      '/config/apply',
      {
        schema: {
          tags: ['organization'],
          summary: 'Apply an organization configuration (admin)',
          description:
            'The body is the organization document (the JSON form of org.yaml). Validated whole; applied in one transaction; `dryRun=true` only returns the diff.',
          querystring: z.strictObject({ dryRun: z.enum(['true', 'false']).default('false') }),
          body: z.unknown(),
          response: {
            200: z.object({
              applied: z.boolean(),
              revision: z.number().int(),
              changes: z.array(changeSchema),
            }),
          },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const result = await cp.applyConfigDocument(
          principal,
          request.body,
          `api:${principalName(principal)}`,
          {
            dryRun: request.query.dryRun === 'true',
          },
        );
        return { applied: result.applied, revision: result.revision, changes: result.diff.changes };
      },
    );
  };
