import { z } from 'zod';
import type { Parsed } from './label-matcher.js';

/**
 * Recurring time intervals in Alertmanager's `time_intervals` syntax: maintenance windows that
 * mute a route, or working hours outside which it is not active. Parsed here so the
 * governance-file schema can report a bad range at its path; monitoring evaluates them.
 */

/** An inclusive range of integers (weekdays 0 = Sunday, days of month, months 1–12, years). */
export interface IntRange {
  begin: number;
  end: number;
}

/** Minutes since midnight, start inclusive, end exclusive. */
export interface MinuteRange {
  startMinute: number;
  endMinute: number;
}

/** One entry of a named interval's list; every field it has must hold (AND). */
export interface TimeInterval {
  times?: MinuteRange[];
  weekdays?: IntRange[];
  daysOfMonth?: IntRange[];
  months?: IntRange[];
  years?: IntRange[];
  /** IANA time zone the fields are read in; UTC when absent. `Local` is the process's zone. */
  location?: string;
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

const scalar = z.union([z.string(), z.number()]);

const timeRangeConfigSchema = z.strictObject({ start_time: z.string(), end_time: z.string() });

export const timeIntervalConfigSchema = z.strictObject({
  times: z.array(timeRangeConfigSchema).optional(),
  weekdays: z.array(scalar).optional(),
  days_of_month: z.array(scalar).optional(),
  months: z.array(scalar).optional(),
  years: z.array(scalar).optional(),
  location: z.string().optional(),
});

export type TimeIntervalConfig = z.infer<typeof timeIntervalConfigSchema>;

/** A named list of intervals, as in Alertmanager's top-level `time_intervals`. */
export const namedTimeIntervalConfigSchema = z.strictObject({
  name: z.string().min(1),
  time_intervals: z.array(timeIntervalConfigSchema),
});

export type NamedTimeIntervalConfig = z.infer<typeof namedTimeIntervalConfigSchema>;

function parseRange(
  input: string | number,
  what: string,
  single: (part: string) => number | null,
): Parsed<IntRange> {
  const text = String(input).trim().toLowerCase();
  // A leading minus belongs to a negative day of month, not to a range separator.
  const parts = text.split(':');
  if (parts.length > 2) return { ok: false, error: `'${String(input)}' is not a ${what} range` };
  const begin = single(parts[0] as string);
  const end = parts.length === 2 ? single(parts[1] as string) : begin;
  if (begin === null || end === null)
    return { ok: false, error: `'${String(input)}' is not a valid ${what} or ${what} range` };
  return { ok: true, value: { begin, end } };
}

const integer = (part: string): number | null => (/^-?\d+$/.test(part) ? Number(part) : null);

function parseWeekdays(input: string | number): Parsed<IntRange> {
  const range = parseRange(input, 'weekday', (part) => {
    const index = WEEKDAYS.indexOf(part);
    return index === -1 ? null : index;
  });
  if (range.ok && range.value.begin > range.value.end)
    return { ok: false, error: `'${String(input)}': start day cannot be after end day` };
  return range;
}

function parseDaysOfMonth(input: string | number): Parsed<IntRange> {
  const range = parseRange(input, 'day of month', integer);
  if (!range.ok) return range;
  const { begin, end } = range.value;
  for (const day of [begin, end])
    if (day === 0 || day < -31 || day > 31)
      return { ok: false, error: `'${String(input)}': ${day} is not a valid day of the month` };
  if (begin < 0 && end > 0)
    return { ok: false, error: `'${String(input)}': end day must be negative if start day is` };
  if (Math.sign(begin) === Math.sign(end) && begin > end)
    return { ok: false, error: `'${String(input)}': start day cannot be after end day` };
  return range;
}

function parseMonths(input: string | number): Parsed<IntRange> {
  const range = parseRange(input, 'month', (part) => {
    const index = MONTHS.indexOf(part);
    if (index !== -1) return index + 1;
    const n = integer(part);
    return n !== null && n >= 1 && n <= 12 ? n : null;
  });
  if (range.ok && range.value.begin > range.value.end)
    return { ok: false, error: `'${String(input)}': start month cannot be after end month` };
  return range;
}

function parseYears(input: string | number): Parsed<IntRange> {
  const range = parseRange(input, 'year', (part) => {
    const n = integer(part);
    return n !== null && n > 0 ? n : null;
  });
  if (range.ok && range.value.begin > range.value.end)
    return { ok: false, error: `'${String(input)}': start year cannot be after end year` };
  return range;
}

function parseClock(text: string): number | null {
  if (text === '24:00') return 24 * 60;
  const parts = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return parts === null ? null : Number(parts[1]) * 60 + Number(parts[2]);
}

/** Whether Intl knows the time zone (`Local` is always accepted). */
export function isKnownTimeZone(zone: string): boolean {
  if (zone === 'Local' || zone === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Issues carry the path below the interval, so schemas can report them where they are. */
export interface IntervalIssue {
  path: (string | number)[];
  message: string;
}

/** Parses one interval entry, or lists every problem in it. */
export function parseTimeInterval(
  config: TimeIntervalConfig,
): { ok: true; value: TimeInterval } | { ok: false; issues: IntervalIssue[] } {
  const issues: IntervalIssue[] = [];
  const value: TimeInterval = {};
  const list = (
    key: 'weekdays' | 'days_of_month' | 'months' | 'years',
    parse: (input: string | number) => Parsed<IntRange>,
  ): IntRange[] | undefined => {
    const entries = config[key];
    if (entries === undefined) return undefined;
    const out: IntRange[] = [];
    entries.forEach((entry, index) => {
      const parsed = parse(entry);
      if (parsed.ok) out.push(parsed.value);
      else issues.push({ path: [key, index], message: parsed.error });
    });
    return out;
  };
  if (config.times !== undefined) {
    value.times = [];
    config.times.forEach((range, index) => {
      const start = parseClock(range.start_time);
      const end = parseClock(range.end_time);
      if (start === null || start === 24 * 60)
        issues.push({
          path: ['times', index, 'start_time'],
          message: `'${range.start_time}' is not a time of day (HH:MM, 00:00 to 23:59)`,
        });
      else if (end === null)
        issues.push({
          path: ['times', index, 'end_time'],
          message: `'${range.end_time}' is not a time of day (HH:MM, 00:00 to 24:00)`,
        });
      else if (start >= end)
        issues.push({
          path: ['times', index],
          message: 'start_time must be before end_time',
        });
      else value.times?.push({ startMinute: start, endMinute: end });
    });
  }
  const weekdays = list('weekdays', parseWeekdays);
  if (weekdays !== undefined) value.weekdays = weekdays;
  const days = list('days_of_month', parseDaysOfMonth);
  if (days !== undefined) value.daysOfMonth = days;
  const months = list('months', parseMonths);
  if (months !== undefined) value.months = months;
  const years = list('years', parseYears);
  if (years !== undefined) value.years = years;
  if (config.location !== undefined) {
    if (isKnownTimeZone(config.location)) value.location = config.location;
    else issues.push({ path: ['location'], message: `unknown time zone '${config.location}'` });
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value };
}
