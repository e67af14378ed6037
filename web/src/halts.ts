import type { Actor, Halt } from './api/types';

/** The halt in force that stops an agent, if any: its own, its domain's, or everyone's. */
export function haltOf(actor: Actor, halts: readonly Halt[]): Halt | null {
  if (actor.kind !== 'agent') return null;
  return (
    halts.find((h) => h.scope.kind === 'actor' && h.scope.id === actor.id) ??
    halts.find((h) => h.scope.kind === 'domain' && actor.domains.includes(h.scope.id)) ??
    halts.find((h) => h.scope.kind === 'all') ??
    null
  );
}

export function describeScope(halt: Halt): string {
  switch (halt.scope.kind) {
    case 'actor':
      return `agent ${halt.scope.id}`;
    case 'domain':
      return `the agents of ${halt.scope.id}`;
    case 'all':
      return 'every agent';
  }
}
