import { DomainError, type FieldIssue } from '../core/errors.js';
import { newEvent } from '../core/events.js';
import {
  METRIC_LABEL_NAME,
  METRIC_NAME,
  seriesKey,
  type MetricKind,
  type MetricLabels,
  type MetricPoint,
  type MetricSeries,
  type SeriesOrigin,
} from '../core/metric.js';
import { principalName } from '../core/principal.js';
import { resolveException } from './close-exception.js';
import type { DetectorSettings } from './detector-settings.js';
import type { MonitoringContext } from './monitoring-context.js';
import { raiseException } from './raise-exception.js';
import { watchSeries, type SeriesVerdict, type SeriesWatch } from './watch-series.js';
import { fingerprintOf, type Signal } from './signal.js';

/** What a caller reports: a point of a series, its time defaulting to now. */
export interface NewMetricPoint {
  name: string;
  kind: MetricKind;
  value: number;
  labels?: MetricLabels | undefined;
  at?: string | undefined;
}

export interface RecordedPoint {
  series: string;
  score: number | null;
  reason: SeriesVerdict['reason'];
  /** The exception the point raised, when it was an anomaly. */
  exceptionId: string | null;
}

/**
 * Names the system computes itself (see performance): a report under one of them would pass
 * for a measurement, so custom series may not use them.
 */
export const RESERVED_METRIC_PREFIXES = ['work_', 'exceptions_', 'autonomy_'] as const;

/** How far ahead of the engine's clock a point may be stamped (clock skew), in milliseconds. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

function pointIssues(point: NewMetricPoint, path: string, nowMs: number, origin: SeriesOrigin) {
  const issues: FieldIssue[] = [];
  if (!METRIC_NAME.test(point.name))
    issues.push({ path: `${path}.name`, message: 'a metric name: [a-zA-Z_:][a-zA-Z0-9_:]*' });
  else if (origin === 'custom' && RESERVED_METRIC_PREFIXES.some((p) => point.name.startsWith(p)))
    issues.push({
      path: `${path}.name`,
      message: `names starting with ${RESERVED_METRIC_PREFIXES.join(', ')} are computed by the system`,
    });
  for (const label of Object.keys(point.labels ?? {}))
    if (!METRIC_LABEL_NAME.test(label) || label.startsWith('__'))
      issues.push({
        path: `${path}.labels.${label}`,
        message: 'a label name: [a-zA-Z_][a-zA-Z0-9_]*',
      });
  if (!Number.isFinite(point.value))
    issues.push({ path: `${path}.value`, message: 'a finite number' });
  else if (point.kind === 'counter' && point.value < 0)
    issues.push({ path: `${path}.value`, message: "a counter's increment is never negative" });
  if (point.at !== undefined) {
    const at = Date.parse(point.at);
    if (Number.isNaN(at)) issues.push({ path: `${path}.at`, message: 'an ISO 8601 time' });
    else if (at > nowMs + FUTURE_TOLERANCE_MS)
      issues.push({ path: `${path}.at`, message: 'more than 5 minutes in the future' });
  }
  return issues;
}

/** The exception an anomalous series stands for: one per series, whatever its points. */
function anomalySignal(series: MetricSeries, verdict: SeriesVerdict): Signal {
  return {
    labels: {
      ...series.labels,
      alertname: 'MetricAnomaly',
      severity: 'warning',
      metric: series.name,
    },
    summary: `${series.key} = ${series.lastValue} is anomalous (${verdict.reason}, score ${(verdict.score ?? 0).toFixed(2)})`,
    details: {
      series: series.key,
      value: series.lastValue,
      at: series.lastAt,
      score: verdict.score,
      reason: verdict.reason,
      pointsSeen: series.points,
    },
  };
}

/**
 * Records points of metric series, all or none: each is an event in the log (performance rolls
 * them up from there) and is scored by its series' streaming anomaly detector, whose state is
 * kept with the series. An anomaly raises a `MetricAnomaly` exception, routed like any other;
 * it resolves itself once the series has been quiet for `anomalyClearPoints` points. A point of
 * a series first seen as the other kind is refused.
 */
export async function recordMetricPoints(
  ctx: MonitoringContext,
  points: readonly NewMetricPoint[],
  settings: Pick<DetectorSettings, 'anomalyThreshold' | 'anomalyClearPoints'>,
  origin: SeriesOrigin = 'custom',
): Promise<RecordedPoint[]> {
  const nowMs = ctx.clock.now().getTime();
  const now = new Date(nowMs).toISOString();
  const issues = points.flatMap((point, i) => pointIssues(point, `points.${i}`, nowMs, origin));
  if (issues.length > 0)
    throw new DomainError('validation_failed', 'invalid metric points', { issues });

  const recorded: RecordedPoint[] = [];
  // Each series is locked, restored and stored once per batch, however many points it has.
  const watches = new Map<string, SeriesWatch>();
  for (const [i, point] of points.entries()) {
    const labels = point.labels ?? {};
    const at = point.at === undefined ? now : new Date(point.at).toISOString();
    const key = seriesKey(point.name, labels);
    let watch = watches.get(key);
    if (watch === undefined) {
      const series = await ctx.tx.metricSeries.lock({
        key,
        name: point.name,
        kind: point.kind,
        labels,
        origin,
        points: 0,
        lastValue: point.value,
        lastAt: at,
        lastScore: 0,
        quietPoints: 0,
        detector: null,
        createdAt: now,
        updatedAt: now,
      });
      if (series.kind !== point.kind)
        throw new DomainError('conflict', `${key} is a ${series.kind}, not a ${point.kind}`, {
          issues: [{ path: `points.${i}.kind`, message: `the series is a ${series.kind}` }],
        });
      watch = watchSeries(series, settings);
      watches.set(key, watch);
    } else if (watch.series.kind !== point.kind) {
      throw new DomainError('conflict', `${key} is a ${watch.series.kind}, not a ${point.kind}`, {
        issues: [{ path: `points.${i}.kind`, message: `the series is a ${watch.series.kind}` }],
      });
    }
    const metricPoint: MetricPoint = {
      name: point.name,
      kind: point.kind,
      value: point.value,
      labels,
      at,
    };
    // A built-in point is a count of events already in the log: recording it again would count
    // it twice wherever the log is rolled up.
    if (origin === 'custom')
      ctx.tx.events.append(
        newEvent('monitoring.metric.recorded', principalName(ctx.principal), key, metricPoint),
      );
    const verdict = watch.score({ value: point.value, at });
    const signal = anomalySignal(watch.series, verdict);
    let exceptionId: string | null = null;
    if (verdict.anomalous) {
      exceptionId = (await raiseException(ctx, 'detector:metric_anomaly', signal)).exception.id;
    } else if (watch.series.quietPoints === settings.anomalyClearPoints) {
      const active = await ctx.tx.exceptions.findActive(fingerprintOf(signal.labels));
      if (active !== null)
        await resolveException(
          ctx,
          active.id,
          'cleared',
          `${watch.series.quietPoints} points in a row without an anomaly`,
        );
    }
    recorded.push({ series: key, score: verdict.score, reason: verdict.reason, exceptionId });
  }
  for (const watch of watches.values())
    await ctx.tx.metricSeries.update({ ...watch.close(), updatedAt: now });
  return recorded;
}
