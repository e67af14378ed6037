import { canonicalize } from 'json-canonicalize';
import type { ArgumentChange } from './api/types.js';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * What edits change in an approval's arguments: every member added, removed or given another
 * value, by path (`amount`, `address.city`); arrays compare whole. The same rule as the server's
 * (its `changes` of an approval approved with edits), so the diff shown before approving is the
 * one recorded after.
 */
export function diffArguments(
  requested: Readonly<Record<string, unknown>>,
  approved: Readonly<Record<string, unknown>>,
  prefix = '',
): ArgumentChange[] {
  const changes: ArgumentChange[] = [];
  const keys = [...new Set([...Object.keys(requested), ...Object.keys(approved)])].sort();
  for (const key of keys) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const before = requested[key];
    const after = approved[key];
    if (isRecord(before) && isRecord(after)) {
      changes.push(...diffArguments(before, after, path));
      continue;
    }
    if (before !== undefined && after !== undefined && canonicalize(before) === canonicalize(after))
      continue;
    changes.push({
      path,
      ...(before === undefined ? {} : { requested: before }),
      ...(after === undefined ? {} : { approved: after }),
    });
  }
  return changes;
}
