import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoAt, msOf } from './iso-time.js';

// Every time value JavaScript has: ±8.64e15 ms around the epoch, fractions too.
const instant = fc.oneof(
  fc.integer({ min: -8.64e15, max: 8.64e15 }),
  fc.double({ min: -8.64e15, max: 8.64e15, noNaN: true }),
  // Around now, where the engine's times are.
  fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2040, 0, 1) }),
);

describe('isoAt and msOf', () => {
  it('answer as Date does, first time and remembered', () => {
    fc.assert(
      fc.property(fc.array(instant, { minLength: 1, maxLength: 20 }), (instants) => {
        for (const ms of [...instants, ...instants.reverse()]) {
          const iso = new Date(ms).toISOString();
          expect(isoAt(ms)).toBe(iso);
          expect(msOf(iso)).toBe(new Date(iso).getTime());
        }
      }),
      { numRuns: 500 },
    );
  });

  it('format the edges of four-digit years, day boundaries and negative fractions as Date does', () => {
    for (const ms of [
      -62_167_219_200_001,
      -62_167_219_200_000,
      253_402_300_799_999,
      253_402_300_800_000,
      -0.5,
      -1,
      0,
      0.9,
      86_399_999,
      86_400_000,
      -86_400_001,
      Date.UTC(2024, 1, 29, 23, 59, 59, 999),
    ])
      expect(isoAt(ms)).toBe(new Date(ms).toISOString());
    expect(() => isoAt(Number.NaN)).toThrow(RangeError);
  });

  it('parse other spellings and non-dates as Date does', () => {
    expect(msOf('2026-01-01T00:00:00Z')).toBe(Date.UTC(2026, 0, 1));
    expect(msOf('2026-01-01T00:00:00.000Z')).toBe(Date.UTC(2026, 0, 1));
    expect(msOf('not a date')).toBeNaN();
    expect(msOf('not a date')).toBeNaN();
  });
});
