import type { Clock } from '../core/clock.js';
import { DomainError } from '../core/errors.js';
import { canonicalJson } from '../core/canonical-json.js';
import type { MetricLabels, MetricSelector, MetricSeries } from '../core/metric.js';
import type { MetricReader } from '../core/ports/metric-reader.js';
import type { RollupRow } from '../core/ports/rollup-store.js';
import type { Store } from '../core/ports/store.js';
import type { TokenRole } from '../core/model.js';
import type { Principal } from '../core/principal.js';
import { COUNTERS, HELP, WIP_GAUGE } from '../performance/builtin-metrics.js';
import { catchUp, DEFAULT_BATCH, rebuild } from '../performance/project-events.js';
import {
  KPI_NAMES,
  readKpis,
  RollupMetricReader,
  type BreakdownLabel,
  type KpiReport,
} from '../performance/read-kpis.js';
import { bucketName, coverWindow, minutesKeptFrom } from '../performance/rollup-buckets.js';
import { requireRole } from '../supervision/require-role.js';
import type { EventBus } from './event-bus.js';
import { LogFollower } from './log-follower.js';

const READERS: readonly TokenRole[] = ['admin', 'operator', 'agent', 'viewer'];

const MINUTE_MS = 60_000;
const upToMinute = (iso: string) =>
  new Date(Math.ceil(Date.parse(iso) / MINUTE_MS) * MINUTE_MS).toISOString();

export interface KpiQuery {
  from: string;
  to: string;
  by?: readonly BreakdownLabel[];
  filter?: MetricLabels;
}

/** One exported series: a counter's total since the log began, or a gauge's value now. */
export interface ExportedSeries {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: { labels: Record<string, string>; value: number }[];
}

/** How long minute buckets are kept by default: a week, so every burn-rate window stays exact. */
export const DEFAULT_MINUTE_RETENTION_HOURS = 168;

export interface PerformanceOptions {
  /** Events folded per transaction. */
  batch?: number;
  /** How long after a commit the fold starts: the commits of that time share one fold. */
  delayMs?: number;
  /**
   * How long minute buckets are kept, in ms (hours and days are kept for ever): older ones are
   * pruned after folds, and a window's edge older than that is read from hour buckets.
   */
  minuteRetentionMs?: number;
}

/** KPIs exported to `/metrics` as gauges over the last day, per domain. */
const EXPORTED_KPIS = KPI_NAMES.filter((k) => !k.endsWith('_total') && k !== WIP_GAUGE);

/**
 * Performance feedback, assembled: the projector that folds committed events into rollups
 * (triggered by the event bus, in batches, from its checkpoint), KPI queries over them, and the
 * MetricReader that SLOs and key results read through. Reached as `ControlPlane.performance`.
 */
export class PerformanceService {
  /** Metric values from the rollups as they stand (see `foldedMetrics` for up to date). */
  readonly metrics: MetricReader;
  /**
   * Metric values with everything committed folded first: what SLOs and key results read
   * through, so an alert never lags the log by a fold. Their windows end now, so both bounds
   * are taken up to the minute (the rollups' grain) rather than down: the current minute's
   * events count at once, and a window keeps its length.
   */
  readonly foldedMetrics: MetricReader = {
    value: async (selector, from, to) => {
      await this.catchUp();
      return this.metrics.value(selector, upToMinute(from), upToMinute(to));
    },
  };
  readonly #follower: LogFollower;
  /** Minute buckets before this were pruned (ms). */
  #prunedTo = -Infinity;
  private readonly batch: number;
  private readonly minuteRetentionMs: number;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    bus: EventBus,
    options: PerformanceOptions = {},
  ) {
    const batch = (this.batch = options.batch ?? DEFAULT_BATCH);
    // Pruning after each fold costs nothing until the retention horizon moves (hourly).
    this.#follower = new LogFollower(
      bus,
      async () => {
        const folded = await catchUp(store, batch, this.#follower.recent);
        await this.prune();
        return folded;
      },
      options.delayMs ?? 200,
    );
    this.minuteRetentionMs =
      options.minuteRetentionMs ?? DEFAULT_MINUTE_RETENTION_HOURS * 3_600_000;
    this.metrics = new RollupMetricReader(store.read.rollups, () => this.minutesFrom());
  }

  /** Where the minute buckets kept begin now (ms): windows read hours before it. */
  minutesFrom(): number {
    return minutesKeptFrom(this.clock.now().getTime(), this.minuteRetentionMs);
  }

  /**
   * Deletes the minute buckets older than the retention, once per hour the horizon moves (the
   * hours and days that hold the same counts stay). Returns the rows deleted.
   */
  async prune(): Promise<number> {
    const before = this.minutesFrom();
    if (!(before > this.#prunedTo)) return 0;
    const { result } = await this.store.transaction((tx) =>
      tx.rollups.prune('minute', bucketName(before, 'minute')),
    );
    this.#prunedTo = before;
    return result;
  }

  /**
   * Folds after every commit from now on (and what the log holds already): the write path
   * only announces, the fold runs on its own in batches, so many commits share one fold.
   */
  start(): void {
    this.#follower.start(() => undefined);
  }

  /** Stops folding after commits and waits for a fold in progress. */
  stop(): Promise<void> {
    return this.#follower.stop();
  }

  /**
   * Folds whatever the log holds beyond the checkpoint. Calls that arrive while a fold runs
   * share the next one, so a burst of commits costs one more fold, not one each.
   */
  catchUp(): Promise<number> {
    return this.#follower.catchUp();
  }

  /** The last event folded and the newest in the log. */
  async lag(principal: Principal): Promise<{ folded: number; head: number }> {
    requireRole(principal, READERS, 'read metrics');
    const [folded, head] = await Promise.all([
      this.store.read.rollups.checkpoint(),
      this.store.read.events.head(),
    ]);
    return { folded, head: head?.seq ?? 0 };
  }

  /** Forgets every rollup and folds the whole log again; returns the events folded. */
  async rebuild(principal: Principal): Promise<number> {
    requireRole(principal, ['admin'], 'rebuild metrics');
    return this.#follower.exclusive(async () => {
      const folded = await rebuild(this.store, this.batch);
      // The rebuild wrote every minute again: prune what the retention no longer keeps.
      this.#prunedTo = -Infinity;
      await this.prune();
      return folded;
    });
  }

  /** Every stored rollup row, for exports and for checking a rebuild. */
  async rollupRows(principal: Principal): Promise<RollupRow[]> {
    requireRole(principal, READERS, 'read metrics');
    return this.store.read.rollups.rows();
  }

  /** KPIs over a window, with a breakdown; folds what the log holds beyond the checkpoint first. */
  async kpis(principal: Principal, query: KpiQuery): Promise<KpiReport> {
    requireRole(principal, READERS, 'read metrics');
    const from = Date.parse(query.from);
    const to = Date.parse(query.to);
    if (!(from < to))
      throw new DomainError('validation_failed', 'the window is empty', {
        issues: [{ path: 'to', message: 'must be after from' }],
      });
    await this.catchUp();
    return readKpis(this.store.read.rollups, query, this.minutesFrom());
  }

  /** One metric's value over a window (see MetricReader). */
  async value(
    principal: Principal,
    selector: MetricSelector,
    from: string,
    to: string,
  ): Promise<number | null> {
    requireRole(principal, READERS, 'read metrics');
    await this.catchUp();
    return this.metrics.value(selector, from, to);
  }

  /**
   * What `/metrics` exports: every built-in counter's total since the log began, work in
   * progress now, and the derived KPIs over the last 24 hours per domain.
   */
  async exportSeries(principal: Principal): Promise<ExportedSeries[]> {
    requireRole(principal, READERS, 'read metrics');
    await this.catchUp();
    const now = this.clock.now().getTime();
    const reader = this.store.read.rollups;
    const sums = await reader.sum(COUNTERS, coverWindow(0, now + 60_000));
    const series: ExportedSeries[] = COUNTERS.map((name) => ({
      name: `autonomy_${name}`,
      help: HELP[name],
      type: 'counter',
      samples: sums
        .filter((s) => s.name === name)
        .map((s) => ({ labels: JSON.parse(s.labels) as Record<string, string>, value: s.sum })),
    }));
    const levels = (
      await readKpis(reader, {
        from: new Date(now - 60_000).toISOString(),
        to: new Date(now + 60_000).toISOString(),
        by: ['domain', 'work_type'],
      })
    ).rows.filter((r) => r.values[WIP_GAUGE] !== null);
    series.push({
      name: `autonomy_${WIP_GAUGE}`,
      help: HELP[WIP_GAUGE],
      type: 'gauge',
      samples: levels.map((r) => ({ labels: r.labels, value: r.values[WIP_GAUGE] ?? 0 })),
    });
    const day = await readKpis(reader, {
      from: new Date(now - 86_400_000).toISOString(),
      to: new Date(now + 60_000).toISOString(),
      by: ['domain'],
    });
    for (const kpi of EXPORTED_KPIS) {
      const samples = day.rows.flatMap((r) => {
        const value = r.values[kpi];
        return value === null || value === undefined ? [] : [{ labels: r.labels, value }];
      });
      series.push({
        name: `autonomy_${kpi}`,
        help: `${kpi} over the last 24 hours`,
        type: 'gauge',
        samples,
      });
    }
    series.push(...(await this.#customSeries(now)));
    return series;
  }

  /**
   * Custom series (`POST /v1/metrics`) under their own names: a gauge's latest point, a
   * counter's total since the log began (from the rollups), per label set.
   */
  async #customSeries(now: number): Promise<ExportedSeries[]> {
    const all: MetricSeries[] = [];
    for (let after: string | undefined; ;) {
      const page = await this.store.read.metricSeries.list({ origin: 'custom', after, limit: 500 });
      all.push(...page);
      after = page.at(-1)?.key;
      if (page.length < 500) break;
    }
    const counters = [...new Set(all.filter((s) => s.kind === 'counter').map((s) => s.name))];
    // Points may be stamped a little ahead of the clock (they are accepted up to 5 minutes so).
    const totals = await this.store.read.rollups.sum(
      counters,
      coverWindow(0, now + 10 * 60_000, this.minutesFrom()),
    );
    const totalOf = new Map(totals.map((t) => [`${t.name}\0${t.labels}`, t.sum]));
    const byName = new Map<string, ExportedSeries>();
    for (const s of all) {
      let exported = byName.get(s.name);
      if (exported === undefined) {
        exported = {
          name: s.name,
          help: `${s.name} (reported, ${s.kind})`,
          type: s.kind,
          samples: [],
        };
        byName.set(s.name, exported);
      }
      const labels = { ...s.labels };
      const value =
        s.kind === 'gauge' ? s.lastValue : totalOf.get(`${s.name}\0${canonicalJson(labels)}`);
      if (value !== undefined) exported.samples.push({ labels, value });
    }
    return [...byName.values()];
  }
}
