import type { Approval } from '../core/approval.js';
import { newId } from '../core/ids.js';
import { resolveException } from '../monitoring/close-exception.js';
import { raiseException } from '../monitoring/raise-exception.js';
import type { ApprovalContext } from './approval-context.js';

/** The environment variable holding the key approval webhooks are signed with. */
export const APPROVAL_WEBHOOK_SECRET_ENV = 'AUTONOMY_APPROVAL_WEBHOOK_SECRET';

/** The exception a pending approval raises: routed and escalated like any other. */
export const APPROVAL_PENDING = 'ApprovalPending';

const monitoringOf = (ctx: ApprovalContext) => ({
  tx: ctx.tx,
  clock: ctx.clock,
  principal: ctx.principal,
  policy: ctx.routing,
});

/**
 * Raises the ApprovalPending exception that takes a new approval to people: labelled with its
 * domain and action (what routes match on) and the approval itself (so each is its own
 * exception), routed by the organization's tree and escalated by its policies. Returns its id.
 */
export async function raiseApprovalPending(
  ctx: ApprovalContext,
  approval: Approval,
): Promise<string> {
  const raised = await raiseException(monitoringOf(ctx), 'supervision:approvals', {
    labels: {
      alertname: APPROVAL_PENDING,
      severity: 'warning',
      domain: approval.domainId,
      action: approval.action,
      approval: approval.id,
    },
    summary: `'${approval.actorId}' asks approval to ${approval.action} ${approval.resource.type} '${approval.resource.id}'${approval.justification === '' ? '' : `: ${approval.justification}`}`,
    details: {
      approvalId: approval.id,
      actorId: approval.actorId,
      action: approval.action,
      resource: approval.resource,
      arguments: approval.arguments,
      approvers: approval.approvers,
      expiresAt: approval.expiresAt,
    },
  });
  return raised.exception.id;
}

/**
 * After a decision or an expiry: the exception that routed the approval resolves (unless a
 * person already closed it), and the webhook the requester gave is told, through monitoring's
 * delivery outbox (signed, retried, in this transaction).
 */
export async function announceApprovalEnd(ctx: ApprovalContext, approval: Approval): Promise<void> {
  const exceptionId = approval.exceptionId;
  if (exceptionId === null) return;
  const exception = await ctx.tx.exceptions.get(exceptionId);
  if (exception !== null && exception.state !== 'resolved')
    await resolveException(monitoringOf(ctx), exceptionId, 'cleared', `approval ${approval.state}`);
  if (approval.webhook === null) return;
  const now = ctx.clock.now().toISOString();
  await ctx.tx.exceptions.enqueueDelivery({
    id: newId('whd', ctx.clock.now().getTime()),
    exceptionId,
    receiver: `approval:${approval.id}`,
    url: approval.webhook.url,
    format: 'json',
    secretEnv: APPROVAL_WEBHOOK_SECRET_ENV,
    event: 'resolved',
    body: JSON.stringify({ version: '1', event: `approval.${approval.state}`, approval }),
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    lastStatus: null,
    lastError: null,
    createdAt: now,
    deliveredAt: null,
  });
}
