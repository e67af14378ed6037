import { notFound } from '../core/errors.js';
import type { Actor, ActorStatus } from '../core/model.js';
import type { Principal } from '../core/principal.js';
import { principalName } from '../core/principal.js';
import type { Clock } from '../core/clock.js';
import type { TxStores } from '../core/ports/store.js';

/** Changes an actor's availability; a change of status is an event, a repeat is not. */
export async function setActorStatus(
  tx: TxStores,
  principal: Principal,
  actorId: string,
  status: ActorStatus,
): Promise<Actor> {
  const actor = await tx.actors.getForUpdate(actorId);
  if (actor === null) throw notFound('actor', actorId);
  if (actor.status === status) return actor;
  await tx.actors.setStatus(actorId, status);
  tx.events.append({
    type: 'coordination.actor.status_changed',
    actor: principalName(principal),
    subject: actorId,
    payload: { from: actor.status, to: status },
  });
  return { ...actor, status };
}

/**
 * Records that an actor is alive: renews the leases of everything it holds, and brings an
 * offline actor back to available.
 */
export async function recordHeartbeat(
  tx: TxStores,
  clock: Clock,
  principal: Principal,
  actorId: string,
  leaseSeconds: number,
): Promise<Actor> {
  const actor = await tx.actors.getForUpdate(actorId);
  if (actor === null) throw notFound('actor', actorId);
  const now = clock.now();
  const at = now.toISOString();
  await tx.actors.heartbeat(actorId, at);
  await tx.work.renewLeases(actorId, new Date(now.getTime() + leaseSeconds * 1000).toISOString());
  const updated =
    actor.status === 'offline' ? await setActorStatus(tx, principal, actorId, 'available') : actor;
  return { ...updated, lastHeartbeatAt: at };
}
