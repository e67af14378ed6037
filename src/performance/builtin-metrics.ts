/**
 * The series performance feedback folds from the event log, by name. Counters add per bucket;
 * histograms keep log-scale bins (see log-histogram) with the sum of their values; the gauge
 * keeps its newest value. Labels: `domain` and `work_type` on work series, with `actor` and
 * `actor_kind` where an actor ended the attempt; `domain`, `alertname` and `severity` on
 * exception series; `domain`, `action` and `decision` on approval waits.
 */

export const COUNTERS = [
  'work_arrived_total',
  'work_completed_total',
  'work_completed_with_due_total',
  'work_completed_within_sla_total',
  'work_completed_autonomously_total',
  'work_completed_first_time_right_total',
  'work_failed_total',
  'work_rework_total',
  'work_cancelled_total',
  'work_retries_exhausted_total',
  'work_cost_total',
  'exceptions_opened_total',
  'exceptions_acknowledged_total',
  'exceptions_resolved_total',
] as const;
export type CounterName = (typeof COUNTERS)[number];

export const HISTOGRAMS = [
  'lead_time_seconds',
  'cycle_time_seconds',
  'queue_time_seconds',
  'exception_acknowledge_seconds',
  'exception_resolve_seconds',
  'approval_wait_seconds',
] as const;
export type HistogramName = (typeof HISTOGRAMS)[number];

/** Open work (arrived, not done, cancelled or given up), per domain and work type. */
export const WIP_GAUGE = 'work_in_progress';

export const BUILTIN_NAMES: readonly string[] = [...COUNTERS, ...HISTOGRAMS, WIP_GAUGE];

/** What each built-in series means, for `/metrics` help texts and the docs. */
export const HELP: Readonly<Record<CounterName | HistogramName | typeof WIP_GAUGE, string>> = {
  work_arrived_total: 'Work items created',
  work_completed_total: 'Work items completed (done)',
  work_completed_with_due_total: 'Completed work items that had a due date',
  work_completed_within_sla_total: 'Completed work items done by their due date',
  work_completed_autonomously_total: 'Completed work items no human touched',
  work_completed_first_time_right_total: 'Completed work items that never failed an attempt',
  work_failed_total: 'Failed attempts',
  work_rework_total: 'Failed work items sent back to be done again (retried)',
  work_cancelled_total: 'Work items cancelled',
  work_retries_exhausted_total: 'Work items that failed on every attempt their type allows',
  work_cost_total: "Cost of attempts: the actor's cost per hour times the hours from start to end",
  exceptions_opened_total: 'Exceptions opened',
  exceptions_acknowledged_total: 'Exceptions acknowledged',
  exceptions_resolved_total: 'Exceptions resolved',
  lead_time_seconds: 'Creation to completion of completed work',
  cycle_time_seconds: 'First start to completion of completed work',
  queue_time_seconds: 'Creation to first assignment',
  exception_acknowledge_seconds: 'Opening to first acknowledgement of exceptions',
  exception_resolve_seconds: 'Opening to resolution of exceptions',
  approval_wait_seconds:
    'Request to decision (approved, rejected or expired) of the approvals agents asked for',
  work_in_progress: 'Open work items (arrived, not yet done, cancelled or given up)',
};
