import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DELIVERY_STATUSES, EXCEPTION_STATES, SEVERITIES } from '../../../core/exception.js';
import type { ControlPlane } from '../../../runtime/control-plane.js';
import { principalOf } from '../authenticate-request.js';
import { cursorPage, eventSchema, idParams, isoTime, limitParam, page } from '../schemas.js';

const labelsSchema = z.record(z.string(), z.string()).describe('label name → value');

export const exceptionSchema = z.object({
  id: z.string(),
  fingerprint: z.string().describe('hash of the labels: one active exception per fingerprint'),
  source: z.string().describe('`detector:<name>`, `external:<integration>` or `manual`'),
  labels: labelsSchema.readonly(),
  summary: z.string().describe('what is wrong and why, in words'),
  details: z
    .record(z.string(), z.unknown())
    .readonly()
    .describe('the evidence the source measured'),
  state: z.enum(EXCEPTION_STATES),
  openedAt: z.string(),
  lastSeenAt: z.string().describe('the last time the source still saw the condition'),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  resolution: z.enum(['cleared', 'manual', 'external']).nullable(),
  receivers: z
    .array(z.string())
    .readonly()
    .describe('receivers the routing tree picked, in match order'),
  routes: z
    .array(z.string())
    .readonly()
    .describe('the matched routes, as paths in the configuration'),
  group: z
    .string()
    .describe(
      "its aggregation group on the first matched route, keyed as Alertmanager keys groups: the route's key and its group_by labels",
    ),
  escalations: z
    .array(
      z.object({
        receiver: z.string(),
        step: z.number().int().describe('the step last notified, from 0'),
        loop: z.number().int(),
        nextAt: z
          .string()
          .nullable()
          .describe('when the next step runs unless someone acknowledges; null when done'),
        notified: z.array(z.string()).readonly().describe('who the current step reached'),
      }),
    )
    .readonly(),
  silencedBy: z.string().nullable(),
  version: z.number().int(),
});

export const silenceSchema = z.object({
  id: z.string(),
  matchers: z.array(z.string()).readonly(),
  startsAt: z.string(),
  endsAt: z.string(),
  createdBy: z.string(),
  comment: z.string(),
  createdAt: z.string(),
  expiredAt: z.string().nullable(),
});

const notificationSchema = z.object({
  id: z.string(),
  actorId: z.string(),
  exceptionId: z.string(),
  receiver: z.string(),
  reason: z.enum(['opened', 'escalated', 'resolved']),
  step: z.number().int(),
  summary: z.string(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});

export const monitoringRoutes =
  (cp: ControlPlane): FastifyPluginAsyncZod =>
  // eslint-disable-next-line @typescript-eslint/require-await -- Fastify plugins are async by contract
  async (app) => {
    const monitoring = cp.monitoring;

    app.get(
      '/exceptions',
      {
        schema: {
          tags: ['monitoring'],
          summary: 'List exceptions in opening order, with cursor paging',
          querystring: z.strictObject({
            state: z.enum(EXCEPTION_STATES).optional(),
            active: z
              .enum(['true', 'false'])
              .transform((v) => v === 'true')
              .optional()
              .describe('true: open or acknowledged; false: resolved'),
            alertname: z.string().optional().describe('the kind of problem, e.g. WorkStalled'),
            severity: z.enum(SEVERITIES).optional(),
            source: z.string().optional(),
            group: z.string().optional().describe('only this aggregation group (see `group`)'),
            after: z.string().optional().describe('cursor: the nextCursor of the previous page'),
            limit: limitParam,
          }),
          response: { 200: page(exceptionSchema) },
        },
      },
      async (request) => {
        const q = request.query;
        const items = await monitoring.list(principalOf(request), q);
        return cursorPage(items, q.limit, (item) => item.id);
      },
    );

    app.post(
      '/exceptions',
      {
        schema: {
          tags: ['monitoring'],
          summary: 'Raise an exception by hand',
          description:
            "Routed and escalated like a detector's (source `manual`). Labels identify it: while an exception with the same labels is open or acknowledged, raising it again returns that one (200) instead of opening another (201). `alertname` and `severity` are required labels.",
          body: z.strictObject({
            labels: labelsSchema.refine((l) => l.alertname !== undefined && l.alertname !== '', {
              message: 'labels.alertname is required',
            }),
            severity: z.enum(SEVERITIES).default('warning'),
            summary: z.string().min(1).max(2000),
            details: z.record(z.string(), z.unknown()).default({}),
          }),
          response: { 200: exceptionSchema, 201: exceptionSchema },
        },
      },
      async (request, reply) => {
        const { labels, severity, summary, details } = request.body;
        const raised = await monitoring.raise(principalOf(request), 'manual', {
          labels: { ...labels, alertname: labels.alertname ?? '', severity },
          summary,
          details,
        });
        return reply.status(raised.opened ? 201 : 200).send(raised.exception);
      },
    );

    app.get(
      '/exceptions/:id',
      {
        schema: {
          tags: ['monitoring'],
          summary: 'One exception with its history',
          description:
            'The history holds every event about it: its opening (labels, evidence, routing), each escalation step (who was reached, who was passed over and why), its acknowledgement and its end.',
          params: idParams,
          response: { 200: exceptionSchema.extend({ history: z.array(eventSchema) }) },
        },
      },
      async (request) => monitoring.get(principalOf(request), request.params.id),
    );

    app.post(
      '/exceptions/:id/acknowledge',
      {
        schema: {
          tags: ['monitoring'],
          summary: 'Take the exception on: escalation stops',
          description:
            'Only an open exception can be acknowledged (409 otherwise). It still resolves itself when its condition clears.',
          params: idParams,
          body: z
            .strictObject({ comment: z.string().max(2000).optional() })
            .nullish()
            .transform((b) => b ?? {}),
          response: { 200: exceptionSchema },
        },
      },
      async (request) =>
        monitoring.acknowledge(principalOf(request), request.params.id, request.body.comment),
    );

    app.post(
      '/exceptions/:id/resolve',
      {
        schema: {
          tags: ['monitoring'],
          summary: 'Resolve the exception by hand',
          description:
            "Everyone it reached is told. A detector's exception whose condition still holds is raised again (as a new exception) at the detector's next evaluation: fix the cause, or acknowledge or silence it instead.",
          params: idParams,
          body: z.strictObject({ reason: z.string().min(1).max(2000) }),
          response: { 200: exceptionSchema },
        },
      },
      async (request) =>
        monitoring.resolve(principalOf(request), request.params.id, request.body.reason),
    );

    app.post(
      '/alerts/alertmanager',
      {
        schema: {
          tags: ['monitoring'],
          summary: "Ingest Alertmanager's webhook: external alerts become exceptions",
          description:
            'Point an Alertmanager `webhook_configs` receiver here (with an operator token as its bearer credentials). Each firing alert is raised as an exception with its own labels (source `external:alertmanager`), routed and escalated like any other and deduplicated by labels; each resolved alert ends the exception it raised. A severity outside critical/warning/info reads as warning. The summary is the `summary` annotation, else `description`. One transaction for the whole payload.',
          body: z.looseObject({
            version: z.string().optional(),
            status: z.enum(['firing', 'resolved']).optional(),
            alerts: z
              .array(
                z.looseObject({
                  status: z.enum(['firing', 'resolved']),
                  labels: labelsSchema,
                  annotations: labelsSchema.default({}),
                  startsAt: z.string().optional(),
                  generatorURL: z.string().optional(),
                }),
              )
              .max(10_000),
          }),
          response: {
            200: z.object({
              opened: z.array(z.string()).describe('ids of the exceptions opened'),
              resolved: z.array(z.string()).describe('ids of the exceptions resolved'),
              unchanged: z.number().int(),
            }),
          },
        },
      },
      async (request) => {
        const result = await monitoring.ingest(
          principalOf(request),
          'external:alertmanager',
          request.body.alerts,
        );
        return {
          opened: result.opened.map((e) => e.id),
          resolved: result.resolved.map((e) => e.id),
          unchanged: result.unchanged,
        };
      },
    );

    app.get(
      '/webhook-deliveries',
      {
        schema: {
          tags: ['monitoring'],
          summary: 'The webhook delivery log, newest first',
          description:
            'Every notification posted to a receiver\'s webhook: its body, status (`pending`, `delivered`, `failed` after 8 attempts), attempts, last HTTP status and error, and when the next attempt is due (30 s after the first failure, doubling, at most an hour). Deliveries are signed: header `autonomy-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` under the key in the receiver\'s `secret_env`; `autonomy-delivery` carries the delivery id for dedup (at least once).',
          querystring: z.strictObject({
            status: z.enum(DELIVERY_STATUSES).optional(),
            exception: z.string().optional().describe('only deliveries about this exception'),
            before: z.string().optional().describe('cursor: the nextCursor of the previous page'),
            limit: limitParam,
          }),
          response: {
            200: page(
              z.object({
                id: z.string(),
                exceptionId: z.string(),
                receiver: z.string(),
                url: z.string(),
                format: z.enum(['json', 'slack']),
                secretEnv: z.string(),
                event: z.enum(['opened', 'escalated', 'resolved']),
                body: z.string(),
                status: z.enum(DELIVERY_STATUSES),
                attempts: z.number().int(),
                nextAttemptAt: z.string().nullable(),
                lastStatus: z.number().int().nullable(),
                lastError: z.string().nullable(),
                createdAt: z.string(),
                deliveredAt: z.string().nullable(),
              }),
            ),
          },
        },
      },
      async (request) => {
        const q = request.query;
        const items = await monitoring.listDeliveries(principalOf(request), {
          status: q.status,
          exceptionId: q.exception,
          before: q.before,
          limit: q.limit,
        });
        return cursorPage(items, q.limit, (item) => item.id);
      },
    );

    app.get(
      '/silences',
      {
        schema: {
          tags: ['monitoring'],
          summary: 'Silences that are active or still to come',
          response: { 200: z.object({ items: z.array(silenceSchema) }) },
        },
      },
      async (request) => ({ items: await monitoring.listSilences(principalOf(request)) }),
    );

    app.post(
      '/silences',
      {
        schema: {
          tags: ['monitoring'],
          summary: 'Mute exceptions whose labels match, for a while',
          description:
            'Matchers in Alertmanager\'s syntax (`alertname="WorkStalled"`, `actor=~"agent-.*"`, `!=`, `!~`); an exception matching all of them tells nobody while the silence is active, and its due steps run when it ends. Give `endsAt`, or `duration` (e.g. `2h`).',
          body: z
            .strictObject({
              matchers: z.array(z.string().min(1)).min(1),
              startsAt: isoTime.optional().describe('default now'),
              endsAt: isoTime.optional(),
              duration: z.string().optional().describe('instead of endsAt: 30m, 2h, 1d'),
              comment: z.string().min(1).max(2000).describe('why; kept in the audit trail'),
            })
            .refine((b) => (b.endsAt === undefined) !== (b.duration === undefined), {
              message: 'give endsAt or duration (one of them)',
              path: ['endsAt'],
            }),
          response: { 201: silenceSchema },
        },
      },
      async (request, reply) => {
        const body = request.body;
        return reply.status(201).send(
          await monitoring.createSilence(principalOf(request), {
            matchers: body.matchers,
            startsAt: body.startsAt,
            endsAt: body.endsAt,
            duration: body.duration,
            comment: body.comment,
          }),
        );
      },
    );

    app.delete(
      '/silences/:id',
      {
        schema: {
          tags: ['monitoring'],
          summary: 'End a silence now',
          params: idParams,
          response: { 200: silenceSchema },
        },
      },
      async (request) => monitoring.expireSilence(principalOf(request), request.params.id),
    );

    app.get(
      '/actors/:id/inbox',
      {
        schema: {
          tags: ['monitoring'],
          summary: "An actor's notifications, newest first",
          params: idParams,
          querystring: z.strictObject({
            unread: z
              .enum(['true', 'false'])
              .transform((v) => v === 'true')
              .optional(),
            before: z.string().optional().describe('cursor: the nextCursor of the previous page'),
            limit: limitParam,
          }),
          response: { 200: page(notificationSchema) },
        },
      },
      async (request) => {
        const q = request.query;
        const items = await monitoring.inbox(principalOf(request), request.params.id, q);
        return cursorPage(items, q.limit, (item) => item.id);
      },
    );

    app.post(
      '/actors/:id/inbox/read',
      {
        schema: {
          tags: ['monitoring'],
          summary: 'Mark notifications read',
          params: idParams,
          body: z.strictObject({ ids: z.array(z.string().min(1)).min(1).max(1000) }),
          response: { 200: z.object({ marked: z.number().int() }) },
        },
      },
      async (request) => ({
        marked: await monitoring.markRead(
          principalOf(request),
          request.params.id,
          request.body.ids,
        ),
      }),
    );
  };
