import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { REQUESTABLE_ACTIONS } from '../../../coordination/transition-work.js';
import { PRIORITY_CLASSES, WORK_STATES } from '../../../core/model.js';
import type { ControlPlane } from '../../../runtime/control-plane.js';
import { principalOf } from '../authenticate-request.js';
import {
  cursorPage,
  eventSchema,
  explanationSchema,
  idParams,
  isoTime,
  limitParam,
  page,
  workItemSchema,
} from '../schemas.js';

const createBody = z.strictObject({
  typeId: z.string().min(1).describe('work type id'),
  title: z.string().min(1).max(500),
  payload: z.record(z.string(), z.unknown()).optional(),
  value: z.number().min(0).optional().describe('business value; default 1'),
  dueAt: isoTime.optional().describe("default: now + the work type's SLA"),
  priorityClass: z.enum(PRIORITY_CLASSES).optional().describe('default normal'),
  dependsOn: z
    .array(z.string().min(1))
    .max(100)
    .optional()
    .describe('ids of items this one waits for'),
});

const approvalIdField = z
  .string()
  .min(1)
  .max(200)
  .optional()
  .describe('an approval of exactly this request (see /v1/approvals), where one is required');

const ACTION_DOCS: Record<(typeof REQUESTABLE_ACTIONS)[number], string> = {
  offer: 'Offer a queued item to an actor (queued → offered). Needs actorId.',
  assign:
    'Assign to an actor (queued|offered → assigned), within its capacity; accepting an offer needs no actorId.',
  start: 'Start work (assigned → in_progress).',
  complete:
    'Complete (in_progress → done); items waiting only on this one are unblocked. For a work type with stages, completing a stage that is not the last moves the item to the next stage and back to the queue without an owner (in_progress → queued, event `coordination.work.stage_completed`); completing the last stage completes the item.',
  fail: 'Fail (assigned|in_progress → failed).',
  release:
    'Give the item back to the queue (offered|assigned|in_progress → queued): rejecting an offer, dropping work.',
  pause: 'Hold the item out of the flow (→ paused); ownership is released.',
  resume: 'Return a paused item (paused → queued, or blocked while dependencies are unfinished).',
  retry: 'Re-queue a failed item (failed → queued, or blocked).',
  cancel: 'Cancel (→ cancelled).',
};

export const workRoutes =
  (cp: ControlPlane): FastifyPluginAsyncZod =>
  // eslint-disable-next-line @typescript-eslint/require-await -- Fastify plugins are async by contract
  async (app) => {
    app.post(
      '/work',
      {
        schema: {
          tags: ['work'],
          summary: 'Create a work item',
          description:
            'Queued when it can start, blocked while an item it depends on is not done; at the first stage of a work type with stages. A critical item that nobody with the skills has room for, in a domain that allows preemption, is given at once (in the same transaction) to an actor of the domain whose lowest-priority assigned, not yet started, item goes back to the queue (`coordination.work.preempted`); the response shows the item as it then is.',
          body: createBody,
          response: { 201: workItemSchema },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await cp.createWork(principalOf(request), request.body)),
    );

    app.get(
      '/work',
      {
        schema: {
          tags: ['work'],
          summary: 'List work items in creation order, with cursor paging',
          querystring: z.strictObject({
            state: z.enum(WORK_STATES).optional(),
            type: z.string().optional().describe('work type id'),
            owner: z.string().optional().describe('owner actor id'),
            order: z
              .enum(['asc', 'desc'])
              .default('asc')
              .describe('asc: oldest first; desc: newest first (what a board shows on top)'),
            after: z.string().optional().describe('cursor: the nextCursor of the previous page'),
            limit: limitParam,
          }),
          response: { 200: page(workItemSchema) },
        },
      },
      async (request) => {
        const q = request.query;
        const items = await cp.listWork(principalOf(request), {
          state: q.state,
          typeId: q.type,
          ownerId: q.owner,
          order: q.order,
          after: q.after,
          limit: q.limit,
        });
        return cursorPage(items, q.limit, (item) => item.id);
      },
    );

    app.get(
      '/work/counts',
      {
        schema: {
          tags: ['work'],
          summary: 'How many items are in each state',
          description:
            'One number per state (every state present, 0 when empty) and their total, over the items of a type and/or owner when given. What a board shows above each column, without listing the items: the store counts them by index.',
          querystring: z.strictObject({
            type: z.string().optional().describe('work type id'),
            owner: z.string().optional().describe('owner actor id'),
          }),
          response: {
            200: z.object({
              counts: z.record(z.enum(WORK_STATES), z.number().int()),
              total: z.number().int(),
            }),
          },
        },
      },
      async (request) => {
        const counts = await cp.countWork(principalOf(request), {
          typeId: request.query.type,
          ownerId: request.query.owner,
        });
        return { counts, total: Object.values(counts).reduce((a, b) => a + b, 0) };
      },
    );

    app.post(
      '/work/claim',
      {
        schema: {
          tags: ['work'],
          summary: 'Pull: take the best queued item you can do',
          description:
            "Assigns the highest-priority queued item whose work type (for a type with stages: whose current stage) the actor's skills meet, with a lease (renewed by the actor's heartbeat). An agent token claims for its own actor; operators name one. Concurrent claimers never receive the same item. When nothing fits: 204, with the reason in the `autonomy-no-work-reason` header (`actor_unavailable`, `at_capacity`, `no_matching_type`, `no_queued_work`) and a sentence in `autonomy-no-work-message`.",
          body: z
            .strictObject({ actorId: z.string().min(1).optional() })
            .nullish()
            .transform((body) => body ?? {}),
          response: {
            200: workItemSchema.extend({
              decision: z.unknown().describe('why this item: eligible types, priority parts'),
            }),
            204: z.null().describe('nothing fits; see the autonomy-no-work-* headers'),
          },
        },
      },
      async (request, reply) => {
        const outcome = await cp.claimWork(principalOf(request), request.body.actorId);
        if (outcome.claimed === null) {
          return reply
            .status(204)
            .header('autonomy-no-work-reason', outcome.reason)
            .header('autonomy-no-work-message', outcome.message)
            .send(null);
        }
        return reply.status(200).send({ ...outcome.claimed, decision: outcome.decision });
      },
    );

    app.get(
      '/work/:id/explain',
      {
        schema: {
          tags: ['work'],
          summary: 'Why the item is where it is',
          description:
            'For a work type with stages, the stage the item is at (`stage`), whose skills decide who can take it. For a held item: its owner, lease and the recorded reasons of its assignment. For any other: what stands between it and an owner (no actor with the skills, all saturated, blocked by X), its priority parts and its position in the queue, and every actor with the reasons it could not take the item.',
          params: idParams,
          response: { 200: explanationSchema },
        },
      },
      async (request) => cp.explainWork(principalOf(request), request.params.id),
    );

    app.get(
      '/work/:id',
      {
        schema: {
          tags: ['work'],
          summary: 'A work item with its history (every event about it)',
          params: idParams,
          response: { 200: workItemSchema.extend({ history: z.array(eventSchema) }) },
        },
      },
      async (request) => cp.getWork(principalOf(request), request.params.id),
    );

    app.post(
      '/work/:id/dependencies',
      {
        schema: {
          tags: ['work'],
          summary: 'Make the item wait for another',
          description:
            'Refused with 422 when the new edge would close a cycle (the cycle is in `cycle`).',
          params: idParams,
          body: z.strictObject({ dependsOn: z.string().min(1) }),
          response: { 200: workItemSchema },
        },
      },
      async (request) =>
        cp.addDependency(principalOf(request), request.params.id, request.body.dependsOn),
    );

    for (const action of REQUESTABLE_ACTIONS) {
      const needsActor = action === 'offer' || action === 'assign';
      app.post(
        `/work/:id/${action}`,
        {
          schema: {
            tags: ['work'],
            summary: ACTION_DOCS[action],
            description:
              'An action the current state does not allow is a 409 naming the current state (`currentState`) and the allowed actions (`allowedActions`, `allowedStates`). Where the authority policies require approval for an agent, the request carries `approvalId`: a person’s approval of exactly this action, item and body (the body without `approvalId`, bound by its hash), spent by this request in its transaction; a stale, used, rejected, expired, unknown or mismatched one is refused (403) and nothing changes.',
            params: idParams,
            // The body is optional: a bare POST performs the action.
            body: (needsActor
              ? z.strictObject({
                  actorId: z.string().min(1).optional(),
                  reason: z.string().max(1000).optional(),
                  approvalId: approvalIdField,
                })
              : z.strictObject({
                  reason: z.string().max(1000).optional(),
                  approvalId: approvalIdField,
                })
            )
              .nullish()
              .transform((body) => body ?? {}),
            response: { 200: workItemSchema },
          },
        },
        async (request) =>
          cp.transitionWork(principalOf(request), request.params.id, action, request.body),
      );
    }
  };
