import { DomainError } from '../core/errors.js';
import type { Actor } from '../core/model.js';
import type { WorkContext } from './work-context.js';

/** Refuses to give work to an actor supervision says may not take any now (a halted, paused or redirected agent). */
export function assertMayTake(ctx: WorkContext, actor: Actor): void {
  const decision = ctx.guard.mayTake(actor);
  if (!decision.allowed)
    throw new DomainError('forbidden', decision.reason, {
      details: { actorId: actor.id, ...decision.details },
    });
}
