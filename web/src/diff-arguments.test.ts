import { describe, expect, it } from 'vitest';
import { diffArguments } from './diff-arguments';
import { parseArguments } from './parse-arguments';

describe('diffArguments', () => {
  it('is empty when nothing changed, whatever the order of the keys', () => {
    expect(
      diffArguments({ a: 1, b: { c: [1, 2], d: 'x' } }, { b: { d: 'x', c: [1, 2] }, a: 1 }),
    ).toEqual([]);
  });

  it('names every member changed, added or removed by its path, sorted', () => {
    expect(
      diffArguments(
        { amount: 120, address: { city: 'Lyon', zip: '69001' }, note: 'x' },
        { amount: 100, address: { city: 'Paris', zip: '69001' }, currency: 'EUR' },
      ),
    ).toEqual([
      { path: 'address.city', requested: 'Lyon', approved: 'Paris' },
      { path: 'amount', requested: 120, approved: 100 },
      { path: 'currency', approved: 'EUR' },
      { path: 'note', requested: 'x' },
    ]);
  });

  it('compares arrays whole, and an object against a value as a change of the member', () => {
    expect(diffArguments({ tags: [1, 2], to: { a: 1 } }, { tags: [2, 1], to: 'a' })).toEqual([
      { path: 'tags', requested: [1, 2], approved: [2, 1] },
      { path: 'to', requested: { a: 1 }, approved: 'a' },
    ]);
  });
});

describe('parseArguments', () => {
  it('reads a JSON object', () => {
    expect(parseArguments('{ "reason": "ok" }')).toEqual({ ok: true, value: { reason: 'ok' } });
  });

  it('says why text is not a JSON object', () => {
    const broken = parseArguments('{ "reason": ');
    expect(broken.ok).toBe(false);
    expect(!broken.ok && broken.error).toMatch(/^Not valid JSON: /);
    expect(parseArguments('[1]')).toEqual({
      ok: false,
      error: 'The arguments must be a JSON object ({ … }), not an array.',
    });
    expect(parseArguments('null')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/not null\.$/) as unknown,
    });
    expect(parseArguments('3')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/not a number\.$/) as unknown,
    });
  });
});
