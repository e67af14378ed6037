import { describe, expect, it } from 'vitest';
import { parseTimeInterval, type TimeIntervalConfig } from '../../core/time-interval-config.js';
import { compileRouteTree } from './route-tree.js';
import {
  compileTimeIntervals,
  isInTimeInterval,
  routeMuteState,
  type TimeInterval,
} from './time-interval.js';

const interval = (config: TimeIntervalConfig): TimeInterval => {
  const parsed = parseTimeInterval(config);
  if (!parsed.ok) throw new Error(parsed.issues[0]?.message);
  return parsed.value;
};

const at = (iso: string) => new Date(iso);

describe('isInTimeInterval', () => {
  it('reads times with the start included and the end excluded, in UTC by default', () => {
    const night = interval({ times: [{ start_time: '22:00', end_time: '24:00' }] });
    expect(isInTimeInterval(night, at('2026-01-05T21:59:00Z'))).toBe(false);
    expect(isInTimeInterval(night, at('2026-01-05T22:00:00Z'))).toBe(true);
    expect(isInTimeInterval(night, at('2026-01-05T23:59:59Z'))).toBe(true);
    expect(isInTimeInterval(night, at('2026-01-06T00:00:00Z'))).toBe(false);
  });

  it('reads every field in the interval time zone', () => {
    const business = interval({
      weekdays: ['monday:friday'],
      times: [{ start_time: '09:00', end_time: '17:00' }],
      location: 'Europe/Berlin',
    });
    // Monday 2026-01-05: 08:30 UTC is 09:30 in Berlin (CET, +1).
    expect(isInTimeInterval(business, at('2026-01-05T08:30:00Z'))).toBe(true);
    expect(isInTimeInterval(business, at('2026-01-05T07:59:00Z'))).toBe(false);
    expect(isInTimeInterval(business, at('2026-01-05T16:00:00Z'))).toBe(false);
    // Summer time (CEST, +2): 07:30 UTC is 09:30.
    expect(isInTimeInterval(business, at('2026-07-06T07:30:00Z'))).toBe(true);
    // Saturday.
    expect(isInTimeInterval(business, at('2026-01-10T10:00:00Z'))).toBe(false);
    // Friday 23:30 UTC is already Saturday in Berlin.
    const weekend = interval({ weekdays: ['saturday', 'sunday'], location: 'Europe/Berlin' });
    expect(isInTimeInterval(weekend, at('2026-01-09T23:30:00Z'))).toBe(true);
  });

  it('counts negative days of the month from its end and clamps ranges to the month', () => {
    const lastTwo = interval({ days_of_month: ['-2:-1'] });
    expect(isInTimeInterval(lastTwo, at('2026-02-27T12:00:00Z'))).toBe(true);
    expect(isInTimeInterval(lastTwo, at('2026-02-26T12:00:00Z'))).toBe(false);
    expect(isInTimeInterval(lastTwo, at('2026-03-30T12:00:00Z'))).toBe(true);
    const late = interval({ days_of_month: ['30:31'] });
    expect(isInTimeInterval(late, at('2026-02-28T12:00:00Z'))).toBe(false);
    const wholeMonth = interval({ days_of_month: ['1:-1'] });
    expect(isInTimeInterval(wholeMonth, at('2026-02-28T12:00:00Z'))).toBe(true);
  });

  it('reads months by name or number and years as ranges', () => {
    const q1 = interval({ months: ['january:march'], years: ['2026'] });
    expect(isInTimeInterval(q1, at('2026-03-31T12:00:00Z'))).toBe(true);
    expect(isInTimeInterval(q1, at('2026-04-01T12:00:00Z'))).toBe(false);
    expect(isInTimeInterval(q1, at('2027-02-01T12:00:00Z'))).toBe(false);
    const december = interval({ months: [12] });
    expect(isInTimeInterval(december, at('2026-12-24T00:00:00Z'))).toBe(true);
  });

  it('an empty interval holds always', () => {
    expect(isInTimeInterval(interval({}), at('2026-06-01T00:00:00Z'))).toBe(true);
  });
});

describe('routeMuteState', () => {
  const intervals = compileTimeIntervals([
    {
      name: 'maintenance',
      time_intervals: [
        { weekdays: ['sunday'], times: [{ start_time: '02:00', end_time: '04:00' }] },
      ],
    },
    {
      name: 'business-hours',
      time_intervals: [
        { weekdays: ['monday:friday'], times: [{ start_time: '09:00', end_time: '17:00' }] },
      ],
    },
  ]);
  const tree = compileRouteTree({
    receiver: 'root',
    routes: [
      { matchers: ['a="1"'], mute_time_intervals: ['maintenance'] },
      { matchers: ['a="2"'], active_time_intervals: ['business-hours'] },
    ],
  });
  const [muted, active] = tree.routes;
  if (muted === undefined || active === undefined) throw new Error('routes missing');

  it('mutes inside a mute time interval', () => {
    // 2026-01-04 is a Sunday.
    expect(routeMuteState(muted, intervals, at('2026-01-04T03:00:00Z'))).toEqual({
      muted: true,
      reason: 'mute_time_interval',
      intervals: ['maintenance'],
    });
    expect(routeMuteState(muted, intervals, at('2026-01-04T05:00:00Z'))).toEqual({ muted: false });
  });

  it('mutes outside all active time intervals', () => {
    expect(routeMuteState(active, intervals, at('2026-01-05T10:00:00Z'))).toEqual({ muted: false });
    expect(routeMuteState(active, intervals, at('2026-01-05T18:00:00Z'))).toMatchObject({
      muted: true,
      reason: 'outside_active_time_intervals',
    });
    expect(routeMuteState(tree, intervals, at('2026-01-04T03:00:00Z'))).toEqual({ muted: false });
  });
});
