import type { StoredEvent } from '../core/events.js';
import { seriesKey, type MetricSeries } from '../core/metric.js';
import type { NewMetricPoint } from './record-metric-points.js';

const MINUTE = 60_000;

/** The event each built-in series counts, by the counter it is a per-minute increment of. */
export const BUILTIN_SERIES: Readonly<Record<string, string>> = {
  'coordination.work.created': 'work_arrived_total',
  'coordination.work.completed': 'work_completed_total',
  'coordination.work.failed': 'work_failed_total',
};

export const BUILTIN_EVENT_TYPES = Object.keys(BUILTIN_SERIES);

/** How many closed minutes a series catches up on after a pause; older ones are skipped. */
export const BUILTIN_CATCH_UP_MINUTES = 60;

/** The work type an event counted by a built-in series is about. */
function typeOf(event: StoredEvent): string | undefined {
  const payload = event.payload as { typeId?: unknown; attempt?: { typeId?: unknown } };
  const typeId = payload.typeId ?? payload.attempt?.typeId;
  return typeof typeId === 'string' ? typeId : undefined;
}

/** The first minute a built-in series still has to score, given where it stands. */
export function firstOpenMinute(series: MetricSeries | undefined, lastClosedMs: number): number {
  const floor = lastClosedMs - (BUILTIN_CATCH_UP_MINUTES - 1) * MINUTE;
  // A new series starts with the last closed minute: nothing before it was watched.
  if (series === undefined || series.points === 0) return lastClosedMs;
  return Math.max(Date.parse(series.lastAt) + MINUTE, floor);
}

/** Adds the events counted by built-in series to `counts`, by series and minute. */
export function countBuiltinEvents(
  counts: Map<string, number>,
  events: readonly StoredEvent[],
  domainOfType: ReadonlyMap<string, string>,
): void {
  for (const event of events) {
    const name = BUILTIN_SERIES[event.type];
    const domain = domainOfType.get(typeOf(event) ?? '');
    if (name === undefined || domain === undefined) continue;
    const minute = Math.floor(Date.parse(event.time) / MINUTE) * MINUTE;
    const key = `${seriesKey(name, { domain })}@${minute}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
}

/**
 * The points of the built-in series for the closed minutes each still has to score: per domain,
 * how many items arrived, were completed and failed in each minute (0 when none did), in time
 * order, from `counts` (see countBuiltinEvents), which must cover those minutes.
 */
export function builtinSeriesPoints(
  counts: ReadonlyMap<string, number>,
  domains: readonly string[],
  stored: ReadonlyMap<string, MetricSeries>,
  lastClosedMs: number,
): NewMetricPoint[] {
  const points: NewMetricPoint[] = [];
  for (const domain of domains)
    for (const name of Object.values(BUILTIN_SERIES)) {
      const key = seriesKey(name, { domain });
      for (
        let minute = firstOpenMinute(stored.get(key), lastClosedMs);
        minute <= lastClosedMs;
        minute += MINUTE
      )
        points.push({
          name,
          kind: 'counter',
          value: counts.get(`${key}@${minute}`) ?? 0,
          labels: { domain },
          at: new Date(minute).toISOString(),
        });
    }
  return points;
}
