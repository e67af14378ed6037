import type { KeyResult } from '../../core/objective-config.js';
import type { KeyResultStatus } from '../../core/ports/outcome-store.js';

/** A forecast that reaches at least this share of the way to the target is at risk, not off. */
export const AT_RISK_SHARE = 0.8;
/** Key results keep one snapshot an hour at most: enough for a trend, bounded in size. */
export const SNAPSHOT_INTERVAL_SECONDS = 3600;

export interface KeyResultEvaluation {
  status: KeyResultStatus;
  /** Why, in words: the status with the figures that decided it. */
  reason: string;
  /** The window the metric was read over; null before the period starts. */
  window: { from: string; to: string } | null;
  value: number | null;
  /** (value − start) / (target − start): 0 at the start, 1 at the target; not clamped. */
  progress: number | null;
  /** The share of the period elapsed: where progress would be on a straight line. */
  expectedProgress: number;
  /** The value the trend reaches at the period's end. */
  forecast: number | null;
  forecastProgress: number | null;
  /** How the forecast was made: a fit over the history, or the pace since the start. */
  forecastMethod: 'least_squares' | 'pace' | 'final' | null;
}

export interface HistoryPoint {
  at: string;
  value: number;
}

/** The ordinary least-squares line through the points; null with fewer than two distinct x. */
export function leastSquares(
  points: readonly { x: number; y: number }[],
): { slope: number; intercept: number } | null {
  const n = points.length;
  if (n < 2) return null;
  const meanX = points.reduce((s, p) => s + p.x, 0) / n;
  const meanY = points.reduce((s, p) => s + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - meanX) ** 2;
    sxy += (p.x - meanX) * (p.y - meanY);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  return { slope, intercept: meanY - slope * meanX };
}

/**
 * Where a key result's metric is read at `now`: over the period so far, or over the trailing
 * `window` when it has one (a rate such as SLA attainment over the last 7 days). The period's
 * end caps it; before the period starts there is nothing to read (null).
 */
export function keyResultWindow(kr: KeyResult, now: Date): { from: string; to: string } | null {
  const start = Date.parse(kr.periodStart);
  const end = Math.min(now.getTime(), Date.parse(kr.periodEnd));
  if (end <= start) return null;
  const from = kr.windowSeconds === null ? start : end - kr.windowSeconds * 1000;
  return { from: new Date(from).toISOString(), to: new Date(end).toISOString() };
}

const share = (kr: KeyResult, value: number) => (value - kr.start) / (kr.target - kr.start);
const percent = (x: number) => `${(x * 100).toFixed(0)}%`;

/**
 * A key result's progress, forecast and status at `now` from its current value and its history
 * (earlier snapshots). The forecast is the least-squares line through the snapshots of the
 * period and the current value, taken to the period's end; with no earlier snapshot, the pace
 * from the start value at the period's start to the current value; once the period is over, the
 * final value. The status follows the forecast: on track when it reaches the target, at risk
 * when it reaches at least AT_RISK_SHARE of the way, off track below; no data when the metric
 * has none (or the period has not started).
 */
export function evaluateKeyResult(
  kr: KeyResult,
  value: number | null,
  history: readonly HistoryPoint[],
  now: Date,
): KeyResultEvaluation {
  const startMs = Date.parse(kr.periodStart);
  const endMs = Date.parse(kr.periodEnd);
  const nowMs = Math.min(now.getTime(), endMs);
  const expectedProgress = Math.max(0, (nowMs - startMs) / (endMs - startMs));
  const window = keyResultWindow(kr, now);
  const empty = {
    window,
    value,
    progress: null,
    expectedProgress,
    forecast: null,
    forecastProgress: null,
    forecastMethod: null,
  } as const;
  if (window === null)
    return { ...empty, status: 'no_data', reason: `the period starts at ${kr.periodStart}` };
  if (value === null)
    return {
      ...empty,
      status: 'no_data',
      reason: `no data for ${kr.metric.name} from ${window.from} to ${window.to}`,
    };
  let forecast: number;
  let method: KeyResultEvaluation['forecastMethod'];
  if (now.getTime() >= endMs) {
    forecast = value;
    method = 'final';
  } else {
    // Hours since the period's start keep the fit's numbers small.
    const x = (ms: number) => (ms - startMs) / 3_600_000;
    const points = history
      .filter((p) => {
        const at = Date.parse(p.at);
        return at >= startMs && at < nowMs;
      })
      .map((p) => ({ x: x(Date.parse(p.at)), y: p.value }));
    points.push({ x: x(nowMs), y: value });
    const line = leastSquares(points);
    if (line !== null) {
      forecast = line.intercept + line.slope * x(endMs);
      method = 'least_squares';
    } else if (nowMs > startMs) {
      forecast = kr.start + ((value - kr.start) * (endMs - startMs)) / (nowMs - startMs);
      method = 'pace';
    } else {
      forecast = value;
      method = 'pace';
    }
  }
  const forecastProgress = share(kr, forecast);
  const status: KeyResultStatus =
    forecastProgress >= 1
      ? 'on_track'
      : forecastProgress >= AT_RISK_SHARE
        ? 'at_risk'
        : 'off_track';
  const words = { on_track: 'on track', at_risk: 'at risk', off_track: 'off track' } as const;
  const reason =
    method === 'final'
      ? `${words[status]}: the period ended at ${percent(share(kr, value))} of the way to ${kr.target}`
      : `${words[status]}: forecast ${forecast.toPrecision(4)} at the period's end, ${percent(forecastProgress)} of the way to ${kr.target}`;
  return {
    status,
    reason,
    window,
    value,
    progress: share(kr, value),
    expectedProgress,
    forecast,
    forecastProgress,
    forecastMethod: method,
  };
}
