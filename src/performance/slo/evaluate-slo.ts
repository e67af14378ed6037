import { formatDuration } from '../../core/duration.js';
import type { MetricReader } from '../../core/ports/metric-reader.js';
import type { SloDefinition } from '../../core/slo-config.js';
import { sloBudgetWindow, type TimeRange } from './slo-budget-window.js';

/**
 * Multi-window, multi-burn-rate alerts with the SRE workbook's defaults (chapter 5, "Alerting on
 * SLOs", table 5-8): each fires when the error budget burns faster than `factor` times the rate
 * that would spend it exactly over the SLO's window, both over the long window (it is
 * significant) and over the short one (it is still going on, so the alert ends soon after the
 * burn does). 14.4x over 1h spends 2% of a 30-day budget; 6x over 6h, 5%; 1x over 3d, 10%.
 */
export const BURN_RATE_ALERTS = [
  { severity: 'page', longSeconds: 3600, shortSeconds: 300, factor: 14.4 },
  { severity: 'page', longSeconds: 21_600, shortSeconds: 1800, factor: 6 },
  { severity: 'ticket', longSeconds: 259_200, shortSeconds: 21_600, factor: 1 },
] as const;

export type BurnRateSeverity = (typeof BURN_RATE_ALERTS)[number]['severity'];

/** Every window a burn rate is read over, shortest first. */
export const BURN_RATE_WINDOWS: readonly number[] = [
  ...new Set(BURN_RATE_ALERTS.flatMap((a) => [a.longSeconds, a.shortSeconds])),
].sort((a, b) => a - b);

/** What the indicator measured over one window. */
export interface WindowReading extends TimeRange {
  /** Events counted (the total series' increase); null when the reader has no data. */
  total: number | null;
  /** Good (or bad, for an indicator that counts bad) events. */
  counted: number | null;
  /** Share of events that were bad, 0–1; null without data (no events is not zero errors). */
  errorRatio: number | null;
}

export interface SloReadings {
  budget: WindowReading;
  /** By window length in seconds (BURN_RATE_WINDOWS). */
  windows: ReadonlyMap<number, WindowReading>;
}

export const SLO_STATUSES = ['ok', 'burning', 'breached', 'no_data'] as const;
/**
 * `no_data`: nothing was counted over the budget window, so nothing can be said (it is not
 * healthy); `breached`: more than the whole error budget is spent; `burning`: a burn-rate alert
 * fires; `ok`: none of these.
 */
export type SloStatus = (typeof SLO_STATUSES)[number];

export interface BurnRateAlertState {
  severity: BurnRateSeverity;
  /** The long window, as labels name it (`1h`, `6h`, `3d`). */
  window: string;
  shortWindow: string;
  factor: number;
  longBurnRate: number | null;
  shortBurnRate: number | null;
  firing: boolean;
}

export interface SloObjectiveEvaluation {
  name: string;
  target: number;
  status: SloStatus;
  /** Good share over the budget window (1 − error ratio); null without data. */
  sli: number | null;
  errorBudget: {
    /** The share of events allowed to be bad: 1 − target. */
    allowed: number;
    /** Spent share of the budget over the window (may exceed 1); null without data. */
    consumed: number | null;
    /** 1 − consumed (negative once overspent); null without data. */
    remaining: number | null;
  };
  /** Burn rate by window (`5m` … `3d`): error ratio ÷ allowed; null without data. */
  burnRates: Record<string, number | null>;
  alerts: BurnRateAlertState[];
}

export interface SloEvaluation {
  name: string;
  service: string;
  status: SloStatus;
  /** Why the status is `no_data`, in words; absent otherwise. */
  reason?: string;
  budgetWindow: TimeRange;
  /** Events counted over the budget window. */
  total: number | null;
  objectives: SloObjectiveEvaluation[];
}

const STATUS_ORDER: readonly SloStatus[] = ['ok', 'burning', 'breached', 'no_data'];

/**
 * 1 − target, rounded to 12 decimals: 1 − 0.999 is 0.0010000000000000009 in binary, which would
 * put a burn rate a hair under its threshold.
 */
const allowedOf = (target: number) => Number((1 - target).toFixed(12));

function errorRatio(slo: SloDefinition, total: number | null, counted: number | null) {
  if (total === null || total <= 0) return null;
  // With events in the window, a good or bad series without data counted none of them.
  const share = Math.min(1, Math.max(0, (counted ?? 0) / total));
  return slo.indicator.good === null ? share : 1 - share;
}

/** Reads what the indicator counted over one window (its two series, for the same range). */
export async function readWindow(
  reader: MetricReader,
  slo: SloDefinition,
  range: TimeRange,
): Promise<WindowReading> {
  const numerator = slo.indicator.good ?? slo.indicator.bad;
  const [total, counted] = await Promise.all([
    reader.value(slo.indicator.total, range.from, range.to),
    numerator === null ? Promise.resolve(null) : reader.value(numerator, range.from, range.to),
  ]);
  return { ...range, total, counted, errorRatio: errorRatio(slo, total, counted) };
}

/** Reads the budget window and every burn-rate window ending at `now`. */
export async function readSlo(
  reader: MetricReader,
  slo: SloDefinition,
  now: Date,
): Promise<SloReadings> {
  const to = now.toISOString();
  const windows = new Map<number, WindowReading>();
  for (const seconds of BURN_RATE_WINDOWS)
    windows.set(
      seconds,
      await readWindow(reader, slo, {
        from: new Date(now.getTime() - seconds * 1000).toISOString(),
        to,
      }),
    );
  return { budget: await readWindow(reader, slo, sloBudgetWindow(slo.timeWindow, now)), windows };
}

/**
 * An SLO's standing from what was read: per objective its SLI, error budget, burn rates and
 * which burn-rate alerts fire (both windows strictly above the factor, as the workbook's rules
 * compare). An SLO with no events in its budget window says `no_data`, not `ok`.
 */
export function evaluateSlo(slo: SloDefinition, readings: SloReadings): SloEvaluation {
  const ratio = readings.budget.errorRatio;
  const objectives = slo.objectives.map((objective): SloObjectiveEvaluation => {
    const allowed = allowedOf(objective.target);
    const burn = (seconds: number) => {
      const r = readings.windows.get(seconds)?.errorRatio ?? null;
      return r === null ? null : r / allowed;
    };
    const burnRates: Record<string, number | null> = {};
    for (const seconds of BURN_RATE_WINDOWS) burnRates[formatDuration(seconds)] = burn(seconds);
    const alerts = BURN_RATE_ALERTS.map((alert): BurnRateAlertState => {
      const longBurnRate = burn(alert.longSeconds);
      const shortBurnRate = burn(alert.shortSeconds);
      return {
        severity: alert.severity,
        window: formatDuration(alert.longSeconds),
        shortWindow: formatDuration(alert.shortSeconds),
        factor: alert.factor,
        longBurnRate,
        shortBurnRate,
        firing:
          longBurnRate !== null &&
          shortBurnRate !== null &&
          longBurnRate > alert.factor &&
          shortBurnRate > alert.factor,
      };
    });
    const consumed = ratio === null ? null : ratio / allowed;
    const remaining = consumed === null ? null : 1 - consumed;
    const status: SloStatus =
      remaining === null
        ? 'no_data'
        : remaining < 0
          ? 'breached'
          : alerts.some((a) => a.firing)
            ? 'burning'
            : 'ok';
    return {
      name: objective.name,
      target: objective.target,
      status,
      sli: ratio === null ? null : 1 - ratio,
      errorBudget: { allowed, consumed, remaining },
      burnRates,
      alerts,
    };
  });
  const status = objectives.reduce<SloStatus>(
    (worst, o) => (STATUS_ORDER.indexOf(o.status) > STATUS_ORDER.indexOf(worst) ? o.status : worst),
    'ok',
  );
  return {
    name: slo.name,
    service: slo.service,
    status,
    ...(status === 'no_data'
      ? { reason: `no events of ${slo.indicator.total.name} in the budget window` }
      : {}),
    budgetWindow: { from: readings.budget.from, to: readings.budget.to },
    total: readings.budget.total,
    objectives,
  };
}
