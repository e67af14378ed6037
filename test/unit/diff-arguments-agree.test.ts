import { describe, expect, it } from 'vitest';
import { diffArguments as serverDiff } from '../../src/core/approval.js';
import { diffArguments as dashboardDiff } from '../../web/src/diff-arguments.js';

/*
 * The dashboard may not import server code (a lint rule keeps it to the HTTP API), so it has its
 * own copy of the rule that diffs an approval's arguments: the diff it shows before someone
 * approves with edits must be the one the server records after. This keeps the two the same.
 */
const cases: [Record<string, unknown>, Record<string, unknown>][] = [
  [{}, {}],
  [
    { a: 1, b: { c: [1, 2], d: 'x' } },
    { b: { d: 'x', c: [1, 2] }, a: 1 },
  ],
  [
    { amount: 120, address: { city: 'Lyon', zip: '69001' }, note: 'x' },
    { amount: 100, address: { city: 'Paris', zip: '69001' }, currency: 'EUR' },
  ],
  [
    { tags: [1, 2], to: { a: 1 } },
    { tags: [2, 1], to: 'a' },
  ],
  [{ deep: { deeper: { n: 1, m: null } } }, { deep: { deeper: { n: 2 }, added: true } }],
  [{ x: { y: 1 } }, { x: [1] }],
  [{ n: 1 }, { n: '1' }],
];

describe('the dashboard’s argument diff', () => {
  it.each(cases)('agrees with the server’s (%#)', (requested, approved) => {
    expect(dashboardDiff(requested, approved)).toEqual(serverDiff(requested, approved));
  });
});
