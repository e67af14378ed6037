import { argumentsHash, type ApprovalResource } from '../core/approval.js';
import { BUILTIN_ACTIONS } from '../core/authority-config.js';
import { DomainError } from '../core/errors.js';
import { newEvent, type EventMap } from '../core/events.js';
import type { ApprovalContext } from './approval-context.js';
import { actionClassOf } from './build-authority.js';
import { contextOf, deniedError } from './request-approval.js';
import { resolveResource } from './resolve-resource.js';
import { useApproval } from './use-approval.js';

const BUILTIN = new Set<string>(BUILTIN_ACTIONS);

/** The action as recorded (`supervision.action.performed`), and what the policies answered. */
export type PerformedAction = EventMap['supervision.action.performed'] & {
  /** `allow`: the policies let it act alone; `approval_required`: it acted on an approval. */
  decision: 'allow' | 'approval_required';
  policies: { id: string; effect: 'permit' | 'forbid'; annotations: Record<string, string> }[];
};

/**
 * Records a custom action (a refund, a deploy) an agent takes outside the control plane, after
 * the authority decides it: allowed, it is recorded; approval required, it needs an approval
 * given for exactly this (which it spends); denied — by the policies, or by a pause of its class
 * (ctx.authority is pause-aware) — it is refused and nothing is recorded. An
 * approval passed for an allowed action is spent too, so no approval outlives its action.
 */
export async function performAction(
  ctx: ApprovalContext,
  request: {
    actorId: string;
    action: string;
    resource: ApprovalResource;
    arguments: Record<string, unknown>;
    approvalId?: string | undefined;
  },
): Promise<PerformedAction> {
  if (BUILTIN.has(request.action))
    throw new DomainError(
      'validation_failed',
      `'${request.action}' is a work action: take it through the work API`,
      { issues: [{ path: 'action', message: 'a custom action declared in the organization' }] },
    );
  if (ctx.authority.configured && !ctx.authority.compiled?.actions.has(request.action))
    throw new DomainError('validation_failed', `no custom action '${request.action}' is declared`, {
      issues: [{ path: 'action', message: 'unknown action' }],
    });
  const { target, domain } = await resolveResource(ctx.tx, request.resource);
  const verdict = ctx.authority.decide(
    request.actorId,
    request.action,
    target,
    contextOf(request.action, request.arguments),
  );
  if (verdict.decision === 'deny') throw deniedError(request.actorId, request.action, verdict);
  if (verdict.decision === 'approval_required' && request.approvalId === undefined)
    throw new DomainError(
      'approval_required',
      `'${request.actorId}' may ${request.action} ${request.resource.type} '${request.resource.id}' only with approval (${verdict.reason}): request one (POST /v1/approvals), then pass its approvalId`,
      { details: { action: request.action, policies: verdict.policies } },
    );
  if (request.approvalId !== undefined)
    await useApproval(
      ctx.tx,
      request.approvalId,
      {
        actorId: request.actorId,
        action: request.action,
        resource: request.resource,
        arguments: request.arguments,
      },
      ctx.clock.now().toISOString(),
    );
  const performed: PerformedAction = {
    actorId: request.actorId,
    action: request.action,
    class: actionClassOf(ctx.authority, request.action),
    resource: request.resource,
    domainId: domain.id,
    argumentsHash: argumentsHash(request.arguments),
    approvalId: request.approvalId ?? null,
    decision: verdict.decision,
    policies: verdict.policies,
  };
  const { decision: _d, policies: _p, ...payload } = performed;
  ctx.tx.events.append(
    newEvent('supervision.action.performed', request.actorId, request.resource.id, payload),
  );
  return performed;
}
