import type { TokenRole } from './model.js';

/**
 * Who is asking. An API token carries a role and, for agents, the actor it acts as; the CLI acts
 * with the rights of whoever can open the database; `system` is the engine itself.
 */
export type Principal =
  | { kind: 'token'; tokenId: string; role: TokenRole; actorId: string | null }
  | { kind: 'cli'; user: string }
  | { kind: 'system' };

/** The name recorded as an event's actor. */
export function principalName(principal: Principal): string {
  switch (principal.kind) {
    case 'token':
      return principal.actorId ?? `token:${principal.tokenId}`;
    case 'cli':
      return `cli:${principal.user}`;
    case 'system':
      return 'system';
  }
}

export const SYSTEM: Principal = { kind: 'system' };
