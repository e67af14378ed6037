import { isDeepStrictEqual } from 'node:util';
import type { PolicySource } from './authority-config.js';
import type { Budget } from './budget-config.js';
import type { ConfigChange } from './events.js';
import type { OrgModel } from './org-config.js';

export interface OrgDiff {
  /**
   * The organization's own record first (name, description), then domains, actors, work types,
   * the routing keys, SLOs, objectives, custom actions, policy files and budgets.
   */
  changes: ConfigChange[];
}

type Entry = { id: string } & Record<string, unknown>;

function diffEntries(
  kind: ConfigChange['kind'],
  current: readonly Entry[],
  desired: readonly Entry[],
): ConfigChange[] {
  const before = new Map(current.map((entry) => [entry.id, entry]));
  const after = new Map(desired.map((entry) => [entry.id, entry]));
  const changes: ConfigChange[] = [];
  for (const [id, entry] of after) {
    const old = before.get(id);
    if (old === undefined) {
      changes.push({ kind, id, change: 'added' });
      continue;
    }
    const fields = Object.keys(entry).filter((key) => !isDeepStrictEqual(entry[key], old[key]));
    if (fields.length > 0) changes.push({ kind, id, change: 'changed', fields });
  }
  for (const id of before.keys()) {
    if (!after.has(id)) changes.push({ kind, id, change: 'removed' });
  }
  return changes;
}

const ROUTING_KEYS = ['route', 'inhibit_rules', 'time_intervals'] as const;

/**
 * The routing keys compared one by one; for the tree, the changed keys of the root route (a
 * removed key counts as changed, which diffEntries, reading only the desired keys, would miss).
 */
function diffRouting(current: OrgModel | null, desired: OrgModel): ConfigChange[] {
  const changes: ConfigChange[] = [];
  for (const key of ROUTING_KEYS) {
    const before: unknown = current?.routing?.[key];
    const after: unknown = desired.routing?.[key];
    if (isDeepStrictEqual(before, after)) continue;
    if (before === undefined) changes.push({ kind: 'routing', id: key, change: 'added' });
    else if (after === undefined) changes.push({ kind: 'routing', id: key, change: 'removed' });
    else if (key === 'route') {
      const a = before as Record<string, unknown>;
      const b = after as Record<string, unknown>;
      const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter(
        (field) => !isDeepStrictEqual(a[field], b[field]),
      );
      changes.push({ kind: 'routing', id: key, change: 'changed', fields });
    } else changes.push({ kind: 'routing', id: key, change: 'changed' });
  }
  return changes;
}

/** Policy files are compared by name, and changed when their text is. */
const policyEntries = (policies: readonly PolicySource[]): Entry[] =>
  policies.map((p) => ({ id: p.name, text: p.text }));

/** The trust rules as one entry, changed field by field. */
const trustEntries = (model: OrgModel | null): Entry[] =>
  model?.authority?.trust === undefined ? [] : [{ id: 'rules', ...model.authority.trust }];

/** Budgets are compared by agent; every limit is named, so one taken away shows as a change. */
const budgetEntries = (budgets: readonly Budget[] | undefined): Entry[] =>
  (budgets ?? []).map((b) => ({
    id: b.agent,
    costPerDay: b.costPerDay ?? null,
    costPerMonth: b.costPerMonth ?? null,
    actionsPerMinute: b.actionsPerMinute ?? null,
    warnAt: b.warnAt,
  }));

/** What applying `desired` over `current` would change, entry by entry and field by field. */
export function diffOrgConfig(current: OrgModel | null, desired: OrgModel): OrgDiff {
  const asEntries = (list: readonly { id: string }[]) => list as unknown as Entry[];
  const metadata = (model: OrgModel | null): Entry[] =>
    model === null
      ? []
      : [{ id: 'organization', name: model.name, description: model.description }];
  return {
    changes: [
      ...diffEntries('organization', metadata(current), metadata(desired)),
      ...diffEntries('domain', asEntries(current?.domains ?? []), asEntries(desired.domains)),
      ...diffEntries('actor', asEntries(current?.actors ?? []), asEntries(desired.actors)),
      ...diffEntries('workType', asEntries(current?.workTypes ?? []), asEntries(desired.workTypes)),
      ...diffRouting(current, desired),
      ...diffEntries(
        'slo',
        (current?.slos ?? []).map((slo) => ({ ...slo, id: slo.name })),
        desired.slos?.map((slo) => ({ ...slo, id: slo.name })) ?? [],
      ),
      ...diffEntries(
        'objective',
        asEntries(current?.objectives ?? []),
        asEntries(desired.objectives ?? []),
      ),
      ...diffEntries(
        'action',
        asEntries(current?.authority?.actions ?? []),
        asEntries(desired.authority?.actions ?? []),
      ),
      ...diffEntries(
        'policy',
        policyEntries(current?.authority?.policies ?? []),
        policyEntries(desired.authority?.policies ?? []),
      ),
      ...diffEntries('trust', trustEntries(current), trustEntries(desired)),
      ...diffEntries('budget', budgetEntries(current?.budgets), budgetEntries(desired.budgets)),
    ],
  };
}

/** A diff as people read it: `+ actor alice`, `~ workType refund (sla)`, `- domain old`. */
export function formatOrgDiff(diff: OrgDiff): string[] {
  const sign = { added: '+', changed: '~', removed: '-' } as const;
  return diff.changes.map(
    (c) =>
      `${sign[c.change]} ${c.kind}${c.kind === 'organization' ? '' : ` ${c.id}`}${c.fields === undefined ? '' : ` (${c.fields.join(', ')})`}`,
  );
}
