import type { CedarValueJson } from '@cedar-policy/cedar-wasm/nodejs';
import { argumentsHash, type Approval, type ApprovalResource } from '../core/approval.js';
import { BUILTIN_ACTIONS } from '../core/authority-config.js';
import { DomainError } from '../core/errors.js';
import { newEvent } from '../core/events.js';
import { newId } from '../core/ids.js';
import { principalName } from '../core/principal.js';
import type { ApprovalContext } from './approval-context.js';
import { raiseApprovalPending } from './approval-notices.js';
import { approvalTerms } from './approval-terms.js';
import { actionClassOf } from './build-authority.js';
import type { AuthorityDecision } from './decide-authority.js';
import { resolveResource } from './resolve-resource.js';

const BUILTIN = new Set<string>(BUILTIN_ACTIONS);

export interface ApprovalRequest {
  actorId: string;
  action: string;
  resource: ApprovalResource;
  /**
   * A custom action's context (what the policies decide on), or the body a work action will be
   * sent with (`{ reason }`); either way what the approval is bound to, by hash.
   */
  arguments: Record<string, unknown>;
  justification?: string | undefined;
  webhook?: { url: string } | undefined;
}

/** The context Cedar decides a request with: a custom action's arguments; none for work actions. */
export const contextOf = (
  action: string,
  args: Readonly<Record<string, unknown>>,
): Record<string, CedarValueJson> =>
  BUILTIN.has(action) ? {} : (args as Record<string, CedarValueJson>);

/**
 * The refusal of something the authority denies outright: by its policies, or by a pause of the
 * action's class (named as a paused work action's refusal names it: `pause`, `actionClass`,
 * `appliedBy`, `reason`).
 */
export function deniedError(actorId: string, action: string, verdict: AuthorityDecision) {
  const { pause } = verdict;
  return new DomainError('forbidden', `'${actorId}' may not ${action}: ${verdict.reason}`, {
    details: {
      action,
      policies: verdict.policies,
      evaluationErrors: verdict.errors,
      ...(pause === undefined
        ? {}
        : {
            pause: pause.id,
            actionClass: pause.actionClass,
            appliedBy: pause.appliedBy,
            reason: pause.reason,
          }),
    },
  });
}

/**
 * Asks a person's go-ahead for one action on one resource with exactly these arguments. Only
 * what the policies answer "approval required" can be asked: an allowed action needs none, a
 * denied one cannot be approved, nor one of a class paused for the agent (it may not act in
 * it now, and people are not asked to approve what it may not do). The approval is stored pending, bound to the hash of the
 * arguments, with its approvers and expiry from the determining policies (see approvalTerms),
 * and an ApprovalPending exception routes it to people.
 */
export async function requestApproval(
  ctx: ApprovalContext,
  request: ApprovalRequest,
): Promise<Approval> {
  const { authority, tx } = ctx;
  const { target, domain } = await resolveResource(tx, request.resource);
  const verdict = authority.decide(
    request.actorId,
    request.action,
    target,
    contextOf(request.action, request.arguments),
  );
  if (verdict.decision === 'deny') throw deniedError(request.actorId, request.action, verdict);
  if (!authority.configured)
    throw new DomainError(
      'conflict',
      'no authority policies are configured: token roles alone decide, and nothing needs approval',
      { details: { decision: 'allow' } },
    );
  if (verdict.decision === 'allow')
    throw new DomainError(
      'conflict',
      `'${request.actorId}' may ${request.action} ${request.resource.type} '${request.resource.id}' without approval (${verdict.reason}): nothing to approve`,
      { details: { decision: 'allow', policies: verdict.policies } },
    );

  const [actors, domains] = await Promise.all([tx.actors.list(), tx.domains.list()]);
  const terms = approvalTerms(verdict.policies, domain, {
    actors: new Map(actors.map((a) => [a.id, a])),
    domains: new Map(domains.map((d) => [d.id, d])),
  });
  const now = ctx.clock.now();
  const hash = argumentsHash(request.arguments);
  const approval: Approval = {
    id: newId('apr', now.getTime()),
    state: 'pending',
    actorId: request.actorId,
    requestedBy: principalName(ctx.principal),
    action: request.action,
    actionClass: actionClassOf(authority, request.action),
    resource: request.resource,
    domainId: domain.id,
    arguments: request.arguments,
    argumentsHash: hash,
    approvedArguments: null,
    approvedHash: hash,
    justification: request.justification ?? '',
    policies: verdict.policies,
    approvers: terms.approvers,
    revision: authority.revision,
    webhook: request.webhook ?? null,
    exceptionId: null,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + terms.expiresInSeconds * 1000).toISOString(),
    decidedAt: null,
    decidedBy: null,
    decisionReason: null,
    usedAt: null,
    version: 1,
  };
  tx.events.append(
    newEvent('supervision.approval.requested', approval.requestedBy, approval.id, {
      actorId: approval.actorId,
      action: approval.action,
      class: approval.actionClass,
      resource: approval.resource,
      domainId: approval.domainId,
      arguments: request.arguments,
      argumentsHash: hash,
      justification: approval.justification,
      policies: verdict.policies.map((p) => p.id),
      approvers: terms.approvers,
      expiresAt: approval.expiresAt,
    }),
  );
  const stored = { ...approval, exceptionId: await raiseApprovalPending(ctx, approval) };
  await tx.approvals.insert(stored);
  return stored;
}
