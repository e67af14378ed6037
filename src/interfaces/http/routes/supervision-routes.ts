import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ControlPlane } from '../../../runtime/control-plane.js';
import { principalOf } from '../authenticate-request.js';
import { idParams, inForcePage, inForceQuery, page } from '../schemas.js';

const scopeSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('actor'), id: z.string().min(1).max(200) }),
    z.strictObject({ kind: z.literal('domain'), id: z.string().min(1).max(200) }),
    z.strictObject({ kind: z.literal('all') }),
  ])
  .describe('one agent (`actor`), the agents of a domain, or every agent (`all`)');

const haltSchema = z.object({
  id: z.string(),
  scope: scopeSchema,
  reason: z.string(),
  haltedBy: z.string(),
  haltedAt: z.string(),
  liftedAt: z.string().nullable(),
  liftedBy: z.string().nullable(),
  liftReason: z.string().nullable(),
});

const decisionSchema = z.object({
  decision: z
    .enum(['allow', 'approval_required', 'deny'])
    .describe('forbid wins; an allow resting only on @mode("approval") permits requires approval'),
  policies: z
    .array(
      z.object({
        id: z.string().describe('the @id annotation, or `<file>#<n>`'),
        effect: z.enum(['permit', 'forbid']),
        annotations: z.record(z.string(), z.string()),
      }),
    )
    .describe('the policies that decided (none for a deny no permit answered)'),
  errors: z.array(z.string()).describe('evaluation errors: any of them denies'),
  reason: z.string(),
  configured: z
    .boolean()
    .describe('false: the organization has no policies and token roles alone decide'),
  revision: z.number().int().describe('the configuration revision whose policies decided'),
  actorId: z.string(),
  pause: z
    .object({
      id: z.string(),
      actionClass: z.string(),
      appliedBy: z.string(),
      reason: z.string(),
    })
    .optional()
    .describe('the pause of the action’s class that makes the answer deny, while in force'),
});

export const supervisionRoutes =
  (cp: ControlPlane): FastifyPluginAsyncZod =>
  // eslint-disable-next-line @typescript-eslint/require-await -- Fastify plugins are async by contract
  async (app) => {
    app.post(
      '/authority/check',
      {
        schema: {
          tags: ['supervision'],
          summary: 'What the authority policies decide: allow, approval required or deny',
          description:
            'Evaluates the Cedar policies of the configuration in force for one actor (principal `Actor`), one action (a built-in work action such as `claim` or `complete`, or a custom action the organization declares, such as `refund`) and one resource (a `WorkItem` or a `Domain`), with the action’s context. Answers the decision, the determining policies with their annotations, and any evaluation error (which denies). Changes nothing. An agent token checks only itself (actorId defaults to its actor); people may check anyone. With no policies configured the answer is allow with `configured: false`: token roles alone decide.',
          body: z.strictObject({
            actorId: z.string().min(1).max(200).optional(),
            action: z.string().min(1).max(200),
            resource: z.strictObject({
              type: z.enum(['WorkItem', 'Domain']),
              id: z.string().min(1).max(200),
            }),
            context: z
              .record(z.string(), z.unknown())
              .optional()
              .describe('the context the action declares in org.yaml (built-in actions: none)'),
          }),
          response: { 200: decisionSchema },
        },
      },
      async (request) => cp.checkAuthority(principalOf(request), request.body),
    );

    app.get(
      '/authority/schema',
      {
        schema: {
          tags: ['supervision'],
          summary: 'The Cedar schema authority policies are written and validated against',
          description:
            'Generated from the organization: entity types Actor (in its domains; kind, name, domains, skills, trust levels per action class in the domain decided on — the earned level, else the initial one of org.yaml, else 0), Domain and WorkItem (in its work type’s domain), the built-in work actions and the custom actions with their context. Shown before any policy is configured too, so the first can be written; null only when the stored policies no longer compile.',
          response: {
            200: z.object({ revision: z.number().int(), schema: z.string().nullable() }),
          },
        },
      },
      async (request) => cp.authoritySchema(principalOf(request)),
    );

    app.post(
      '/halts',
      {
        schema: {
          tags: ['supervision'],
          summary: 'Halt agents: one, a domain’s, or all (stop the line)',
          description:
            'In effect from the very next request: a halted agent’s token may only read (every write answers 403 naming the halt), coordination gives it no work (claims, offers, assignments and preemption pass it over), and escalation passes it over. What it held or was offered goes back to the queue now, each release an event. People are never halted. Admins and operators only; 409 when the scope is already halted.',
          body: z.strictObject({
            scope: scopeSchema,
            reason: z.string().min(1).max(2000).describe('why: shown wherever the halt refuses'),
          }),
          response: {
            201: z.object({
              halt: haltSchema,
              requeued: z.array(z.string()).describe('work items sent back to the queue'),
            }),
          },
        },
      },
      async (request, reply) => {
        const { scope, reason } = request.body;
        return reply.status(201).send(await cp.halt(principalOf(request), scope, reason));
      },
    );

    app.get(
      '/halts',
      {
        schema: {
          tags: ['supervision'],
          summary: 'Halts in force, or all halts with who lifted them and why',
          querystring: inForceQuery,
          response: { 200: page(haltSchema) },
        },
      },
      async (request) =>
        inForcePage(await cp.listHalts(principalOf(request), request.query), request.query),
    );

    app.post(
      '/halts/:id/lift',
      {
        schema: {
          tags: ['supervision'],
          summary: 'Lift a halt: its agents take work again from the next request on',
          description: 'Admins and operators only; 409 when it was already lifted.',
          params: idParams,
          body: z.strictObject({ reason: z.string().min(1).max(2000) }),
          response: { 200: haltSchema },
        },
      },
      async (request) => cp.liftHalt(principalOf(request), request.params.id, request.body.reason),
    );
  };
