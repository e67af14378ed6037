import fc from 'fast-check';
import { canonicalize } from 'json-canonicalize';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

/** Values as events carry them, and the edge cases the reference handles its own way. */
const value = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.constant(null),
    fc.constant(undefined),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ unit: 'binary' }),
    fc.date({ noInvalidDate: true }),
  ),
  node: fc.oneof(
    { depthSize: 'small' },
    tie('leaf'),
    fc.array(tie('node'), { maxLength: 5 }),
    fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), tie('node'), { maxKeys: 6 }),
  ),
})).node;

describe('canonicalJson', () => {
  it('writes exactly what json-canonicalize writes', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalJson(v)).toBe(canonicalize(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('sorts members by UTF-16 code units and writes numbers as ECMAScript does (RFC 8785)', () => {
    // RFC 8785 §3.2.3's sorting example, and numbers from its appendix B.
    expect(canonicalJson({ '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, '1': 4, '\u0080': 5 })).toBe(
      '{"\\r":2,"1":4,"\u0080":5,"\u20ac":1,"\ud83d\ude00":3}',
    );
    expect(canonicalJson([1e21, 1e-7, -0, 333333333.3333333, 9007199254740992])).toBe(
      '[1e+21,1e-7,0,333333333.3333333,9007199254740992]',
    );
  });

  it('leaves out undefined members, writes undefined and holes in arrays as json-canonicalize does', () => {
    // eslint-disable-next-line no-sparse-arrays -- the hole is the point
    const sparse = [1, , 3];
    expect(canonicalJson({ a: undefined, b: [undefined, 2], c: sparse })).toBe(
      canonicalize({ a: undefined, b: [undefined, 2], c: sparse }),
    );
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/Non-finite/);
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow(/Non-finite/);
    const loop: Record<string, unknown> = {};
    loop.self = { loop };
    expect(() => canonicalJson(loop)).toThrow(/Circular/);
  });

  it('writes an object reached twice (not a cycle) both times', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
  });
});
