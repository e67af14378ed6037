import { releaseWork, transitionWork } from '../coordination/transition-work.js';
import type { WorkContext } from '../coordination/work-context.js';
import type { Redirect } from '../core/agent-control.js';
import { DomainError } from '../core/errors.js';
import { newEvent, type EventMap } from '../core/events.js';
import { newId } from '../core/ids.js';
import { principalName } from '../core/principal.js';
import { releasable } from './halt-agents.js';
import { checkControlledAgent } from './pause-action-class.js';

type Moved = EventMap['supervision.redirect.applied']['moved'];

/**
 * Redirects an agent's work, in one transaction: every item it holds or is offered goes back to
 * the queue (a release each), and, when `to` names an actor, on to that actor — what it held is
 * assigned to it, what it was offered is offered to it (an event each). The redirect stays in
 * force until lifted: meanwhile the agent is given no work (claims, offers and assignments to it
 * are refused; push and preemption pass it over), so nothing goes back to it, while its other
 * classes of action go on. A target that cannot take everything (away, halted, paused,
 * redirected, at capacity) refuses the whole redirect, and nothing changes.
 */
export async function redirectWork(
  ctx: WorkContext,
  request: { actorId: string; to: string | null; reason: string },
): Promise<{ redirect: Redirect; moved: Moved }> {
  const { actorId, to, reason } = request;
  await checkControlledAgent(ctx, actorId);
  if (to === actorId)
    throw new DomainError('validation_failed', `'${actorId}' cannot be redirected to itself`, {
      issues: [{ path: 'to', message: 'name another actor, or none for the queue' }],
    });
  if (to !== null && (await ctx.tx.actors.get(to)) === null)
    throw new DomainError('unknown_reference', `actor '${to}' does not exist`, {
      issues: [{ path: 'to', message: 'unknown actor' }],
    });
  const now = ctx.clock.now();
  const redirect: Redirect = {
    kind: 'redirect',
    id: newId('rdr', now.getTime()),
    actorId,
    to,
    reason,
    appliedBy: principalName(ctx.principal),
    appliedAt: now.toISOString(),
    liftedAt: null,
    liftedBy: null,
    liftReason: null,
  };
  if (!(await ctx.tx.controls.insert(redirect)))
    throw new DomainError('conflict', `the work of '${actorId}' is already redirected`, {
      details: { actorId },
    });
  const moved: Moved = [];
  for (const item of await releasable(ctx, actorId)) {
    const from = item.ownerId === actorId ? 'held' : 'offered';
    const row = await ctx.tx.work.getForUpdate(item.id);
    if (row === null) continue;
    // Not a decline: once the redirect is lifted the agent may be given the item again.
    const released = await releaseWork(ctx, row, `redirected: ${reason}`, false);
    // An item that still waits on unfinished work went on to blocked: it stays in the queue.
    const landed =
      to !== null && released.state === 'queued'
        ? await transitionWork(ctx, item.id, from === 'held' ? 'assign' : 'offer', {
            actorId: to,
            reason: `redirected from '${actorId}': ${reason}`,
          })
        : released;
    moved.push({ workItem: item.id, from, to: landed.ownerId ?? landed.offeredTo });
  }
  ctx.tx.events.append(
    newEvent('supervision.redirect.applied', redirect.appliedBy, redirect.id, {
      actorId,
      to,
      reason,
      moved,
    }),
  );
  return { redirect, moved };
}
