import { DomainError } from '../core/errors.js';
import type { TokenRole } from '../core/model.js';
import type { Principal } from '../core/principal.js';

/**
 * Refuses a token whose role is not among `roles`. The CLI (whoever can open the database) and
 * the engine itself pass.
 */
export function requireRole(principal: Principal, roles: readonly TokenRole[], what: string): void {
  if (principal.kind !== 'token' || roles.includes(principal.role)) return;
  throw new DomainError('forbidden', `a ${principal.role} token cannot ${what}`, {
    details: { role: principal.role, requiredRoles: roles },
  });
}

/** Admins and operators act on any actor; an agent token only on its own actor. */
export function requireSelfOrOperator(principal: Principal, actorId: string, what: string): void {
  if (principal.kind !== 'token') return;
  if (principal.role === 'admin' || principal.role === 'operator') return;
  if (principal.role === 'agent' && principal.actorId === actorId) return;
  throw new DomainError(
    'forbidden',
    principal.role === 'agent'
      ? `an agent token acts only as '${principal.actorId ?? '?'}', not as '${actorId}'`
      : `a ${principal.role} token cannot ${what}`,
    { details: { role: principal.role } },
  );
}
