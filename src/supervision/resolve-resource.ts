import type { ApprovalResource } from '../core/approval.js';
import { DomainError } from '../core/errors.js';
import type { Domain } from '../core/model.js';
import type { TxStores } from '../core/ports/store.js';
import type { AuthorityResource } from './build-authority.js';

const unknown = (what: string, id: string) =>
  new DomainError('unknown_reference', `${what} '${id}' does not exist`, {
    issues: [{ path: 'resource.id', message: `unknown ${what}` }],
  });

/**
 * The resource an approval or a custom action names, as the authority decides about it, and
 * its domain (a work item's is its work type's). Unknown ones are refused at `resource.id`.
 */
export async function resolveResource(
  tx: Pick<TxStores, 'work' | 'workTypes' | 'domains'>,
  resource: ApprovalResource,
): Promise<{ target: AuthorityResource; domain: Domain }> {
  if (resource.type === 'Domain') {
    const domain = await tx.domains.get(resource.id);
    if (domain === null) throw unknown('domain', resource.id);
    return { target: { kind: 'domain', id: domain.id }, domain };
  }
  const item = await tx.work.get(resource.id);
  if (item === null) throw unknown('work item', resource.id);
  const type = await tx.workTypes.get(item.typeId);
  const domain = type === null ? null : await tx.domains.get(type.domainId);
  if (domain === null) throw unknown('work item', resource.id);
  return { target: { kind: 'workItem', item }, domain };
}
