import type { WorkGuard } from '../coordination/work-guard.js';
import { DomainError } from '../core/errors.js';
import { describeScope, haltCovering, type Halt } from '../core/halt.js';
import type { Actor } from '../core/model.js';
import type { TxStores } from '../core/ports/store.js';
import type { Principal } from '../core/principal.js';

const haltedReason = (actorId: string, halt: Halt) =>
  `'${actorId}' is halted (${describeScope(halt.scope)}, by ${halt.haltedBy}: ${halt.reason})`;

/**
 * `base`, and besides it no halted agent takes work: the halts in force are read once per
 * transaction, so a halt is in effect from the very next request.
 */
export function haltAwareGuard(base: WorkGuard, halts: readonly Halt[]): WorkGuard {
  if (halts.length === 0) return base;
  return {
    check: (principal, request) => base.check(principal, request),
    mayTake(actor: Actor) {
      const halt = haltCovering(halts, actor);
      return halt === null
        ? base.mayTake(actor)
        : { allowed: false, reason: haltedReason(actor.id, halt) };
    },
  };
}

/**
 * Refuses every write of an agent token whose agent is halted, before it does anything: a
 * halted agent reads, and nothing more, until a person lifts the halt. Returns the halts in
 * force, for the guard.
 */
export async function refuseHaltedPrincipal(
  tx: Pick<TxStores, 'halts' | 'actors'>,
  principal: Principal,
): Promise<Halt[]> {
  const halts = await tx.halts.listActive();
  if (halts.length === 0 || principal.kind !== 'token' || principal.actorId === null) return halts;
  const actor = await tx.actors.get(principal.actorId);
  const halt = actor === null ? null : haltCovering(halts, actor);
  if (halt !== null)
    throw new DomainError('forbidden', haltedReason(principal.actorId, halt), {
      details: { halt: halt.id },
    });
  return halts;
}
