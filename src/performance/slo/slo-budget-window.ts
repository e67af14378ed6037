import type { SloTimeWindow } from '../../core/slo-config.js';

export interface TimeRange {
  /** ISO 8601, inclusive. */
  from: string;
  /** ISO 8601, exclusive. */
  to: string;
}

const DAY_MS = 86_400_000;
const MONTHS = { M: 1, Q: 3, Y: 12 } as const;

/** `start` plus `months` calendar months in UTC, the day kept or clamped to the month's last. */
function addMonths(start: Date, months: number): number {
  const year = start.getUTCFullYear();
  const month = start.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(
    year,
    month,
    Math.min(start.getUTCDate(), lastDay),
    start.getUTCHours(),
    start.getUTCMinutes(),
    start.getUTCSeconds(),
    start.getUTCMilliseconds(),
  );
}

/**
 * The calendar period that holds `now`: periods of `count` units follow each other from
 * `startTime`. Before the first one starts, the first one.
 */
export function calendarPeriod(
  window: Extract<SloTimeWindow, { kind: 'calendar' }>,
  now: Date,
): TimeRange {
  const start = new Date(window.startTime);
  const nowMs = now.getTime();
  if (window.unit === 'd' || window.unit === 'w') {
    const length = window.count * DAY_MS * (window.unit === 'w' ? 7 : 1);
    const k = Math.max(0, Math.floor((nowMs - start.getTime()) / length));
    const from = start.getTime() + k * length;
    return { from: new Date(from).toISOString(), to: new Date(from + length).toISOString() };
  }
  const step = window.count * MONTHS[window.unit];
  const monthsApart =
    (now.getUTCFullYear() - start.getUTCFullYear()) * 12 + now.getUTCMonth() - start.getUTCMonth();
  let k = Math.max(0, Math.floor(monthsApart / step));
  // The month count is an estimate: days and times within the month may put now one step off.
  while (k > 0 && addMonths(start, k * step) > nowMs) k--;
  while (addMonths(start, (k + 1) * step) <= nowMs) k++;
  return {
    from: new Date(addMonths(start, k * step)).toISOString(),
    to: new Date(addMonths(start, (k + 1) * step)).toISOString(),
  };
}

/**
 * The window an SLO's error budget is counted over at `now`: the last `seconds` for a rolling
 * window; for a calendar one, its current period so far (the budget starts whole each period).
 */
export function sloBudgetWindow(window: SloTimeWindow, now: Date): TimeRange {
  const to = now.toISOString();
  if (window.kind === 'rolling')
    return { from: new Date(now.getTime() - window.seconds * 1000).toISOString(), to };
  const period = calendarPeriod(window, now);
  return { from: period.from, to: period.from > to ? period.from : to };
}
