import type { Severity } from '../../core/exception.js';
import type { Signal } from '../../monitoring/signal.js';
import type { BurnRateSeverity, SloEvaluation } from './evaluate-slo.js';

/** The source burn-rate exceptions carry; reconciling it resolves those whose burn stopped. */
export const SLO_BURN_RATE_SOURCE = 'slo:burn_rate';

/** A page wakes someone; a ticket is for working hours. */
const SEVERITY: Readonly<Record<BurnRateSeverity, Severity>> = {
  page: 'critical',
  ticket: 'warning',
};

const times = (rate: number | null) => (rate === null ? 'no data' : `${rate.toFixed(1)}x`);

/**
 * One signal per firing burn-rate alert: labels `alertname=SloBurnRate`, `slo`, `objective`,
 * `service`, `severity` (page → critical, ticket → warning) and `window` (the long window), so
 * each alert of each objective is its own exception, routed like any other; the burn rates go in
 * the details, never in labels, so a changing rate does not open a new one.
 */
export function burnRateSignals(evaluation: SloEvaluation): Signal[] {
  const signals: Signal[] = [];
  for (const objective of evaluation.objectives)
    for (const alert of objective.alerts) {
      if (!alert.firing) continue;
      signals.push({
        labels: {
          alertname: 'SloBurnRate',
          severity: SEVERITY[alert.severity],
          slo: evaluation.name,
          objective: objective.name,
          service: evaluation.service,
          window: alert.window,
        },
        summary: `SLO '${evaluation.name}' (${objective.name}) burns its error budget at ${times(alert.longBurnRate)} over ${alert.window} and ${times(alert.shortBurnRate)} over ${alert.shortWindow} (${alert.severity} above ${alert.factor}x)`,
        details: {
          target: objective.target,
          factor: alert.factor,
          window: alert.window,
          shortWindow: alert.shortWindow,
          longBurnRate: alert.longBurnRate,
          shortBurnRate: alert.shortBurnRate,
          errorBudgetRemaining: objective.errorBudget.remaining,
          notify: alert.severity,
        },
      });
    }
  return signals;
}
