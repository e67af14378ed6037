import { describeControl, pauseOf, pauseRef, type AgentControl } from '../core/agent-control.js';
import { actionClassOf, type Authority } from './build-authority.js';

/**
 * `authority`, with the pauses in force (read in the transaction that decides, so each is in
 * effect from the very next request): an action of a class paused for the actor is denied
 * whatever the policies say (with or without policies), naming the pause, who applied it and
 * why. Every decision about an agent outside the work queue goes through it — authority
 * checks, approval requests and decisions, custom actions, the map of what it may do — so a
 * pause stops the class wherever the agent asks or acts.
 */
export function pauseAwareAuthority(
  authority: Authority,
  controls: readonly AgentControl[],
): Authority {
  if (!controls.some((c) => c.kind === 'pause')) return authority;
  return {
    ...authority,
    decide(actorId, action, resource, context, trust) {
      const pause = pauseOf(controls, actorId, actionClassOf(authority, action));
      if (pause === null) return authority.decide(actorId, action, resource, context, trust);
      return {
        decision: 'deny',
        policies: [],
        errors: [],
        reason: describeControl(pause),
        pause: pauseRef(pause),
      };
    },
  };
}
