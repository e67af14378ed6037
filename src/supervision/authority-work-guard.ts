import type { GuardDecision, WorkGuard } from '../coordination/work-guard.js';
import { BUILTIN_ACTIONS } from '../core/authority-config.js';
import type { Principal } from '../core/principal.js';
import type { Authority } from './build-authority.js';
import type { TrustLevels } from './trust-levels.js';

const GOVERNED = new Set<string>(BUILTIN_ACTIONS);

/**
 * `base`, and besides it every work action of an agent token decided by the authority policies
 * (Cedar evaluation is synchronous, so it fits the guard). The role rules still come first: an
 * agent acts only as itself whatever a policy says. A request about an item not known yet
 * (before a claim picks one, before a new item is made) passes here and is asked again with the
 * item. Approval required refuses the action with its own error code, unless the request
 * carried an approval already spent on exactly this action and item in the same transaction
 * (`approved`, see useApproval).
 */
export function authorityWorkGuard(
  base: WorkGuard,
  authority: Authority,
  approved: { action: string; workItemId: string } | null = null,
  /** The agent's trust levels, read in the request's transaction. */
  trust?: TrustLevels,
): WorkGuard {
  if (!authority.configured) return base;
  return {
    mayTake: (actor) => base.mayTake(actor),
    check(principal: Principal, request): GuardDecision {
      const decision = base.check(principal, request);
      if (!decision.allowed) return decision;
      if (principal.kind !== 'token' || principal.role !== 'agent' || principal.actorId === null)
        return decision;
      if (request.item === null || !GOVERNED.has(request.operation)) return decision;
      const verdict = authority.decide(
        principal.actorId,
        request.operation,
        { kind: 'workItem', item: request.item },
        {},
        trust,
      );
      if (verdict.decision === 'allow') return decision;
      if (
        verdict.decision === 'approval_required' &&
        approved?.action === request.operation &&
        approved.workItemId === request.item.id
      )
        return decision;
      const details = {
        action: request.operation,
        workItem: request.item.id,
        policies: verdict.policies,
        evaluationErrors: verdict.errors,
      };
      return verdict.decision === 'approval_required'
        ? {
            allowed: false,
            code: 'approval_required',
            reason: `'${principal.actorId}' may ${request.operation} work item '${request.item.id}' only with approval (${verdict.reason}): request one (POST /v1/approvals, or the request_approval tool) with the arguments this request sends, then send it again with the approvalId once a person approves`,
            details,
          }
        : {
            allowed: false,
            reason: `'${principal.actorId}' may not ${request.operation} work item '${request.item.id}': ${verdict.reason}`,
            details,
          };
    },
  };
}
