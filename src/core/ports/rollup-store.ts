/**
 * Performance feedback's rollups: sums per metric, label set and time bucket (minute, hour,
 * day), kept up to date by folding the event log in sequence order, with the per-item state the
 * fold needs between events and the sequence number folded so far. Everything here is derived
 * from the log and can be rebuilt from it.
 */

/** A bucket resolution; bucket names are ISO 8601 prefixes (`2025-03-01T10:05`, `…T10`, `2025-03-01`). */
export type RollupResolution = 'minute' | 'hour' | 'day';

/**
 * One metric's sums in a bucket of a label set, or what a batch adds to them: counts and sums
 * add, histograms add bin by bin, a gauge keeps its newer value.
 */
export interface RollupEntry {
  /** A counter's increments, a histogram's observations, a gauge's points. */
  count: number;
  /** A counter's amounts, the observed values of a histogram, a gauge's points. */
  sum: number;
  /**
   * A histogram's bins (see performance/log-histogram), bin → observations; null for counters
   * and gauges. One entry holds a bucket's whole histogram, so a window reads a row per bucket
   * and label set whatever the spread of the values.
   */
  bins: Record<string, number> | null;
  /** A gauge's newest value and when it was observed; null for other kinds. */
  lastValue: number | null;
  lastAt: string | null;
}

/**
 * What one folded batch adds to the metrics of one label set in one bucket: a label set's
 * metrics share a row (a completion adds to seven counters and a histogram with one label set).
 */
export interface RollupDelta {
  resolution: RollupResolution;
  bucket: string;
  /** The label set as canonical JSON (members sorted by name). */
  labels: string;
  /** Metric name → what the batch adds to it. */
  metrics: Record<string, RollupEntry>;
}

/**
 * The label marking a view's label set (no metric label may start with `@`): a row whose label
 * set has `"@view": "domain"` holds, for one domain, the sums of every label set with that
 * domain, kept by the fold beside them, so a breakdown by domain reads a row per domain
 * instead of one per label set. Reads name the view they want; without one they see only the
 * label sets as folded, so nothing is counted twice.
 */
export const VIEW_LABEL = '@view';

/** A range of buckets of one resolution, names from `from` (inclusive) to `to` (exclusive). */
export interface RollupRange {
  resolution: RollupResolution;
  from: string;
  to: string;
}

/** Rows of one metric and label set summed over ranges of buckets (histograms bin by bin). */
export interface RollupSum {
  name: string;
  labels: string;
  bins: Record<string, number> | null;
  count: number;
  sum: number;
}

/** A gauge's newest value for one label set. */
export interface RollupLast {
  name: string;
  labels: string;
  value: number;
  at: string;
}

/** The fold's state of one thing between events: `kind` says what (actor, type, item, …). */
export interface FoldStateRow {
  kind: string;
  id: string;
  /** JSON the fold wrote. */
  state: string;
}

/** One metric of a stored rollup row, for exports and for comparing a rebuild. */
export interface RollupRow extends RollupEntry {
  name: string;
  resolution: RollupResolution;
  bucket: string;
  labels: string;
}

export interface RollupReader {
  /** The sequence number of the last event folded (0 before any). */
  checkpoint(): Promise<number>;
  /** Fold state rows of a kind: those with the given ids, or all of them. */
  states(kind: string, ids?: readonly string[]): Promise<FoldStateRow[]>;
  /**
   * Counts and sums of the named metrics over the ranges, one row per metric and label set:
   * the cost is the number of stored rows in the ranges, never the number of events. `view`:
   * the view's label sets (see VIEW_LABEL) instead of the folded ones.
   */
  sum(
    names: readonly string[],
    ranges: readonly RollupRange[],
    view?: string | null,
  ): Promise<RollupSum[]>;
  /** Each label set's newest gauge value of the named metrics within the ranges. */
  last(
    names: readonly string[],
    ranges: readonly RollupRange[],
    view?: string | null,
  ): Promise<RollupLast[]>;
  /** Every stored rollup row, ordered by its key (for exports and rebuild checks). */
  rows(): Promise<RollupRow[]>;
}

/** Rollup writes, inside the projector's transaction. */
export interface RollupStore extends RollupReader {
  /**
   * Moves the checkpoint from `from` to `to`; false (and nothing moved) when it is not at
   * `from`, because another node folded those events first: the caller then rolls back.
   */
  advance(from: number, to: number): Promise<boolean>;
  /** Adds deltas to their rows, creating them (see `addEntry` for the arithmetic). */
  add(deltas: readonly RollupDelta[]): Promise<void>;
  /** Writes fold state rows, replacing those with the same kind and id. */
  putStates(rows: readonly FoldStateRow[]): Promise<void>;
  /** Deletes fold state rows the fold will never need again (a finished work item's). */
  dropStates(kind: string, ids: readonly string[]): Promise<void>;
  /** Forgets every rollup, state and the checkpoint, for a rebuild from the log. */
  reset(): Promise<void>;
  /**
   * Deletes the rows of one resolution whose buckets start before `before` (a bucket name of
   * that resolution): the retention of minute buckets, whose hours and days stay. Returns how
   * many rows went.
   */
  prune(resolution: RollupResolution, before: string): Promise<number>;
}
