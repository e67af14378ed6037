import type { WorkContext } from '../coordination/work-context.js';
import type { AgentControl, AgentControlKind, Pause } from '../core/agent-control.js';
import { DomainError, notFound } from '../core/errors.js';
import { newEvent } from '../core/events.js';
import { newId } from '../core/ids.js';
import { principalName } from '../core/principal.js';

/** Refuses an actor a control cannot name: unknown, or a person (controls govern agents). */
export async function checkControlledAgent(ctx: WorkContext, actorId: string): Promise<void> {
  const actor = await ctx.tx.actors.get(actorId);
  if (actor === null)
    throw new DomainError('unknown_reference', `actor '${actorId}' does not exist`, {
      issues: [{ path: 'actorId', message: 'unknown actor' }],
    });
  if (actor.kind !== 'agent')
    throw new DomainError(
      'validation_failed',
      `'${actorId}' is a person: pauses and redirects govern agents`,
      { issues: [{ path: 'actorId', message: 'not an agent' }] },
    );
}

/**
 * Pauses one class of an agent's actions without stopping it: from the next request on, its
 * requests of that class are refused (the work actions, for class `work`; for a custom class,
 * its custom actions and approval requests, and authority checks answer deny: see
 * pauseAwareAuthority), and for class `work` it is given no new work;
 * every other class goes on. What it holds stays with it (redirect it to move it).
 * `classes` are the classes the organization has: `work` and its custom actions' classes.
 */
export async function pauseActionClass(
  ctx: WorkContext,
  request: { actorId: string; actionClass: string; reason: string },
  classes: readonly string[],
): Promise<Pause> {
  await checkControlledAgent(ctx, request.actorId);
  if (!classes.includes(request.actionClass))
    throw new DomainError(
      'unknown_reference',
      `no action class '${request.actionClass}': the classes are ${classes.join(', ')}`,
      { issues: [{ path: 'actionClass', message: 'unknown action class' }] },
    );
  const now = ctx.clock.now();
  const pause: Pause = {
    kind: 'pause',
    id: newId('pau', now.getTime()),
    actorId: request.actorId,
    actionClass: request.actionClass,
    reason: request.reason,
    appliedBy: principalName(ctx.principal),
    appliedAt: now.toISOString(),
    liftedAt: null,
    liftedBy: null,
    liftReason: null,
  };
  if (!(await ctx.tx.controls.insert(pause)))
    throw new DomainError(
      'conflict',
      `the '${request.actionClass}' actions of '${request.actorId}' are already paused`,
      { details: { actorId: request.actorId, actionClass: request.actionClass } },
    );
  ctx.tx.events.append(
    newEvent('supervision.pause.applied', pause.appliedBy, pause.id, {
      actorId: pause.actorId,
      actionClass: pause.actionClass,
      reason: pause.reason,
    }),
  );
  return pause;
}

/** Lifts a pause or a redirect in force: in effect from the next request on. */
export async function liftControl<K extends AgentControlKind>(
  ctx: WorkContext,
  kind: K,
  id: string,
  reason: string,
): Promise<Extract<AgentControl, { kind: K }>> {
  const control = await ctx.tx.controls.get(id);
  if (control?.kind !== kind) throw notFound(kind, id);
  const at = ctx.clock.now().toISOString();
  const by = principalName(ctx.principal);
  if (!(await ctx.tx.controls.lift(id, at, by, reason)))
    throw new DomainError('illegal_transition', `${kind} '${id}' was already lifted`, {
      details: { [kind]: id, liftedAt: control.liftedAt },
    });
  ctx.tx.events.append(
    control.kind === 'pause'
      ? newEvent('supervision.pause.lifted', by, id, {
          actorId: control.actorId,
          actionClass: control.actionClass,
          reason,
        })
      : newEvent('supervision.redirect.lifted', by, id, {
          actorId: control.actorId,
          to: control.to,
          reason,
        }),
  );
  return { ...control, liftedAt: at, liftedBy: by, liftReason: reason } as Extract<
    AgentControl,
    { kind: K }
  >;
}
