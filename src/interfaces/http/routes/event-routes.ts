import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isDomainError } from '../../../core/errors.js';
import type { StoredEvent } from '../../../core/events.js';
import type { EventFilter } from '../../../core/ports/event-log.js';
import type { ControlPlane } from '../../../runtime/control-plane.js';
import { authenticateRequest, principalOf } from '../authenticate-request.js';
import { cursorPage, eventSchema, isoTime, limitParam, listParam, page } from '../schemas.js';

const filterQuery = {
  type: listParam
    .optional()
    .describe(
      'exact types or prefixes ending in * (coordination.work.*); repeat or comma-separate',
    ),
  subject: z.string().optional(),
  actor: z.string().optional(),
  since: isoTime.optional().describe('inclusive'),
  until: isoTime.optional().describe('exclusive'),
};

const cursor = z.coerce.number().int().min(0);

/** Keep-alive comments stop proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;
const STREAM_BATCH = 500;

export const eventRoutes =
  (cp: ControlPlane): FastifyPluginAsyncZod =>
  // eslint-disable-next-line @typescript-eslint/require-await -- Fastify plugins are async by contract
  async (app) => {
    app.get(
      '/events',
      {
        schema: {
          tags: ['events'],
          summary: 'The event log, oldest first, with cursor paging and filters',
          querystring: z.strictObject({
            ...filterQuery,
            after: cursor.optional().describe('cursor: events after this seq'),
            limit: limitParam,
          }),
          response: { 200: page(eventSchema) },
        },
      },
      async (request) => {
        const q = request.query;
        const items = await cp.listEvents(principalOf(request), {
          afterSeq: q.after,
          types: q.type,
          subject: q.subject,
          actor: q.actor,
          since: q.since,
          until: q.until,
          limit: q.limit,
        });
        return cursorPage(items, q.limit, (event) => String(event.seq));
      },
    );

    app.get(
      '/events/stream',
      {
        schema: {
          tags: ['events'],
          summary: 'Live events as Server-Sent Events',
          description:
            'Each event is sent with `id: <seq>`, `event: <type>` and the event as JSON data. Resume with the `Last-Event-ID` header (or `after`); without either the stream starts at the current end of the log. `after=0` replays everything first.',
          querystring: z.strictObject({ ...filterQuery, after: cursor.optional() }),
          headers: z.looseObject({ 'last-event-id': cursor.optional() }),
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const q = request.query;
        const filter: Omit<EventFilter, 'afterSeq' | 'limit'> = {
          types: q.type,
          subject: q.subject,
          actor: q.actor,
          since: q.since,
          until: q.until,
        };
        // Access is checked before the stream opens, so a refusal is still a proper problem response.
        const latest = await cp.latestSeq(principal);
        let position = request.headers['last-event-id'] ?? q.after ?? latest;

        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        res.write(': connected\n\n');

        let closed = false;
        const isOpen = (): boolean => !closed;
        let pumping = false;
        let pending = false;
        const send = (event: StoredEvent) =>
          res.write(`id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
        // The bus only says "something committed"; the log is the source, read from our cursor,
        // so no event is skipped or sent twice whatever the timing of notifications.
        const takePending = (): boolean => {
          const was = pending;
          pending = false;
          return was;
        };
        const pump = async (): Promise<void> => {
          if (pumping) {
            pending = true;
            return;
          }
          pumping = true;
          try {
            let more = true;
            while (more && isOpen()) {
              takePending();
              // A stream outlives requests: a token revoked since the stream opened ends it.
              const current = await authenticateRequest(cp, request);
              const batch = await cp.listEvents(current, {
                ...filter,
                afterSeq: position,
                limit: STREAM_BATCH,
              });
              if (!isOpen()) return;
              for (const event of batch) send(event);
              if (batch.length > 0) position = (batch.at(-1) as StoredEvent).seq;
              // A commit announced while we read is picked up by reading once more.
              more = batch.length === STREAM_BATCH || takePending();
            }
          } catch (error) {
            if (!isDomainError(error)) request.log.warn({ err: error }, 'event stream read failed');
            res.end();
          } finally {
            pumping = false;
          }
        };
        const unsubscribe = cp.bus.subscribe(() => void pump());
        const keepalive = setInterval(() => res.write(': keep-alive\n\n'), KEEPALIVE_MS);
        res.on('close', () => {
          closed = true;
          clearInterval(keepalive);
          unsubscribe();
        });
        await pump();
      },
    );

    app.get(
      '/audit/verify',
      {
        schema: {
          tags: ['events'],
          summary: 'Recompute the hash chain and report the first broken or missing link',
          response: {
            200: z.object({
              ok: z.boolean(),
              checked: z.number().int(),
              lastSeq: z.number().int(),
              problem: z
                .object({ kind: z.string(), seq: z.number().int(), message: z.string() })
                .nullable(),
            }),
          },
        },
      },
      async (request) => cp.verifyAudit(principalOf(request)),
    );
  };
