import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { USAGE_WINDOWS } from '../../../core/budget-config.js';
import type { ControlPlane } from '../../../runtime/control-plane.js';
import { principalOf } from '../authenticate-request.js';
import { idParams, inForcePage, inForceQuery, page } from '../schemas.js';

const actorId = z.string().min(1).max(200);
const reason = z.string().min(1).max(2000);

const controlFields = {
  id: z.string(),
  actorId: z.string(),
  reason: z.string(),
  appliedBy: z.string(),
  appliedAt: z.string(),
  liftedAt: z.string().nullable(),
  liftedBy: z.string().nullable(),
  liftReason: z.string().nullable(),
};
const pauseSchema = z.object({
  kind: z.literal('pause'),
  ...controlFields,
  actionClass: z.string().describe('`work` (the work actions) or a custom action’s class'),
});
const redirectSchema = z.object({
  kind: z.literal('redirect'),
  ...controlFields,
  to: z.string().nullable().describe('who received the work; null: the queue'),
});

const budgetSchema = z.object({
  budget: z.object({
    agent: z.string(),
    costPerDay: z.number().optional(),
    costPerMonth: z.number().optional(),
    actionsPerMinute: z.number().int().optional(),
    warnAt: z.number().describe('the share of a cost limit at which BudgetWarning is raised'),
  }),
  costPerHour: z.number().describe('what an hour of the agent’s work costs: its attempts’ cost'),
  usage: z.array(
    z.object({
      window: z.enum(USAGE_WINDOWS),
      period: z.string().describe('the UTC minute, day or month counted'),
      used: z.number().describe('work actions in the minute; cost units in the day or month'),
      limit: z.number(),
      resetsAt: z.string(),
    }),
  ),
});

/** Pauses, redirects and budgets: controls on agents short of a halt. */
export const controlRoutes =
  (cp: ControlPlane): FastifyPluginAsyncZod =>
  // eslint-disable-next-line @typescript-eslint/require-await -- Fastify plugins are async by contract
  async (app) => {
    app.post(
      '/pauses',
      {
        schema: {
          tags: ['supervision'],
          summary: 'Pause one class of an agent’s actions without stopping it',
          description:
            'In effect from the very next request, on every node. Class `work` (the default): every work action of the agent’s token (claim, start, complete, fail, release, create…) answers 403 naming the pause, who applied it and why, and nobody gives it work (claims, offers, assignments and preemption pass it over); what it holds stays with it (redirect it to move it). A custom action’s class: the agent’s actions of that class (`POST /v1/actions`), its approval requests for them and people’s approvals of those are refused with 403, and `POST /v1/authority/check` answers deny, each naming the pause. Every other class goes on; heartbeats, metrics and exceptions too. Admins and operators only; 409 when that class of that agent is already paused; 422 for an unknown class.',
          body: z.strictObject({
            actorId: actorId.describe('the agent (people are not paused)'),
            actionClass: z
              .string()
              .min(1)
              .max(200)
              .optional()
              .describe('`work` (default), or the class of a custom action declared in org.yaml'),
            reason: reason.describe('why: shown wherever the pause refuses'),
          }),
          response: { 201: pauseSchema },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await cp.controls.pause(principalOf(request), request.body)),
    );

    app.get(
      '/pauses',
      {
        schema: {
          tags: ['supervision'],
          summary: 'Pauses in force, or all pauses with who lifted them and why',
          description:
            'With `active=true` the pauses in force, oldest first, whole; otherwise every pause, newest first, in pages (`before` the previous page’s `nextCursor`). Each names the agent, the class, who applied it and why, and once lifted who lifted it and why. Any role may read.',
          querystring: inForceQuery,
          response: { 200: page(pauseSchema) },
        },
      },
      async (request) =>
        inForcePage(
          await cp.controls.listPauses(principalOf(request), request.query),
          request.query,
        ),
    );

    app.post(
      '/pauses/:id/lift',
      {
        schema: {
          tags: ['supervision'],
          summary: 'Lift a pause: the agent’s actions of that class go on from the next request',
          description: 'Admins and operators only; 409 when it was already lifted.',
          params: idParams,
          body: z.strictObject({ reason }),
          response: { 200: pauseSchema },
        },
      },
      async (request) =>
        cp.controls.liftPause(principalOf(request), request.params.id, request.body.reason),
    );

    app.post(
      '/redirects',
      {
        schema: {
          tags: ['supervision'],
          summary: 'Redirect an agent’s work to another actor or back to the queue',
          description:
            'In one transaction every item the agent holds or is offered is released (an event each, reason `redirected: …`) and, when `to` names an actor, assigned (what it held) or offered (what it was offered) to that actor, an event each; with no `to` the items wait in the queue for others. The redirect stays in force until lifted: the agent is given no work meanwhile (its claims and any offer or assignment to it answer 403 naming the redirect; push and preemption pass it over), so nothing goes back to it; its other classes of action go on. A `to` that cannot take everything (offline, halted, paused, redirected, at capacity) refuses the whole redirect and nothing changes. Admins and operators only; 409 when the agent’s work is already redirected.',
          body: z.strictObject({
            actorId: actorId.describe('the agent whose work moves'),
            to: actorId.optional().describe('the actor who receives it; omit for the queue'),
            reason: reason.describe('why: recorded on every move and shown wherever it refuses'),
          }),
          response: {
            201: z.object({
              redirect: redirectSchema,
              moved: z
                .array(
                  z.object({
                    workItem: z.string(),
                    from: z.enum(['held', 'offered']),
                    to: z.string().nullable().describe('its owner or offeree now; null: queued'),
                  }),
                )
                .describe('every item moved'),
            }),
          },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await cp.controls.redirect(principalOf(request), request.body)),
    );

    app.get(
      '/redirects',
      {
        schema: {
          tags: ['supervision'],
          summary: 'Redirects in force, or all redirects with who lifted them and why',
          description:
            'With `active=true` the redirects in force, oldest first, whole; otherwise every redirect, newest first, in pages (`before` the previous page’s `nextCursor`). Each names the agent, where its work went (`to`, null for the queue), who applied it and why, and once lifted who lifted it and why. Any role may read.',
          querystring: inForceQuery,
          response: { 200: page(redirectSchema) },
        },
      },
      async (request) =>
        inForcePage(
          await cp.controls.listRedirects(principalOf(request), request.query),
          request.query,
        ),
    );

    app.post(
      '/redirects/:id/lift',
      {
        schema: {
          tags: ['supervision'],
          summary: 'Lift a redirect: the agent is given work again from the next request',
          description: 'Admins and operators only; 409 when it was already lifted.',
          params: idParams,
          body: z.strictObject({ reason }),
          response: { 200: redirectSchema },
        },
      },
      async (request) =>
        cp.controls.liftRedirect(principalOf(request), request.params.id, request.body.reason),
    );

    app.get(
      '/budgets',
      {
        schema: {
          tags: ['supervision'],
          summary: 'Agents’ budgets and rate limits, with what they used in the current periods',
          description:
            'From the `budgets` of the applied organization file. Usage is counted in the store in the transaction of each work action of the agent’s token: actions per UTC minute, and cost units per UTC day and month — a completion or failure costs the attempt it ends, the agent’s costPerHour × the hours since the item was started. An agent token sees its own only.',
          querystring: z.strictObject({
            actorId: actorId.optional().describe('one agent only'),
          }),
          response: { 200: z.object({ items: z.array(budgetSchema) }) },
        },
      },
      async (request) => ({
        items: await cp.controls.budgets(principalOf(request), request.query.actorId),
      }),
    );
  };
