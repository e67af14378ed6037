import type { GuardDecision, WorkGuard } from '../coordination/work-guard.js';
import { describeControl, pauseOf, redirectOf, type AgentControl } from '../core/agent-control.js';
import { WORK_CLASS } from '../core/authority-config.js';
import type { Actor } from '../core/model.js';
import type { Principal } from '../core/principal.js';

/**
 * `base`, and besides it the pauses and redirects in force (read once per transaction, so each
 * is in effect from the very next request): an agent whose `work` class is paused makes no work
 * action with its token, and neither a paused nor a redirected agent is given work (a claim, an
 * offer or assignment, even an operator's, push and preemption pass it over).
 */
export function controlAwareGuard(base: WorkGuard, controls: readonly AgentControl[]): WorkGuard {
  if (controls.length === 0) return base;
  return {
    check(principal: Principal, request): GuardDecision {
      if (principal.kind === 'token' && principal.role === 'agent' && principal.actorId !== null) {
        const pause = pauseOf(controls, principal.actorId, WORK_CLASS);
        // A claim or an accepted offer is an assignment to itself: it would take work.
        const taking =
          request.operation === 'assign' && request.targetActorId === principal.actorId;
        const doing = taking ? 'take' : request.operation.replace('_', ' ');
        if (pause !== null)
          return {
            allowed: false,
            reason: `'${pause.actorId}' may not ${doing} work: ${describeControl(pause)}`,
            details: controlDetails(pause),
          };
      }
      return base.check(principal, request);
    },
    mayTake(actor: Actor): GuardDecision {
      const control =
        redirectOf(controls, actor.id) ?? pauseOf(controls, actor.id, WORK_CLASS) ?? null;
      return control === null
        ? base.mayTake(actor)
        : {
            allowed: false,
            reason: `'${actor.id}' takes no work: ${describeControl(control)}`,
            details: controlDetails(control),
          };
    },
  };
}

/** What a refusal carries about the control behind it: which, who applied it, and why. */
export function controlDetails(control: AgentControl): Record<string, unknown> {
  return {
    [control.kind]: control.id,
    ...(control.kind === 'pause' ? { actionClass: control.actionClass } : { to: control.to }),
    appliedBy: control.appliedBy,
    reason: control.reason,
  };
}
