import { notFound } from '../core/errors.js';
import type { Actor, ActorStatus } from '../core/model.js';
import { principalName } from '../core/principal.js';
import { releaseWork } from './transition-work.js';
import type { WorkContext } from './work-context.js';

/** The most items one status change moves; an actor holds at most its capacity anyway. */
const MOVE_LIMIT = 10_000;

/**
 * Changes an actor's availability; a change of status is an event, a repeat is not. An actor
 * going offline gives back everything it holds or is offered, in the same transaction, so the
 * work is free for others at once instead of waiting for leases to run out. An actor going away
 * keeps what it holds and only stops receiving new work.
 */
export async function setActorStatus(
  ctx: WorkContext,
  actorId: string,
  status: ActorStatus,
): Promise<Actor> {
  const actor = await ctx.tx.actors.getForUpdate(actorId);
  if (actor === null) throw notFound('actor', actorId);
  if (actor.status === status) return actor;
  await ctx.tx.actors.setStatus(actorId, status);
  ctx.tx.events.append({
    type: 'coordination.actor.status_changed',
    actor: principalName(ctx.principal),
    subject: actorId,
    payload: { from: actor.status, to: status },
  });
  if (status === 'offline') {
    const held = await ctx.tx.work.list({ ownerId: actorId, limit: MOVE_LIMIT });
    const offered = await ctx.tx.work.list({
      state: 'offered',
      offeredTo: actorId,
      limit: MOVE_LIMIT,
    });
    for (const item of [...held, ...offered]) {
      const locked = await ctx.tx.work.getForUpdate(item.id);
      if (locked !== null) await releaseWork(ctx, locked, `'${actorId}' went offline`, false);
    }
  }
  return { ...actor, status };
}

/**
 * Records that an actor is alive: renews the leases of everything it holds, and brings an
 * offline actor back to available.
 */
export async function recordHeartbeat(ctx: WorkContext, actorId: string): Promise<Actor> {
  const actor = await ctx.tx.actors.getForUpdate(actorId);
  if (actor === null) throw notFound('actor', actorId);
  const now = ctx.clock.now();
  const at = now.toISOString();
  await ctx.tx.actors.heartbeat(actorId, at);
  await ctx.tx.work.renewLeases(
    actorId,
    new Date(now.getTime() + ctx.leaseSeconds * 1000).toISOString(),
  );
  const updated =
    actor.status === 'offline' ? await setActorStatus(ctx, actorId, 'available') : actor;
  return { ...updated, lastHeartbeatAt: at };
}
