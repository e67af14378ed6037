import type { MetricLabels, MetricSelector } from '../core/metric.js';
import type { MetricReader } from '../core/ports/metric-reader.js';
import type { RollupRange, RollupReader, RollupSum } from '../core/ports/rollup-store.js';
import { COUNTERS, HISTOGRAMS, WIP_GAUGE, type HistogramName } from './builtin-metrics.js';
import { quantileOf } from './log-histogram.js';
import { coverWindow } from './rollup-buckets.js';
import { viewFor } from './rollup-views.js';

/** Sums of one group of rows: counters by name, histograms by name and bin. */
interface Aggregate {
  counters: Map<string, number>;
  histograms: Map<string, { bins: Map<number, number>; count: number; sum: number }>;
  wip: number | null;
}

const emptyAggregate = (): Aggregate => ({ counters: new Map(), histograms: new Map(), wip: null });

/** The derived figures, computed from a group's sums over a window of `hours`. */
type Derive = (a: Aggregate, hours: number) => number | null;

const counter = (a: Aggregate, name: string) => a.counters.get(name) ?? 0;
const ratio = (num: number, den: number) => (den > 0 ? num / den : null);
const percentile =
  (name: HistogramName, q: number): Derive =>
  (a) => {
    const h = a.histograms.get(name);
    return h === undefined ? null : quantileOf(h.bins, q);
  };
const mean =
  (name: HistogramName): Derive =>
  (a) => {
    const h = a.histograms.get(name);
    return h === undefined ? null : ratio(h.sum, h.count);
  };
const completed = (a: Aggregate) => counter(a, 'work_completed_total');

/**
 * The KPIs of a breakdown row and of `GET /v1/kpis`, in column order; each is also a metric
 * name the MetricReader answers. Ratios are null when their denominator is zero.
 */
export const KPIS: Readonly<Record<string, Derive>> = {
  work_arrived_total: (a) => counter(a, 'work_arrived_total'),
  work_completed_total: (a) => completed(a),
  throughput_per_hour: (a, hours) => (hours > 0 ? completed(a) / hours : null),
  work_in_progress: (a) => a.wip,
  lead_time_p50_seconds: percentile('lead_time_seconds', 0.5),
  lead_time_p90_seconds: percentile('lead_time_seconds', 0.9),
  cycle_time_p50_seconds: percentile('cycle_time_seconds', 0.5),
  cycle_time_p90_seconds: percentile('cycle_time_seconds', 0.9),
  queue_time_p50_seconds: percentile('queue_time_seconds', 0.5),
  queue_time_p90_seconds: percentile('queue_time_seconds', 0.9),
  lead_time_mean_seconds: mean('lead_time_seconds'),
  cycle_time_mean_seconds: mean('cycle_time_seconds'),
  queue_time_mean_seconds: mean('queue_time_seconds'),
  sla_attainment: (a) =>
    ratio(
      counter(a, 'work_completed_within_sla_total'),
      counter(a, 'work_completed_with_due_total'),
    ),
  first_time_right_ratio: (a) =>
    ratio(counter(a, 'work_completed_first_time_right_total'), completed(a)),
  rework_rate: (a) => ratio(counter(a, 'work_rework_total'), completed(a)),
  work_failed_total: (a) => counter(a, 'work_failed_total'),
  failure_rate: (a) =>
    ratio(counter(a, 'work_failed_total'), completed(a) + counter(a, 'work_failed_total')),
  exceptions_opened_total: (a) => counter(a, 'exceptions_opened_total'),
  exception_rate: (a) =>
    ratio(counter(a, 'exceptions_opened_total'), counter(a, 'work_arrived_total')),
  mtta_seconds: mean('exception_acknowledge_seconds'),
  mttr_seconds: mean('exception_resolve_seconds'),
  approval_wait_p50_seconds: percentile('approval_wait_seconds', 0.5),
  approval_wait_p90_seconds: percentile('approval_wait_seconds', 0.9),
  work_cost_total: (a) => counter(a, 'work_cost_total'),
  cost_per_completion: (a) => ratio(counter(a, 'work_cost_total'), completed(a)),
  autonomy_ratio: (a) => ratio(counter(a, 'work_completed_autonomously_total'), completed(a)),
};
export const KPI_NAMES: readonly string[] = Object.keys(KPIS);

/** Labels a breakdown may group by. */
export const BREAKDOWN_LABELS = ['domain', 'work_type', 'actor', 'actor_kind'] as const;
export type BreakdownLabel = (typeof BREAKDOWN_LABELS)[number];

const COUNTER_SET = new Set<string>(COUNTERS);
const HISTOGRAM_SET = new Set<string>(HISTOGRAMS);
const BUILTIN_ROW_NAMES: readonly string[] = [...COUNTERS, ...HISTOGRAMS];

export interface KpiRow {
  /** The breakdown's label values ('' where a series has no such label). */
  labels: Record<string, string>;
  values: Record<string, number | null>;
}

export interface KpiReport {
  from: string;
  to: string;
  by: string[];
  rows: KpiRow[];
}

const parsedLabels = new Map<string, Record<string, string>>();
function parseLabels(text: string): Record<string, string> {
  let labels = parsedLabels.get(text);
  if (labels === undefined) {
    labels = JSON.parse(text) as Record<string, string>;
    // Label sets are few (series, not events); the cache only saves parsing them per query.
    if (parsedLabels.size > 100_000) parsedLabels.clear();
    parsedLabels.set(text, labels);
  }
  return labels;
}

const matches = (labels: Record<string, string>, wanted: MetricLabels) =>
  Object.entries(wanted).every(([k, v]) => labels[k] === v);

function addRow(a: Aggregate, row: RollupSum): void {
  if (HISTOGRAM_SET.has(row.name)) {
    let h = a.histograms.get(row.name);
    if (h === undefined) a.histograms.set(row.name, (h = { bins: new Map(), count: 0, sum: 0 }));
    for (const [bin, count] of Object.entries(row.bins ?? {}))
      h.bins.set(Number(bin), (h.bins.get(Number(bin)) ?? 0) + count);
    h.count += row.count;
    h.sum += row.sum;
  } else {
    a.counters.set(row.name, (a.counters.get(row.name) ?? 0) + row.sum);
  }
}

/** Ranges covering all time before the end of the window, for the level a gauge had at `to`. */
function upTo(toMs: number, minutesFromMs: number): RollupRange[] {
  const dayStart = Math.floor(toMs / 86_400_000) * 86_400_000;
  return [
    { resolution: 'day', from: '0000', to: new Date(dayStart).toISOString().slice(0, 10) },
    ...coverWindow(dayStart, toMs, minutesFromMs),
  ];
}

/** Sums over the ranges, the hours and days from `view` (see rollup-views), minutes without. */
async function sumWithView(
  reader: RollupReader,
  names: readonly string[],
  ranges: readonly RollupRange[],
  view: string | null,
): Promise<RollupSum[]> {
  if (view === null) return reader.sum(names, ranges);
  const minutes = ranges.filter((r) => r.resolution === 'minute');
  const coarser = ranges.filter((r) => r.resolution !== 'minute');
  const [viewed, edges] = await Promise.all([
    reader.sum(names, coarser, view),
    minutes.length === 0 ? Promise.resolve([]) : reader.sum(names, minutes),
  ]);
  return [...viewed, ...edges];
}

/**
 * KPIs over [from, to) from the rollups, one row per combination of the `by` labels (one row in
 * all without `by`), restricted to series matching `filter`. Reads buckets, never events.
 * `minutesFromMs`: where minute buckets begin (see `coverWindow`); edges before it read hours.
 * A breakdown or filter a view answers (see rollup-views) reads the view's rows; `useViews`
 * false reads the folded label sets whatever the breakdown (to check the views against them).
 */
export async function readKpis(
  reader: RollupReader,
  window: { from: string; to: string; by?: readonly BreakdownLabel[]; filter?: MetricLabels },
  minutesFromMs = -Infinity,
  useViews = true,
): Promise<KpiReport> {
  const fromMs = Date.parse(window.from);
  const toMs = Date.parse(window.to);
  const by = [...(window.by ?? [])];
  const filter = window.filter ?? {};
  const view = useViews ? viewFor([...by, ...Object.keys(filter)]) : null;
  const [sums, levels] = await Promise.all([
    sumWithView(reader, BUILTIN_ROW_NAMES, coverWindow(fromMs, toMs, minutesFromMs), view),
    reader.last([WIP_GAUGE], upTo(toMs, minutesFromMs)),
  ]);
  const groups = new Map<string, { labels: Record<string, string>; aggregate: Aggregate }>();
  const groupOf = (labels: Record<string, string>) => {
    const key = by.map((l) => labels[l] ?? '');
    const id = key.join('\0');
    let group = groups.get(id);
    if (group === undefined) {
      group = {
        labels: Object.fromEntries(by.map((l, i) => [l, key[i] ?? ''])),
        aggregate: emptyAggregate(),
      };
      groups.set(id, group);
    }
    return group.aggregate;
  };
  for (const row of sums) {
    const labels = parseLabels(row.labels);
    if (matches(labels, filter)) addRow(groupOf(labels), row);
  }
  for (const level of levels) {
    const labels = parseLabels(level.labels);
    if (!matches(labels, filter)) continue;
    const a = groupOf(labels);
    a.wip = (a.wip ?? 0) + level.value;
  }
  const hours = Math.max(0, toMs - fromMs) / 3_600_000;
  const rows = [...groups.values()]
    .map(({ labels, aggregate }) => ({
      labels,
      values: Object.fromEntries(KPI_NAMES.map((k) => [k, KPIS[k]?.(aggregate, hours) ?? null])),
    }))
    .sort((x, y) => {
      for (const l of by) {
        const c = (x.labels[l] ?? '').localeCompare(y.labels[l] ?? '');
        if (c !== 0) return c;
      }
      return 0;
    });
  return { from: window.from, to: window.to, by, rows };
}

/**
 * The MetricReader over the rollups: a counter's increase over the window (built-in or custom),
 * a gauge's last value (summed over the label sets the selector leaves open; work in progress
 * is the level at the window's end), or a derived KPI computed over the window.
 */
export class RollupMetricReader implements MetricReader {
  constructor(
    private readonly reader: RollupReader,
    /** Where minute buckets begin now (see `coverWindow`); minutes are kept for ever without it. */
    private readonly minutesFrom: () => number = () => -Infinity,
  ) {}

  async value(selector: MetricSelector, from: string, to: string): Promise<number | null> {
    const fromMs = Date.parse(from);
    const toMs = Date.parse(to);
    const { name, labels } = selector;
    if (name === WIP_GAUGE || (KPIS[name] !== undefined && !COUNTER_SET.has(name))) {
      const report = await readKpis(this.reader, { from, to, filter: labels }, this.minutesFrom());
      const [row] = report.rows;
      return row === undefined ? null : (row.values[name] ?? null);
    }
    const ranges = coverWindow(fromMs, toMs, this.minutesFrom());
    // Custom series have no views; a built-in counter filtered by a view's labels reads it.
    const view = COUNTER_SET.has(name) ? viewFor(Object.keys(labels)) : null;
    const [sums, lasts] = await Promise.all([
      sumWithView(this.reader, [name], ranges, view),
      COUNTER_SET.has(name) ? Promise.resolve([]) : this.reader.last([name], ranges),
    ]);
    if (lasts.length > 0) {
      const found = lasts.filter((l) => matches(parseLabels(l.labels), labels));
      return found.length === 0 ? null : found.reduce((total, l) => total + l.value, 0);
    }
    const found = sums.filter((s) => matches(parseLabels(s.labels), labels));
    return found.length === 0 ? null : found.reduce((total, s) => total + s.sum, 0);
  }
}
