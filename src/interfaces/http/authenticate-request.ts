import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../core/errors.js';
import type { Principal } from '../../core/principal.js';
import type { ControlPlane } from '../../runtime/control-plane.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** Resolves `Authorization: Bearer <token>` to a principal, or refuses the request. */
export async function authenticateRequest(
  cp: ControlPlane,
  request: FastifyRequest,
): Promise<Principal> {
  const header = request.headers.authorization;
  if (header === undefined)
    throw new DomainError(
      'unauthenticated',
      'missing bearer token (Authorization: Bearer <token>)',
    );
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match === null)
    throw new DomainError('unauthenticated', 'the Authorization header must be "Bearer <token>"');
  const principal = await cp.authenticate(match[1] as string);
  if (principal === null) throw new DomainError('unauthenticated', 'unknown or revoked token');
  return principal;
}

/** The authenticated principal of a /v1 request (set by the auth hook). */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new DomainError('unauthenticated', 'missing bearer token');
  return request.principal;
}
