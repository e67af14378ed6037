import { describe, expect, it } from 'vitest';
import { argumentsHash, diffArguments } from './approval.js';

describe('argumentsHash', () => {
  it('is the same whatever the member order, and differs on any change', () => {
    expect(argumentsHash({ amount: 120, currency: 'EUR' })).toBe(
      argumentsHash({ currency: 'EUR', amount: 120 }),
    );
    expect(argumentsHash({ amount: 120, currency: 'EUR' })).not.toBe(
      argumentsHash({ amount: 121, currency: 'EUR' }),
    );
    expect(argumentsHash({})).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('diffArguments', () => {
  it('names each member changed, added or removed, nested by path', () => {
    expect(
      diffArguments(
        { amount: 500, currency: 'EUR', to: { iban: 'DE1', name: 'A' }, note: 'x' },
        { amount: 300, currency: 'EUR', to: { iban: 'DE2', name: 'A' }, memo: 'y' },
      ),
    ).toEqual([
      { path: 'amount', requested: 500, approved: 300 },
      { path: 'memo', approved: 'y' },
      { path: 'note', requested: 'x' },
      { path: 'to.iban', requested: 'DE1', approved: 'DE2' },
    ]);
  });

  it('is empty when nothing changed, arrays compared whole', () => {
    expect(diffArguments({ tags: ['a', 'b'] }, { tags: ['a', 'b'] })).toEqual([]);
    expect(diffArguments({ tags: ['a', 'b'] }, { tags: ['b', 'a'] })).toEqual([
      { path: 'tags', requested: ['a', 'b'], approved: ['b', 'a'] },
    ]);
  });
});
