import type { WorkGuard, WorkRequest } from '../coordination/work-guard.js';
import type { Principal } from '../core/principal.js';

/** Actions an agent may take on an item it holds (or that is offered to it). */
const AGENT_SELF_ACTIONS = new Set(['start', 'complete', 'fail', 'release']);

/**
 * Access by token role until Cedar policies govern agents: admins and operators run any work
 * action; an agent acts only as itself — it takes, starts, finishes or gives back its own work
 * and never moves anyone else's; a viewer changes nothing.
 */
export const roleWorkGuard: WorkGuard = {
  check(principal: Principal, request: WorkRequest) {
    if (principal.kind !== 'token') return { allowed: true };
    switch (principal.role) {
      case 'admin':
      case 'operator':
        return { allowed: true };
      case 'viewer':
        return { allowed: false, reason: 'a viewer token cannot change anything' };
      case 'agent':
        return agentDecision(principal.actorId, request);
    }
  },
  // Roles say who may ask; whether an actor may take work is for halts (see haltAwareGuard).
  mayTake: () => ({ allowed: true }),
};

function agentDecision(self: string | null, request: WorkRequest) {
  const { operation, item, targetActorId } = request;
  if (self === null)
    return { allowed: false as const, reason: 'this agent token is bound to no actor' };
  if (operation === 'create') return { allowed: true as const };
  if (operation === 'assign' || operation === 'offer' || operation === 'claim') {
    return targetActorId === self
      ? { allowed: true as const }
      : {
          allowed: false as const,
          reason: `an agent token acts only as '${self}', not as '${targetActorId ?? '?'}'`,
        };
  }
  if (AGENT_SELF_ACTIONS.has(operation)) {
    const mine = item !== null && (item.ownerId === self || item.offeredTo === self);
    return mine
      ? { allowed: true as const }
      : {
          allowed: false as const,
          reason: `work item '${item?.id ?? '?'}' is not held by '${self}'`,
        };
  }
  return {
    allowed: false as const,
    reason: `agents may not ${operation.replace('_', ' ')} work items`,
  };
}
