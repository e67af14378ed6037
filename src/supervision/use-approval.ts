import { argumentsHash, type Approval, type ApprovalResource } from '../core/approval.js';
import { DomainError } from '../core/errors.js';
import { newEvent } from '../core/events.js';
import type { TxStores } from '../core/ports/store.js';

/** What an action about to be taken is: the approval must have been given for exactly this. */
export interface ApprovedUse {
  actorId: string;
  action: string;
  resource: ApprovalResource;
  /** The arguments it is taken with (a work request's body without `approvalId`). */
  arguments: Readonly<Record<string, unknown>>;
}

function refused(approvalId: string, problem: string, message: string): DomainError {
  return new DomainError('forbidden', `approval '${approvalId}' ${message}`, {
    issues: [{ path: 'approvalId', message }],
    details: { approval: approvalId, problem },
  });
}

/**
 * Why `approval` does not cover `use` at `nowIso`, or null when it does: it must exist, be for
 * the same actor, action, resource and argument hash (the edited one, when edited), be
 * approved, unused and not expired. An unknown id and another actor's approval read the same,
 * so an id reveals nothing.
 */
export function approvalMismatch(
  approval: Approval | null,
  use: ApprovedUse,
  nowIso: string,
): { problem: string; message: string } | null {
  if (approval?.actorId !== use.actorId)
    return { problem: 'unknown', message: `is not an approval of '${use.actorId}'` };
  if (approval.state !== 'approved')
    return {
      problem: approval.state,
      message:
        approval.state === 'used'
          ? `was already used on ${approval.usedAt ?? '?'}: an approval is good for one action`
          : `is ${approval.state}, not approved`,
    };
  if (approval.expiresAt <= nowIso)
    return { problem: 'expired', message: `expired on ${approval.expiresAt}: ask again` };
  if (approval.action !== use.action)
    return { problem: 'mismatch', message: `is for ${approval.action}, not ${use.action}` };
  if (approval.resource.type !== use.resource.type || approval.resource.id !== use.resource.id)
    return {
      problem: 'mismatch',
      message: `is for ${approval.resource.type} '${approval.resource.id}', not ${use.resource.type} '${use.resource.id}'`,
    };
  if (argumentsHash(use.arguments) !== approval.approvedHash)
    return {
      problem: 'mismatch',
      message:
        approval.approvedArguments === null
          ? 'was given for other arguments: act with exactly the arguments approved'
          : 'was approved with edits: act with the approved arguments',
    };
  return null;
}

/**
 * Spends an approval on the action it was given for, in the transaction that takes the action
 * (if the action fails, the approval stays unused). Anything that does not match refuses,
 * and nothing changes.
 */
export async function useApproval(
  tx: Pick<TxStores, 'approvals' | 'events'>,
  approvalId: string,
  use: ApprovedUse,
  nowIso: string,
): Promise<Approval> {
  const approval = await tx.approvals.get(approvalId);
  const mismatch = approvalMismatch(approval, use, nowIso);
  if (mismatch !== null || approval === null)
    throw refused(approvalId, mismatch?.problem ?? 'unknown', mismatch?.message ?? 'is unknown');
  const used: Approval = {
    ...approval,
    state: 'used',
    usedAt: nowIso,
    version: approval.version + 1,
  };
  if (!(await tx.approvals.update(used)))
    throw refused(approvalId, 'used', 'was used concurrently: an approval is good for one action');
  tx.events.append(
    newEvent('supervision.approval.used', use.actorId, approvalId, {
      actorId: use.actorId,
      action: use.action,
      resource: use.resource,
      argumentsHash: approval.approvedHash,
    }),
  );
  return used;
}

/**
 * Spends the approval a work request carries (`approvalId` beside its body) on that action and
 * item, for the agent the token acts as; returns what the authority guard then lets through.
 */
export async function spendWorkApproval(
  tx: Pick<TxStores, 'approvals' | 'events'>,
  actorId: string | null,
  request: {
    approvalId: string;
    action: string;
    workItemId: string;
    arguments: Readonly<Record<string, unknown>>;
  },
  nowIso: string,
): Promise<{ action: string; workItemId: string }> {
  if (actorId === null)
    throw refused(request.approvalId, 'unknown', 'lets an agent act: use the agent’s own token');
  await useApproval(
    tx,
    request.approvalId,
    {
      actorId,
      action: request.action,
      resource: { type: 'WorkItem', id: request.workItemId },
      arguments: request.arguments,
    },
    nowIso,
  );
  return { action: request.action, workItemId: request.workItemId };
}
