import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { ERROR_TABLE } from '../../core/error-table.js';
import { DomainError, isDomainError } from '../../core/errors.js';
import { SEVERITIES } from '../../core/exception.js';
import { METRIC_KINDS } from '../../core/metric.js';
import type { Principal } from '../../core/principal.js';
import { MAX_WAIT_SECONDS } from '../../runtime/approval-service.js';
import type { ControlPlane } from '../../runtime/control-plane.js';

/** An agent's principal: a token bound to one actor. */
export type AgentPrincipal = Extract<Principal, { kind: 'token' }> & { actorId: string };

/** The principal if it is an agent token bound to an actor; MCP serves agents only. */
export function asAgent(principal: Principal | null): AgentPrincipal {
  if (principal?.kind !== 'token' || principal.role !== 'agent' || principal.actorId === null)
    throw new DomainError(
      'forbidden',
      'the MCP server serves agents: use an agent token bound to an actor',
    );
  return principal as AgentPrincipal;
}

/** A tool's answer: the value as structured content and as JSON text for clients without it. */
const ok = (value: unknown): CallToolResult => ({
  content: [{ type: 'text', text: JSON.stringify(value) }],
  structuredContent: { result: value },
});

/**
 * A refusal as a typed value the agent can act on (MCP reports tool failures as results, not
 * protocol errors): the domain code, its JSON-RPC code from the one error table, the message
 * and the offending fields.
 */
function refusal(error: DomainError): CallToolResult {
  const value = {
    error: {
      code: error.code,
      mcpCode: ERROR_TABLE[error.code].mcpCode,
      message: error.message,
      issues: error.issues,
      ...(Object.keys(error.details).length === 0 ? {} : { details: error.details }),
    },
  };
  return {
    isError: true,
    content: [{ type: 'text', text: JSON.stringify(value) }],
    structuredContent: value,
  };
}

/**
 * Runs the agent's tools: a use case's domain error becomes a refusal (recorded in the audit
 * log when it is one, as over HTTP); anything else stays a failure.
 */
function toolRunner(cp: ControlPlane, agent: AgentPrincipal) {
  return async (tool: string, fn: () => Promise<unknown>): Promise<CallToolResult> => {
    try {
      return ok(await fn());
    } catch (error) {
      if (!isDomainError(error)) throw error;
      await cp.recordRefusal(agent, 'mcp', tool, error);
      return refusal(error);
    }
  };
}

const approvalIdArg = z
  .string()
  .min(1)
  .optional()
  .describe(
    'where approval is required: the id of an approval of exactly this call (same arguments, without approvalId)',
  );

const resourceArg = z
  .object({ type: z.enum(['WorkItem', 'Domain']), id: z.string().min(1) })
  .describe('what the action is taken on');

/**
 * The authority tools: what the agent may do (my_authority, check_authority), asking and
 * waiting for a person's approval, and taking a custom action on the record.
 */
function registerAuthorityTools(server: McpServer, cp: ControlPlane, agent: AgentPrincipal): void {
  const run = toolRunner(cp, agent);
  server.registerTool(
    'my_authority',
    {
      title: 'My authority',
      description:
        'Which actions you may take where under the policies in force: each work action on a typical item of each work type, each custom action on what it applies to — allow, approval_required, deny, or depends_on_arguments (ask check_authority with them) — and the halts and pauses that stop you now (a paused class is denied).',
      inputSchema: {},
      annotations: READ,
    },
    () => run('my_authority', () => cp.approvals.actorAuthority(agent)),
  );

  server.registerTool(
    'check_authority',
    {
      title: 'Check authority',
      description:
        'Ask, without acting, whether you may take one action (a work action such as complete, or a custom action such as refund) on one resource with this context: allow, approval_required or deny, with the policies that decided (deny, naming the pause, while its class is paused for you).',
      inputSchema: {
        action: z.string().min(1),
        resource: resourceArg,
        context: z
          .record(z.string(), z.unknown())
          .optional()
          .describe('a custom action’s context as the organization declares it'),
      },
      annotations: READ,
    },
    ({ action, resource, context }) =>
      run('check_authority', () => cp.checkAuthority(agent, { action, resource, context })),
  );

  server.registerTool(
    'request_approval',
    {
      title: 'Request approval',
      description:
        'Ask a person to approve one action on one resource with exactly these arguments (a custom action’s context, or the arguments you will pass the work tool, without approvalId). Returns the approval (pending, with its approvers and expiry); wait for it with await_approval. Refused when the action needs no approval or is denied, or while its class is paused for you.',
      inputSchema: {
        action: z.string().min(1),
        resource: resourceArg,
        arguments: z.record(z.string(), z.unknown()).optional(),
        justification: z.string().max(2000).optional().describe('why, for the approvers'),
      },
      annotations: WRITE,
    },
    (request) => run('request_approval', () => cp.approvals.request(agent, request)),
  );

  server.registerTool(
    'await_approval',
    {
      title: 'Await approval',
      description:
        'Wait until a person decides your approval (or it expires), up to timeoutSeconds; returns it — state approved (act now, with approvalId and the approved arguments: approvedArguments when they were edited), rejected (with decisionReason), expired, or still pending when the time ran out.',
      inputSchema: {
        approvalId: z.string().min(1),
        timeoutSeconds: z.number().min(0).max(MAX_WAIT_SECONDS).default(60),
      },
      annotations: READ,
    },
    ({ approvalId, timeoutSeconds }) =>
      run('await_approval', () => cp.approvals.await(agent, approvalId, timeoutSeconds)),
  );

  server.registerTool(
    'perform_action',
    {
      title: 'Perform a custom action',
      description:
        'Before you take a custom action outside this system (a refund, a deploy): the policies decide it, and if you may, it is recorded and this is your go-ahead. Where approval is required, pass the approvalId of an approval of exactly these arguments (it is spent). Denied (by the policies, or while its class is paused for you): refused, nothing recorded.',
      inputSchema: {
        action: z.string().min(1),
        resource: resourceArg,
        arguments: z.record(z.string(), z.unknown()).optional(),
        approvalId: approvalIdArg,
      },
      annotations: WRITE,
    },
    (request) => run('perform_action', () => cp.approvals.perform(agent, request)),
  );
}

const WRITE = { readOnlyHint: false, destructiveHint: false, idempotentHint: false } as const;
const READ = { readOnlyHint: true } as const;

/**
 * The MCP server for one agent: every tool acts as that agent, through the same control plane
 * and the same checks (roles, halts) as the HTTP API — the agent can do nothing here it could
 * not do there. Work items are resources (`work://{id}`); the agent's own held work is listed.
 */
export function createMcpServer(cp: ControlPlane, agent: AgentPrincipal): McpServer {
  const server = new McpServer(
    { name: 'autonomy', version: '0.1.0' },
    {
      instructions: `You act as agent '${agent.actorId}'. Claim work with claim_work, start it, send heartbeats while you work, then complete_work or fail_work. my_authority says what you may do where; check_authority asks about one action. Where an action needs approval (error code approval_required), ask with request_approval giving the exact arguments you will send, wait with await_approval, then repeat the call with the same arguments and approvalId (custom actions: perform_action). Report problems with raise_exception and business figures with report_metric. A refused call returns { error: { code, message, issues } }.`,
    },
  );
  const self = agent.actorId;
  const run = toolRunner(cp, agent);

  server.registerTool(
    'claim_work',
    {
      title: 'Claim work',
      description:
        'Pull your best queued item (highest priority your skills meet); it is assigned to you with a lease. Returns { claimed, decision } or { claimed: null, reason, message } when there is nothing for you.',
      inputSchema: {},
      annotations: WRITE,
    },
    () => run('claim_work', () => cp.claimWork(agent, self)),
  );

  server.registerTool(
    'start_work',
    {
      title: 'Start work',
      description: 'Start an item assigned to you (its stall clock and duration start now).',
      inputSchema: { id: z.string().min(1).describe('work item id'), approvalId: approvalIdArg },
      annotations: WRITE,
    },
    ({ id, approvalId }) =>
      run('start_work', () => cp.transitionWork(agent, id, 'start', { approvalId })),
  );

  server.registerTool(
    'heartbeat',
    {
      title: 'Heartbeat',
      description:
        'Say you are alive and working: renews the leases of what you hold. Send one at least every few minutes while working, or your work is judged stalled.',
      inputSchema: {},
      annotations: { ...WRITE, idempotentHint: true },
    },
    () => run('heartbeat', () => cp.heartbeat(agent, self)),
  );

  server.registerTool(
    'complete_work',
    {
      title: 'Complete work',
      description:
        'Complete an item you hold (in progress). A staged item moves to its next stage.',
      inputSchema: {
        id: z.string().min(1).describe('work item id'),
        reason: z.string().max(2000).optional().describe('what was done, for the record'),
        approvalId: approvalIdArg,
      },
      annotations: WRITE,
    },
    ({ id, reason, approvalId }) =>
      run('complete_work', () => cp.transitionWork(agent, id, 'complete', { reason, approvalId })),
  );

  server.registerTool(
    'fail_work',
    {
      title: 'Fail work',
      description:
        'Give up on an item you hold: it is retried by someone else while its type allows, else it stays failed and raises an exception.',
      inputSchema: {
        id: z.string().min(1).describe('work item id'),
        reason: z.string().min(1).max(2000).describe('why it failed'),
        approvalId: approvalIdArg,
      },
      annotations: { ...WRITE, destructiveHint: true },
    },
    ({ id, reason, approvalId }) =>
      run('fail_work', () => cp.transitionWork(agent, id, 'fail', { reason, approvalId })),
  );

  registerAuthorityTools(server, cp, agent);

  server.registerTool(
    'raise_exception',
    {
      title: 'Raise an exception',
      description:
        'Tell the owners something needs attention: routed and escalated like any detector’s. The same labels raise one exception, however often.',
      inputSchema: {
        alertname: z.string().min(1).max(200).describe('what kind of problem, e.g. CustomerAngry'),
        severity: z.enum(SEVERITIES).default('warning'),
        summary: z.string().min(1).max(2000).describe('what is wrong and why, in words'),
        labels: z
          .record(z.string(), z.string())
          .optional()
          .describe('what identifies it, e.g. { domain, work }'),
        details: z.record(z.string(), z.unknown()).optional(),
      },
      annotations: WRITE,
    },
    ({ alertname, severity, summary, labels, details }) =>
      run('raise_exception', async () =>
        cp.monitoring.raise(agent, 'manual', {
          labels: { ...labels, alertname, severity },
          summary,
          details: details ?? {},
        }),
      ),
  );

  server.registerTool(
    'report_metric',
    {
      title: 'Report a metric',
      description:
        'Report a point of a custom series (an outcome the system cannot see itself): a counter increment or a gauge level. Scored for anomalies as it arrives.',
      inputSchema: {
        name: z.string().min(1).max(200),
        kind: z.enum(METRIC_KINDS),
        value: z.number(),
        labels: z.record(z.string(), z.string()).optional(),
        at: z.string().optional().describe('ISO 8601; default now'),
      },
      annotations: WRITE,
    },
    (point) =>
      run('report_metric', async () => (await cp.monitoring.recordMetrics(agent, [point]))[0]),
  );

  server.registerTool(
    'my_work',
    {
      title: 'My work',
      description: 'The items you hold or are offered, with their state.',
      inputSchema: {},
      annotations: READ,
    },
    () =>
      run('my_work', async () => [
        ...(await cp.listWork(agent, { ownerId: self, limit: 200 })),
        ...(await cp.listWork(agent, { offeredTo: self, limit: 200 })),
      ]),
  );

  server.registerResource(
    'work-item',
    new ResourceTemplate('work://{id}', {
      list: async () => ({
        resources: (await cp.listWork(agent, { ownerId: self, limit: 200 })).map((item) => ({
          uri: `work://${item.id}`,
          name: item.title,
          mimeType: 'application/json',
        })),
      }),
    }),
    {
      title: 'Work item',
      description: 'A work item with its history',
      mimeType: 'application/json',
    },
    async (uri, { id }) => ({
      contents: [
        {
          uri: uri.href,
          mimeType: 'application/json',
          text: JSON.stringify(await cp.getWork(agent, String(id))),
        },
      ],
    }),
  );

  return server;
}
