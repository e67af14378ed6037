import type { ReadStores } from '../core/ports/store.js';
import { buildAuthority, type Authority } from './build-authority.js';

type OrgReaders = Pick<ReadStores, 'organization' | 'actors' | 'domains' | 'workTypes'>;

/**
 * The authority of the revision in force, read through `stores` (a transaction's, so what it
 * decides is consistent with what it changes). `cached` is reused while the revision is the
 * same: policies are compiled once per applied configuration, never per request.
 */
export async function loadAuthority(
  stores: OrgReaders,
  cached: Authority | null,
): Promise<Authority> {
  const revision = await stores.organization.revision();
  if (cached?.revision === revision) return cached;
  const organization = await stores.organization.get();
  // The revision of the record read, which a concurrent apply may have moved on since.
  return buildAuthority(organization?.revision ?? 0, {
    authority: organization?.authority,
    actors: await stores.actors.list(),
    domains: await stores.domains.list(),
    workTypes: await stores.workTypes.list(),
  });
}
