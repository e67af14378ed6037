import { describe, expect, it } from 'vitest';
import { calendarPeriod, sloBudgetWindow } from './slo-budget-window.js';

describe('sloBudgetWindow', () => {
  it('is the last window length for a rolling window', () => {
    expect(
      sloBudgetWindow({ kind: 'rolling', seconds: 28 * 86_400 }, new Date('2026-03-01T12:00:00Z')),
    ).toEqual({ from: '2026-02-01T12:00:00.000Z', to: '2026-03-01T12:00:00.000Z' });
  });

  it('is the calendar period so far for a calendar window', () => {
    expect(
      sloBudgetWindow(
        { kind: 'calendar', unit: 'M', count: 1, startTime: '2026-01-01T00:00:00.000Z' },
        new Date('2026-03-15T06:00:00Z'),
      ),
    ).toEqual({ from: '2026-03-01T00:00:00.000Z', to: '2026-03-15T06:00:00.000Z' });
  });
});

describe('calendarPeriod', () => {
  const at = (unit: 'd' | 'w' | 'M' | 'Q' | 'Y', count: number, start: string, now: string) =>
    calendarPeriod({ kind: 'calendar', unit, count, startTime: start }, new Date(now));

  it('steps weeks and days from the start', () => {
    expect(at('w', 1, '2026-01-05T00:00:00Z', '2026-01-21T10:00:00Z')).toEqual({
      from: '2026-01-19T00:00:00.000Z',
      to: '2026-01-26T00:00:00.000Z',
    });
    expect(at('d', 2, '2026-01-01T00:00:00Z', '2026-01-04T00:00:00Z')).toEqual({
      from: '2026-01-03T00:00:00.000Z',
      to: '2026-01-05T00:00:00.000Z',
    });
  });

  it('steps calendar months, quarters and years, clamping to the month end', () => {
    expect(at('Q', 1, '2026-01-01T00:00:00Z', '2026-05-10T00:00:00Z')).toEqual({
      from: '2026-04-01T00:00:00.000Z',
      to: '2026-07-01T00:00:00.000Z',
    });
    expect(at('M', 1, '2026-01-31T00:00:00Z', '2026-03-15T00:00:00Z')).toEqual({
      from: '2026-02-28T00:00:00.000Z',
      to: '2026-03-31T00:00:00.000Z',
    });
    expect(at('Y', 1, '2025-07-01T00:00:00Z', '2026-07-01T00:00:00Z')).toEqual({
      from: '2026-07-01T00:00:00.000Z',
      to: '2027-07-01T00:00:00.000Z',
    });
    // A period starts at its first instant: one millisecond before is still the previous one.
    expect(at('M', 1, '2026-01-01T00:00:00Z', '2026-02-28T23:59:59.999Z')).toEqual({
      from: '2026-02-01T00:00:00.000Z',
      to: '2026-03-01T00:00:00.000Z',
    });
  });

  it('is the first period before the start', () => {
    expect(at('M', 1, '2026-06-01T00:00:00Z', '2026-01-01T00:00:00Z')).toEqual({
      from: '2026-06-01T00:00:00.000Z',
      to: '2026-07-01T00:00:00.000Z',
    });
  });
});
