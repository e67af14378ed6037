import type { ApprovalPolicy } from '../core/approval.js';
import { parseDuration } from '../core/duration.js';
import type { Actor, Domain } from '../core/model.js';

/** How long an approval waits for a decision when no policy says (`@expires("2h")`). */
export const DEFAULT_APPROVAL_SECONDS = 24 * 3600;

/** The `@approvers` entry that names the owners of the resource's domain. */
export const DOMAIN_OWNERS = 'domain-owners';

export interface ApprovalTerms {
  /** Actor ids of the people who may decide; admins may always decide besides them. */
  approvers: string[];
  /** Seconds from the request to its expiry. */
  expiresInSeconds: number;
}

/**
 * Who approves and for how long, from the policies that required the approval:
 *
 * - `@approvers("…")`, a comma-separated list: `domain-owners` (the owners of the resource's
 *   domain), a person's actor id, or a domain id (that domain's owners). Entries naming nothing
 *   known, and agents, are left out. Several policies: everyone any of them names. No
 *   annotation, or nothing it names: the owners of the resource's domain.
 * - `@expires("2h")`: the shortest any of them sets; none: DEFAULT_APPROVAL_SECONDS.
 */
export function approvalTerms(
  policies: readonly ApprovalPolicy[],
  resourceDomain: Pick<Domain, 'id' | 'owners'>,
  org: {
    actors: ReadonlyMap<string, Pick<Actor, 'kind'>>;
    domains: ReadonlyMap<string, Pick<Domain, 'owners'>>;
  },
): ApprovalTerms {
  const named = new Set<string>();
  let expires = DEFAULT_APPROVAL_SECONDS;
  for (const policy of policies) {
    const { approvers, expires: expiresText } = policy.annotations;
    if (expiresText !== undefined) {
      const seconds = parseDuration(expiresText);
      if (seconds !== null) expires = Math.min(expires, seconds);
    }
    for (const entry of (approvers ?? '').split(',')) {
      const name = entry.trim();
      if (name === '') continue;
      const ids =
        name === DOMAIN_OWNERS
          ? resourceDomain.owners
          : org.actors.has(name)
            ? [name]
            : (org.domains.get(name)?.owners ?? []);
      for (const id of ids) if (org.actors.get(id)?.kind === 'human') named.add(id);
    }
  }
  const approvers =
    named.size > 0
      ? [...named]
      : resourceDomain.owners.filter((id) => org.actors.get(id)?.kind === 'human');
  return { approvers, expiresInSeconds: expires };
}
