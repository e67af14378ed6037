import type { Actor } from './model.js';

/**
 * What a halt stops: one agent, every agent of a domain, or every agent there is ("stop the
 * line"). Halts stop agents only: people are who halts answer to.
 */
export type HaltScope =
  { kind: 'actor'; id: string } | { kind: 'domain'; id: string } | { kind: 'all' };

export const HALT_SCOPE_KINDS = ['actor', 'domain', 'all'] as const;

/** A halt in force, or lifted. At most one is in force per scope. */
export interface Halt {
  id: string;
  scope: HaltScope;
  /** Why, in the words of whoever halted: shown wherever the halt refuses something. */
  reason: string;
  haltedBy: string;
  haltedAt: string;
  liftedAt: string | null;
  liftedBy: string | null;
  liftReason: string | null;
}

export function describeScope(scope: HaltScope): string {
  switch (scope.kind) {
    case 'actor':
      return `agent '${scope.id}'`;
    case 'domain':
      return `the agents of domain '${scope.id}'`;
    case 'all':
      return 'every agent';
  }
}

/** The halt in force that stops `actor`, if any: the narrowest (agent, then domain, then all). */
export function haltCovering(
  halts: readonly Halt[],
  actor: Pick<Actor, 'id' | 'kind' | 'domains'>,
): Halt | null {
  if (actor.kind !== 'agent') return null;
  const inForce = halts.filter((h) => h.liftedAt === null);
  return (
    inForce.find((h) => h.scope.kind === 'actor' && h.scope.id === actor.id) ??
    inForce.find((h) => h.scope.kind === 'domain' && actor.domains.includes(h.scope.id)) ??
    inForce.find((h) => h.scope.kind === 'all') ??
    null
  );
}
