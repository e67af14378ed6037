import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { DomainError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { ApiToken, TokenRole } from '../core/model.js';
import type { TokenReader } from '../core/ports/token-store.js';
import type { TxStores } from '../core/ports/store.js';
import type { Principal } from '../core/principal.js';

const SECRET_PREFIX = 'aut_';

/** Tokens carry 256 random bits, so a plain SHA-256 of the secret is a safe stored form. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export interface IssuedToken {
  token: ApiToken;
  /** Shown once; only its hash is stored. */
  secret: string;
}

/**
 * Issues a bearer token. An agent token must be bound to an agent actor and acts only as it;
 * other roles may be bound to an actor so their events carry that actor's name.
 */
export async function issueToken(
  tx: TxStores,
  clock: Clock,
  issuedBy: string,
  request: { name: string; role: TokenRole; actorId?: string | null | undefined },
): Promise<IssuedToken> {
  const actorId = request.actorId ?? null;
  if (request.role === 'agent' && actorId === null) {
    throw new DomainError('validation_failed', 'an agent token must name the actor it acts as', {
      issues: [{ path: 'actorId', message: 'required for role agent' }],
    });
  }
  if (actorId !== null) {
    const actor = await tx.actors.get(actorId);
    if (actor === null) {
      throw new DomainError('unknown_reference', `actor '${actorId}' does not exist`, {
        issues: [{ path: 'actorId', message: 'unknown actor' }],
      });
    }
    if (request.role === 'agent' && actor.kind !== 'agent') {
      throw new DomainError(
        'validation_failed',
        `actor '${actorId}' is a ${actor.kind}, not an agent`,
        {
          issues: [{ path: 'actorId', message: 'must be an agent for role agent' }],
        },
      );
    }
  }
  const now = clock.now();
  const token: ApiToken = {
    id: newId('tok', now.getTime()),
    name: request.name,
    role: request.role,
    actorId,
    createdAt: now.toISOString(),
    revokedAt: null,
  };
  const secret = SECRET_PREFIX + randomBytes(32).toString('base64url');
  await tx.tokens.insert(token, hashSecret(secret));
  tx.events.append({
    type: 'core.token.created',
    actor: issuedBy,
    subject: token.id,
    payload: { name: token.name, role: token.role, actorId },
  });
  return { token, secret };
}

/**
 * Revokes a token: authentication reads the stored token on every request, so the next one
 * with it is refused. Recorded with who revoked it (the event's actor) and why.
 */
export async function revokeToken(
  tx: TxStores,
  clock: Clock,
  revokedBy: string,
  id: string,
  reason?: string,
): Promise<ApiToken> {
  const token = await tx.tokens.get(id);
  if (token === null) throw new DomainError('not_found', `token '${id}' does not exist`);
  if (token.revokedAt !== null) return token;
  const at = clock.now().toISOString();
  await tx.tokens.revoke(id, at);
  tx.events.append({
    type: 'core.token.revoked',
    actor: revokedBy,
    subject: id,
    payload: reason === undefined ? {} : { reason },
  });
  return { ...token, revokedAt: at };
}

/** The principal a bearer secret stands for, or null when it is unknown or revoked. */
export async function authenticate(tokens: TokenReader, secret: string): Promise<Principal | null> {
  if (!secret.startsWith(SECRET_PREFIX)) return null;
  const token = await tokens.findActiveByHash(hashSecret(secret));
  return token === null
    ? null
    : { kind: 'token', tokenId: token.id, role: token.role, actorId: token.actorId };
}
