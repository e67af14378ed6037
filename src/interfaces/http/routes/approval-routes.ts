import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { APPROVAL_STATES } from '../../../core/approval.js';
import { MAX_WAIT_SECONDS } from '../../../runtime/approval-service.js';
import type { ControlPlane } from '../../../runtime/control-plane.js';
import { principalOf } from '../authenticate-request.js';
import { cursorPage, idParams, limitParam, page } from '../schemas.js';

const resourceSchema = z
  .strictObject({ type: z.enum(['WorkItem', 'Domain']), id: z.string().min(1).max(200) })
  .describe('what the action is taken on, as the policies name it');

const argumentsSchema = z
  .record(z.string(), z.unknown())
  .describe(
    'a custom action’s context as org.yaml declares it (what the policies decide on), or the body the work request will be sent with (e.g. `{ "reason": "…" }`, without approvalId); bound by the sha256 of its RFC 8785 canonical JSON',
  );

const policySchema = z.object({
  id: z.string(),
  effect: z.enum(['permit', 'forbid']),
  annotations: z.record(z.string(), z.string()),
});

const approvalSchema = z.object({
  id: z.string(),
  state: z
    .enum(APPROVAL_STATES)
    .describe('pending → approved → used, or rejected, or expired (nobody decided in time)'),
  actorId: z.string().describe('the agent it lets act: only it may use it'),
  requestedBy: z.string(),
  action: z.string(),
  actionClass: z.string().describe('the trust class (`work` for work actions)'),
  resource: resourceSchema,
  domainId: z.string(),
  arguments: z.record(z.string(), z.unknown()).readonly().describe('as requested'),
  argumentsHash: z.string().describe('sha256 of the canonical JSON of the requested arguments'),
  approvedArguments: z
    .record(z.string(), z.unknown())
    .readonly()
    .nullable()
    .describe('the arguments as approved with edits; null when approved as asked'),
  approvedHash: z.string().describe('what a use must match: the edited arguments’ hash if edited'),
  changes: z
    .array(
      z.object({
        path: z.string(),
        requested: z.unknown().optional(),
        approved: z.unknown().optional(),
      }),
    )
    .describe('the diff from requested to approved arguments (empty unless edited)'),
  justification: z.string(),
  policies: z.array(policySchema).readonly().describe('the policies that required approval'),
  approvers: z
    .array(z.string())
    .readonly()
    .describe('the people who may decide (admins may always decide besides them)'),
  revision: z.number().int(),
  webhook: z.object({ url: z.string() }).nullable(),
  exceptionId: z
    .string()
    .nullable()
    .describe('the ApprovalPending exception that routes it to people'),
  createdAt: z.string(),
  expiresAt: z.string(),
  decidedAt: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decisionReason: z.string().nullable(),
  usedAt: z.string().nullable(),
  version: z.number().int(),
});

const DECIDERS =
  'Decided by one of its approvers (a person’s token bound to that actor) or an admin; never by an agent, and never by whoever asked for it or would act on it — such an attempt is refused with 403 and recorded (`supervision.approval.decision_refused`). Only a pending approval whose expiry has not passed is decided (409 otherwise). The ApprovalPending exception resolves and the requester’s webhook, if any, is told.';

export const approvalRoutes =
  (cp: ControlPlane): FastifyPluginAsyncZod =>
  // eslint-disable-next-line @typescript-eslint/require-await -- Fastify plugins are async by contract
  async (app) => {
    // A long poll must not hold the server open: closing answers every waiter at once.
    const closing = new AbortController();
    app.addHook('preClose', (done) => {
      closing.abort();
      done();
    });

    app.post(
      '/approvals',
      {
        schema: {
          tags: ['supervision'],
          summary: 'Ask a person’s approval for one exact action',
          description:
            'For an action the authority policies answer `approval_required`: one action (a work action such as `complete`, or a custom action such as `refund`), one resource and its arguments, bound together by the arguments’ hash. Stored pending with its approvers (the determining policies’ `@approvers`, else the owners of the resource’s domain) and expiry (`@expires`, else 24h), and routed to people as an `ApprovalPending` exception (labels `domain`, `action`, `approval`) through the routing tree and escalation policies. Refused with 409 when the policies allow the action anyway (nothing to approve), and 403 when they deny it or while the action’s class is paused for the agent (naming the pause). An agent token asks for itself; people name the agent (`actorId`). Wait for the decision with `GET /v1/approvals/{id}?wait=…`, the event stream, or `webhook` (posted once decided or expired, signed with the key in AUTONOMY_APPROVAL_WEBHOOK_SECRET, retried like monitoring’s webhooks).',
          body: z.strictObject({
            actorId: z.string().min(1).max(200).optional(),
            action: z.string().min(1).max(200),
            resource: resourceSchema,
            arguments: argumentsSchema.optional(),
            justification: z.string().max(2000).optional().describe('why, for the approvers'),
            webhook: z.strictObject({ url: z.url({ protocol: /^https?$/ }).max(2000) }).optional(),
          }),
          response: { 201: approvalSchema },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await cp.approvals.request(principalOf(request), request.body)),
    );

    app.get(
      '/approvals',
      {
        schema: {
          tags: ['supervision'],
          summary: 'Approvals, oldest first, by state',
          description:
            '`state=pending` is what waits for people; `actorId` narrows to the approvals that let one agent act (only it can use them).',
          querystring: z.strictObject({
            state: z.enum(APPROVAL_STATES).optional(),
            actorId: z.string().optional().describe('the agent they let act'),
            after: z.string().optional().describe('cursor: the nextCursor of the previous page'),
            limit: limitParam,
          }),
          response: { 200: page(approvalSchema) },
        },
      },
      async (request) => {
        const q = request.query;
        const items = await cp.approvals.list(principalOf(request), q);
        return cursorPage(items, q.limit, (a) => a.id);
      },
    );

    app.get(
      '/approvals/:id',
      {
        schema: {
          tags: ['supervision'],
          summary: 'One approval; with `wait`, once it is decided',
          description: `With \`wait=<seconds>\` (at most ${MAX_WAIT_SECONDS}) a pending approval is answered as soon as it is decided, expires or is used — woken by the commit, not by polling — or as it is when the time is up (still pending).`,
          params: idParams,
          querystring: z.strictObject({
            wait: z.coerce.number().min(0).max(MAX_WAIT_SECONDS).optional(),
          }),
          response: { 200: approvalSchema },
        },
      },
      async (request, reply) => {
        // A client that goes away ends its wait too.
        const gone = new AbortController();
        const leave = () => {
          gone.abort();
        };
        reply.raw.once('close', leave);
        closing.signal.addEventListener('abort', leave, { once: true });
        // Gone or closing before this handler listened: nothing would wake the wait.
        if (closing.signal.aborted || request.raw.socket.destroyed) leave();
        try {
          const approval = await cp.approvals.await(
            principalOf(request),
            request.params.id,
            request.query.wait ?? 0,
            gone.signal,
          );
          // Answered because the server is closing: the connection closes with the answer,
          // rather than lingering idle and holding the close up.
          if (closing.signal.aborted) void reply.header('connection', 'close');
          return approval;
        } finally {
          reply.raw.off('close', leave);
          closing.signal.removeEventListener('abort', leave);
        }
      },
    );

    app.post(
      '/approvals/:id/approve',
      {
        schema: {
          tags: ['supervision'],
          summary: 'Approve, as asked or with edited arguments',
          description: `With \`arguments\` the approval is for those instead (approve with edits): the agent must act with exactly them (a new hash), and \`changes\` shows the diff. The action is decided again with the approved arguments: what the policies deny cannot be approved (403), nor an action of a class paused for the agent while the pause is in force (403, naming the pause; the approval stays pending). ${DECIDERS}`,
          params: idParams,
          body: z
            .strictObject({
              arguments: argumentsSchema.optional(),
              reason: z.string().max(2000).optional(),
            })
            .nullish()
            .transform((body) => body ?? {}),
          response: { 200: approvalSchema },
        },
      },
      async (request) =>
        cp.approvals.approve(principalOf(request), request.params.id, request.body),
    );

    app.post(
      '/approvals/:id/reject',
      {
        schema: {
          tags: ['supervision'],
          summary: 'Reject, with a reason',
          description: DECIDERS,
          params: idParams,
          body: z.strictObject({ reason: z.string().min(1).max(2000) }),
          response: { 200: approvalSchema },
        },
      },
      async (request) =>
        cp.approvals.reject(principalOf(request), request.params.id, request.body.reason),
    );

    app.post(
      '/actions',
      {
        schema: {
          tags: ['supervision'],
          summary: 'Take a custom action: decided by the policies, recorded for the audit',
          description:
            'For a custom action declared in org.yaml (a refund, a deploy) that happens outside autonomy: the authority decides it for the agent; allowed, it is recorded (`supervision.action.performed`) and the answer is the agent’s go-ahead; approval required, it needs `approvalId` — an approval of exactly this action, resource and arguments, which it spends (403 `approval_required` without one; 403 `forbidden` for a stale, used, rejected, expired, unknown or mismatched one); denied — by the policies, or while the action’s class is paused for the agent (the problem names the pause) — 403 and nothing recorded. Work actions go through /v1/work.',
          body: z.strictObject({
            actorId: z.string().min(1).max(200).optional(),
            action: z.string().min(1).max(200),
            resource: resourceSchema,
            arguments: argumentsSchema.optional(),
            approvalId: z.string().min(1).max(200).optional(),
          }),
          response: {
            201: z.object({
              actorId: z.string(),
              action: z.string(),
              class: z.string(),
              resource: resourceSchema,
              domainId: z.string(),
              argumentsHash: z.string(),
              approvalId: z.string().nullable(),
              decision: z.enum(['allow', 'approval_required']),
              policies: z.array(policySchema),
            }),
          },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await cp.approvals.perform(principalOf(request), request.body)),
    );
  };
