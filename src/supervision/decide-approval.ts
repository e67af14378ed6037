import { argumentsHash, diffArguments, type Approval } from '../core/approval.js';
import { DomainError, notFound } from '../core/errors.js';
import { newEvent } from '../core/events.js';
import { principalName, type Principal } from '../core/principal.js';
import type { ApprovalContext } from './approval-context.js';
import { announceApprovalEnd } from './approval-notices.js';
import { contextOf, deniedError } from './request-approval.js';
import { resolveResource } from './resolve-resource.js';

export type ApprovalDecision =
  | {
      kind: 'approve';
      /** Approve with edits: the arguments the agent may act with instead (a new hash). */
      arguments?: Record<string, unknown> | undefined;
      reason?: string | undefined;
    }
  | { kind: 'reject'; reason: string };

/**
 * Why `principal` may not decide `approval`, or null when it may. Agents never decide; nobody
 * decides an approval they asked for or that lets them act; admins (and the CLI, with the
 * rights of whoever opens the database) decide any; anyone else must be one of its approvers
 * (a person's token bound to that actor). Viewers change nothing.
 */
export function refusalToDecide(principal: Principal, approval: Approval): string | null {
  if (principal.kind === 'system') return 'the engine does not decide approvals: people do';
  if (principal.kind === 'token' && principal.role === 'agent')
    return 'an agent token never decides approvals: people do';
  const name = principalName(principal);
  if (name === approval.actorId || name === approval.requestedBy)
    return `'${name}' asked for this approval and cannot decide it: another person must`;
  if (principal.kind === 'cli') return null;
  if (principal.role === 'viewer') return 'a viewer token cannot decide approvals';
  if (principal.role === 'admin') return null;
  if (principal.actorId !== null && approval.approvers.includes(principal.actorId)) return null;
  return `only its approvers (${approval.approvers.join(', ') || 'none named'}) or an admin may decide this approval, and this ${principal.role} token acts for ${principal.actorId === null ? 'no actor' : `'${principal.actorId}'`}`;
}

/** Refuses a decision on an approval that is no longer pending, or whose time ran out. */
export function assertPending(approval: Approval, nowIso: string): void {
  if (approval.state !== 'pending')
    throw new DomainError(
      'illegal_transition',
      `approval '${approval.id}' is ${approval.state}: only a pending approval is decided`,
      { details: { approval: approval.id, state: approval.state } },
    );
  if (approval.expiresAt <= nowIso)
    throw new DomainError(
      'illegal_transition',
      `approval '${approval.id}' expired on ${approval.expiresAt}: ask again`,
      { details: { approval: approval.id, state: 'expired', expiresAt: approval.expiresAt } },
    );
}

/**
 * Approves (as asked, or with edited arguments, which become what the agent must act with) or
 * rejects (with a reason) a pending approval. Who may decide is checked by the caller, which
 * records refused attempts (see refusalToDecide). An approval is decided once: concurrent
 * decisions find it changed. Approving re-decides the action with the arguments approved: the
 * policies still deny what they deny, approval or not, and while the action's class is paused
 * for the agent it is not approved (rejecting it is fine; approve it once the pause is lifted).
 */
export async function decideApproval(
  ctx: ApprovalContext,
  id: string,
  decision: ApprovalDecision,
): Promise<Approval> {
  const approval = await ctx.tx.approvals.get(id);
  if (approval === null) throw notFound('approval', id);
  const now = ctx.clock.now().toISOString();
  assertPending(approval, now);
  const by = principalName(ctx.principal);
  let decided: Approval;
  if (decision.kind === 'approve') {
    const approvedArguments = decision.arguments ?? approval.arguments;
    const { target } = await resolveResource(ctx.tx, approval.resource);
    const verdict = ctx.authority.decide(
      approval.actorId,
      approval.action,
      target,
      contextOf(approval.action, approvedArguments),
    );
    if (verdict.decision === 'deny') throw deniedError(approval.actorId, approval.action, verdict);
    const approvedHash = argumentsHash(approvedArguments);
    const edited = approvedHash !== approval.argumentsHash;
    decided = {
      ...approval,
      state: 'approved',
      approvedArguments: edited ? approvedArguments : null,
      approvedHash,
      decidedAt: now,
      decidedBy: by,
      decisionReason: decision.reason ?? null,
      version: approval.version + 1,
    };
    ctx.tx.events.append(
      newEvent('supervision.approval.approved', by, id, {
        domainId: approval.domainId,
        requestedAt: approval.createdAt,
        actorId: approval.actorId,
        action: approval.action,
        resource: approval.resource,
        approvedHash,
        changes: edited ? diffArguments(approval.arguments, approvedArguments) : [],
        reason: decision.reason ?? '',
      }),
    );
  } else {
    decided = {
      ...approval,
      state: 'rejected',
      decidedAt: now,
      decidedBy: by,
      decisionReason: decision.reason,
      version: approval.version + 1,
    };
    ctx.tx.events.append(
      newEvent('supervision.approval.rejected', by, id, {
        domainId: approval.domainId,
        requestedAt: approval.createdAt,
        actorId: approval.actorId,
        action: approval.action,
        resource: approval.resource,
        reason: decision.reason,
      }),
    );
  }
  if (!(await ctx.tx.approvals.update(decided)))
    throw new DomainError('conflict', `approval '${id}' was decided concurrently`, {
      details: { approval: id },
    });
  await announceApprovalEnd(ctx, decided);
  return decided;
}

/** Pending approvals past their expiry become expired, each an event; returns them. */
export async function expireApprovals(ctx: ApprovalContext, limit: number): Promise<Approval[]> {
  const now = ctx.clock.now().toISOString();
  const expired: Approval[] = [];
  for (const approval of await ctx.tx.approvals.listExpired(now, limit)) {
    const next: Approval = { ...approval, state: 'expired', version: approval.version + 1 };
    if (!(await ctx.tx.approvals.update(next))) continue;
    ctx.tx.events.append(
      newEvent('supervision.approval.expired', 'system', approval.id, {
        domainId: approval.domainId,
        requestedAt: approval.createdAt,
        actorId: approval.actorId,
        action: approval.action,
        resource: approval.resource,
        expiresAt: approval.expiresAt,
      }),
    );
    await announceApprovalEnd(ctx, next);
    expired.push(next);
  }
  return expired;
}
