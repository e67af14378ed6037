import type { RoutingConfig } from '../../core/route-config.js';
import { parseTimeInterval, type TimeInterval } from '../../core/time-interval-config.js';
import type { RouteNode } from './route-tree.js';

export type { TimeInterval } from '../../core/time-interval-config.js';

interface LocalTime {
  year: number;
  month: number;
  day: number;
  weekday: number;
  minuteOfDay: number;
  daysInMonth: number;
}

const WEEKDAY: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string | undefined): Intl.DateTimeFormat {
  const key = zone ?? 'UTC';
  let format = FORMATTERS.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      // `Local` is the process's own zone, which Intl uses when none is named.
      ...(key === 'Local' ? {} : { timeZone: key }),
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    FORMATTERS.set(key, format);
  }
  return format;
}

/** The calendar fields of `date` in a time zone (UTC when none is given). */
function localTime(date: Date, zone: string | undefined): LocalTime {
  const parts: Record<string, string> = {};
  for (const part of formatter(zone).formatToParts(date)) parts[part.type] = part.value;
  const year = Number(parts.year);
  const month = Number(parts.month);
  return {
    year,
    month,
    day: Number(parts.day),
    weekday: WEEKDAY[parts.weekday ?? ''] ?? 0,
    minuteOfDay: Number(parts.hour) * 60 + Number(parts.minute),
    daysInMonth: new Date(Date.UTC(year, month, 0)).getUTCDate(),
  };
}

const inRange = (value: number, ranges: readonly { begin: number; end: number }[]) =>
  ranges.some((r) => value >= r.begin && value <= r.end);

/**
 * Whether `date` falls in the interval, read in the interval's time zone: every field the
 * interval sets must hold. Times include their start and exclude their end; negative days of
 * the month count from its end (-1 is the last day).
 */
export function isInTimeInterval(interval: TimeInterval, date: Date): boolean {
  const t = localTime(date, interval.location);
  if (
    interval.times !== undefined &&
    !interval.times.some((r) => t.minuteOfDay >= r.startMinute && t.minuteOfDay < r.endMinute)
  )
    return false;
  if (interval.weekdays !== undefined && !inRange(t.weekday, interval.weekdays)) return false;
  if (interval.daysOfMonth !== undefined) {
    const resolve = (day: number) => (day < 0 ? t.daysInMonth + day + 1 : day);
    const hit = interval.daysOfMonth.some((range) => {
      const begin = resolve(range.begin);
      // A range starting after the month's end (31 in April) holds no day of it.
      if (begin > t.daysInMonth) return false;
      const end = Math.min(resolve(range.end), t.daysInMonth);
      return t.day >= Math.max(begin, 1) && t.day <= end;
    });
    if (!hit) return false;
  }
  if (interval.months !== undefined && !inRange(t.month, interval.months)) return false;
  if (interval.years !== undefined && !inRange(t.year, interval.years)) return false;
  return true;
}

/** Whether `date` falls in any interval of the list (a named interval is such a list). */
export function isInTimeIntervals(intervals: readonly TimeInterval[], date: Date): boolean {
  return intervals.some((interval) => isInTimeInterval(interval, date));
}

/** Named time intervals, parsed from a validated configuration. */
export function compileTimeIntervals(
  config: RoutingConfig['time_intervals'],
): Map<string, TimeInterval[]> {
  const out = new Map<string, TimeInterval[]>();
  for (const named of config ?? []) {
    out.set(
      named.name,
      named.time_intervals.map((entry) => {
        const parsed = parseTimeInterval(entry);
        if (!parsed.ok) throw new Error(parsed.issues[0]?.message ?? 'invalid time interval');
        return parsed.value;
      }),
    );
  }
  return out;
}

export type RouteMute =
  | { muted: false }
  | {
      muted: true;
      reason: 'mute_time_interval' | 'outside_active_time_intervals';
      intervals: string[];
    };

/**
 * Whether a route's notifications are muted at `now`: inside one of its mute time intervals,
 * or outside all of its active ones. Alerts are still routed and grouped; only sending waits.
 */
export function routeMuteState(
  route: Pick<RouteNode, 'muteTimeIntervals' | 'activeTimeIntervals'>,
  intervals: ReadonlyMap<string, readonly TimeInterval[]>,
  now: Date,
): RouteMute {
  const muting = route.muteTimeIntervals.filter((name) =>
    isInTimeIntervals(intervals.get(name) ?? [], now),
  );
  if (muting.length > 0) return { muted: true, reason: 'mute_time_interval', intervals: muting };
  if (
    route.activeTimeIntervals.length > 0 &&
    !route.activeTimeIntervals.some((name) => isInTimeIntervals(intervals.get(name) ?? [], now))
  )
    return {
      muted: true,
      reason: 'outside_active_time_intervals',
      intervals: [...route.activeTimeIntervals],
    };
  return { muted: false };
}
