import type { Approval, Me } from './api/types';

/**
 * Whether the signed-in token may decide an approval, by the API's rule: people only (no agent,
 * no viewer), never whoever asked for it or would act on it, and then an admin or one of its
 * approvers (a token bound to that person). The page offers the buttons to them alone; the API
 * checks again.
 */
export function canDecide(me: Me, approval: Approval): boolean {
  if (me.role === 'agent' || me.role === 'viewer') return false;
  const name = me.actorId ?? `token:${me.tokenId}`;
  if (name === approval.actorId || name === approval.requestedBy) return false;
  if (me.role === 'admin') return true;
  return me.actorId !== null && approval.approvers.includes(me.actorId);
}

/** Who may decide, in words: its approvers, and admins besides them. */
export function whoMayDecide(approval: Approval): string {
  return approval.approvers.length === 0
    ? 'an admin'
    : `${approval.approvers.join(', ')}, or an admin`;
}
