import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ControlPlane } from '../../../runtime/control-plane.js';
import { principalOf } from '../authenticate-request.js';
import { cursorPage, idParams, limitParam, page } from '../schemas.js';

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

export const supervisionRoutes =
  (cp: ControlPlane): FastifyPluginAsyncZod =>
  // eslint-disable-next-line @typescript-eslint/require-await -- Fastify plugins are async by contract
  async (app) => {
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
          querystring: z.strictObject({
            active: z
              .enum(['true', 'false'])
              .transform((v) => v === 'true')
              .optional()
              .describe('true: only those in force (oldest first); otherwise all, newest first'),
            before: z.string().optional().describe('cursor: the nextCursor of the previous page'),
            limit: limitParam,
          }),
          response: { 200: page(haltSchema) },
        },
      },
      async (request) => {
        const q = request.query;
        const items = await cp.listHalts(principalOf(request), q);
        return q.active === true
          ? { items, nextCursor: null }
          : cursorPage(items, q.limit, (h) => h.id);
      },
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
