import { canonicalJson } from '../core/canonical-json.js';
import type { ApprovalEnd, EventMap, StoredEvent } from '../core/events.js';
import type { MetricPoint } from '../core/metric.js';
import type { FoldStateRow, RollupDelta, RollupEntry } from '../core/ports/rollup-store.js';
import { emptyEntry } from '../core/rollup-entry.js';
import type { CounterName, HistogramName } from './builtin-metrics.js';
import { WIP_GAUGE } from './builtin-metrics.js';
import { binOf } from './log-histogram.js';
import { bucketOf, RESOLUTIONS, type Resolution } from './rollup-buckets.js';
import { viewLabelSets } from './rollup-views.js';

/** What the fold remembers of an actor: its kind decides human touch, its rate the cost. */
export interface ActorFacts {
  kind: string;
  costPerHour: number;
}

/** What the fold remembers of a work item between its events. */
export interface ItemFacts {
  typeId: string;
  /** The type's domain when the item arrived. */
  domain: string;
  createdAt: string;
  dueAt: string | null;
  firstAssignedAt: string | null;
  firstStartedAt: string | null;
  /** Start of the attempt in progress, for its cost. */
  startedAt: string | null;
  failures: number;
  /** A human acted on it or held it after it arrived. */
  humanTouched: boolean;
  /** Counted in work in progress. */
  open: boolean;
}

export interface ExceptionFacts {
  openedAt: string;
  labels: string;
  acknowledged: boolean;
  resolved: boolean;
}

/**
 * Everything the fold needs between events. The projector loads it from the store before a
 * batch (see `stateKeys`) and writes back what `dirty` names, in the batch's transaction.
 */
export interface FoldState {
  actors: Map<string, ActorFacts>;
  /** Work type id → its domain. */
  types: Map<string, string>;
  /** Work in progress per label set (domain and work type). */
  levels: Map<string, number>;
  items: Map<string, ItemFacts>;
  exceptions: Map<string, ExceptionFacts>;
}

export const emptyFoldState = (): FoldState => ({
  actors: new Map(),
  types: new Map(),
  levels: new Map(),
  items: new Map(),
  exceptions: new Map(),
});

/** Kinds of fold state rows; actors, types and levels are few and loaded whole. */
export const STATE_KINDS = ['actor', 'type', 'level', 'item', 'exception'] as const;
export type StateKind = (typeof STATE_KINDS)[number];

/** The item and exception ids a batch of events needs the state of. */
export function stateKeys(events: readonly StoredEvent[]): {
  items: string[];
  exceptions: string[];
} {
  const items = new Set<string>();
  const exceptions = new Set<string>();
  for (const e of events) {
    if (e.subject === null) continue;
    if (e.type.startsWith('coordination.work.')) items.add(e.subject);
    else if (e.type.startsWith('monitoring.exception.')) exceptions.add(e.subject);
  }
  return { items: [...items], exceptions: [...exceptions] };
}

/** Loads state rows into a fold state. */
export function loadStateRows(state: FoldState, rows: readonly FoldStateRow[]): void {
  for (const row of rows) {
    switch (row.kind) {
      case 'actor':
        state.actors.set(row.id, JSON.parse(row.state) as ActorFacts);
        break;
      case 'type':
        state.types.set(row.id, JSON.parse(row.state) as string);
        break;
      case 'level':
        state.levels.set(row.id, JSON.parse(row.state) as number);
        break;
      case 'item':
        state.items.set(row.id, JSON.parse(row.state) as ItemFacts);
        break;
      case 'exception':
        state.exceptions.set(row.id, JSON.parse(row.state) as ExceptionFacts);
        break;
    }
  }
}

const ms = (iso: string) => Date.parse(iso);
const seconds = (from: string, to: string) => (ms(to) - ms(from)) / 1000;
const labelsOf = (labels: Record<string, string>) => canonicalJson(labels);

/**
 * Events that were not caused by an agent or the engine: a person through the CLI, a token not
 * bound to an agent, or a human actor's own id.
 */
function isHumanCause(actor: string, actors: ReadonlyMap<string, ActorFacts>): boolean {
  if (actor === 'system') return false;
  if (actor.startsWith('cli:') || actor.startsWith('token:')) return true;
  return actors.get(actor)?.kind === 'human';
}

interface Payload {
  ownerId?: string | null;
  attempt?: { actorId: string; startedAt: string | null };
  completedBy?: string;
  dueAt?: string | null;
  typeId?: string;
}

/**
 * The pure fold from events to rollup deltas. Feed it events in sequence order; it adds to
 * its deltas (coalesced per row, see `deltas()`) and names in `dirty` the state it changed. Folding a log in one
 * go or in any number of batches, with the state carried between them, gives the same rows.
 */
export class RollupFold {
  /** Labels → resolution → bucket → delta: nested, so no key strings are built. */
  readonly #deltas = new Map<string, Record<Resolution, Map<string, RollupDelta>>>();
  #bucketsAt = '';
  #buckets: readonly [string, string, string] = ['', '', ''];
  /** Label sets built before, by their parts: building canonical JSON per event is costly. */
  readonly #labelSets = new Map<string, string>();
  /** Folded label set → the label sets of its views. */
  readonly #views = new Map<string, readonly string[]>();
  /** `kind` + NUL + id of every state entry changed. */
  readonly dirty = new Set<string>();

  constructor(readonly state: FoldState) {}

  fold(event: StoredEvent): void {
    const p = (event.payload ?? {}) as Payload & Record<string, unknown>;
    const subject = event.subject ?? '';
    switch (event.type) {
      case 'core.actor.upserted': {
        const { kind, costPerHour } = event.payload as { kind: string; costPerHour: number };
        this.state.actors.set(subject, { kind, costPerHour });
        this.dirty.add(`actor\0${subject}`);
        return;
      }
      case 'core.work_type.upserted': {
        this.state.types.set(subject, (event.payload as { domainId: string }).domainId);
        this.dirty.add(`type\0${subject}`);
        return;
      }
      case 'coordination.work.created':
        this.#created(event, subject, p);
        return;
      case 'monitoring.exception.opened':
        this.#exceptionOpened(event, subject);
        return;
      case 'monitoring.exception.acknowledged':
        this.#exceptionClosed(event, subject, 'acknowledged');
        return;
      case 'monitoring.exception.resolved':
        this.#exceptionClosed(event, subject, 'resolved');
        return;
      case 'monitoring.metric.recorded':
        this.#point(event.payload as MetricPoint);
        return;
      case 'supervision.approval.approved':
      case 'supervision.approval.rejected':
      case 'supervision.approval.expired':
        this.#approvalEnded(event);
        return;
    }
    if (event.type.startsWith('coordination.work.')) this.#workChanged(event, subject, p);
  }

  /** Every delta of the batch so far, one per row (label set and bucket) it adds to. */
  deltas(): RollupDelta[] {
    const out: RollupDelta[] = [];
    for (const series of this.#deltas.values())
      for (const resolution of RESOLUTIONS)
        for (const d of series[resolution].values()) out.push(d);
    return out;
  }

  /** What `dirty` names that the fold forgot (finished items): rows to delete, by kind. */
  droppedRows(): Map<StateKind, string[]> {
    const dropped = new Map<StateKind, string[]>();
    for (const key of this.dirty) {
      const at = key.indexOf('\0');
      const kind = key.slice(0, at) as StateKind;
      const id = key.slice(at + 1);
      if (kind !== 'item' || this.state.items.has(id)) continue;
      let ids = dropped.get(kind);
      if (ids === undefined) dropped.set(kind, (ids = []));
      ids.push(id);
    }
    return dropped;
  }

  /** The state rows to write for what `dirty` names. */
  dirtyRows(): FoldStateRow[] {
    const rows: FoldStateRow[] = [];
    for (const key of this.dirty) {
      const at = key.indexOf('\0');
      const kind = key.slice(0, at) as StateKind;
      const id = key.slice(at + 1);
      const value =
        kind === 'actor'
          ? this.state.actors.get(id)
          : kind === 'type'
            ? this.state.types.get(id)
            : kind === 'level'
              ? this.state.levels.get(id)
              : kind === 'item'
                ? this.state.items.get(id)
                : this.state.exceptions.get(id);
      if (value !== undefined) rows.push({ kind, id, state: JSON.stringify(value) });
    }
    return rows;
  }

  // ── work ─────────────────────────────────────────────────────────────────────────────

  #created(event: StoredEvent, id: string, p: Payload): void {
    const typeId = p.typeId ?? '';
    const domain = this.state.types.get(typeId) ?? '';
    const item: ItemFacts = {
      typeId,
      domain,
      createdAt: event.time,
      dueAt: p.dueAt ?? null,
      firstAssignedAt: null,
      firstStartedAt: null,
      startedAt: null,
      failures: 0,
      // Whoever asked for the work did not do it: arrival is not a touch.
      humanTouched: false,
      open: true,
    };
    this.state.items.set(id, item);
    this.dirty.add(`item\0${id}`);
    const labels = this.#typeLabels(item);
    this.#count('work_arrived_total', labels, event.time);
    this.#level(labels, 1, event.time);
  }

  #workChanged(event: StoredEvent, id: string, p: Payload): void {
    const item = this.state.items.get(id);
    // Events of an item created before the log began (or malformed) teach nothing.
    if (item === undefined) return;
    this.dirty.add(`item\0${id}`);
    const { actors } = this.state;
    if (isHumanCause(event.actor, actors)) item.humanTouched = true;
    const owner = typeof p.ownerId === 'string' ? p.ownerId : null;
    if (owner !== null && actors.get(owner)?.kind === 'human') item.humanTouched = true;
    const typeLabels = this.#typeLabels(item);
    switch (event.type) {
      case 'coordination.work.assigned':
        if (item.firstAssignedAt === null) {
          item.firstAssignedAt = event.time;
          this.#observe(
            'queue_time_seconds',
            typeLabels,
            event.time,
            seconds(item.createdAt, event.time),
          );
        }
        return;
      case 'coordination.work.started':
        item.startedAt = event.time;
        item.firstStartedAt ??= event.time;
        return;
      case 'coordination.work.stage_completed': {
        const by = p.completedBy ?? '';
        if (actors.get(by)?.kind === 'human') item.humanTouched = true;
        this.#cost(item, by, event.time);
        return;
      }
      case 'coordination.work.completed': {
        const by = p.attempt?.actorId ?? '';
        if (actors.get(by)?.kind === 'human') item.humanTouched = true;
        const labels = this.#actorLabels(item, by);
        const t = event.time;
        this.#count('work_completed_total', labels, t);
        if (item.dueAt !== null) {
          this.#count('work_completed_with_due_total', labels, t);
          if (ms(t) <= ms(item.dueAt)) this.#count('work_completed_within_sla_total', labels, t);
        }
        if (!item.humanTouched) this.#count('work_completed_autonomously_total', labels, t);
        if (item.failures === 0) this.#count('work_completed_first_time_right_total', labels, t);
        this.#observe('lead_time_seconds', typeLabels, t, seconds(item.createdAt, t));
        const start = item.firstStartedAt ?? p.attempt?.startedAt ?? null;
        // By the completing actor's kind, not the actor: a histogram per actor would multiply the
        // rows a window reads by the number of actors.
        if (start !== null)
          this.#observe('cycle_time_seconds', this.#kindLabels(item, by), t, seconds(start, t));
        this.#cost(item, by, t);
        this.#close(item, typeLabels, t);
        // Done is final: nothing the fold counts can follow, so its state goes.
        this.state.items.delete(id);
        return;
      }
      case 'coordination.work.failed': {
        const by = p.attempt?.actorId ?? '';
        item.failures += 1;
        this.#count('work_failed_total', this.#actorLabels(item, by), event.time);
        this.#cost(item, by, event.time);
        return;
      }
      case 'coordination.work.retried':
        this.#count('work_rework_total', typeLabels, event.time);
        this.#reopen(item, typeLabels, event.time);
        return;
      case 'coordination.work.retries_exhausted':
        this.#count('work_retries_exhausted_total', typeLabels, event.time);
        this.#close(item, typeLabels, event.time);
        return;
      case 'coordination.work.cancelled':
        this.#count('work_cancelled_total', typeLabels, event.time);
        this.#close(item, typeLabels, event.time);
        this.state.items.delete(id);
        return;
      case 'coordination.work.released':
      case 'coordination.work.preempted':
      case 'coordination.work.paused':
        // The attempt ended without an outcome; its time is not costed (no duration recorded).
        item.startedAt = null;
        return;
    }
    // Approval waits (supervision) will fold here: `approval_wait_seconds`, from request to
    // decision, labelled like the other work series.
  }

  /** An attempt's cost: the actor's hourly rate times the hours from its start to `at`. */
  #cost(item: ItemFacts, actorId: string, at: string): void {
    const started = item.startedAt;
    item.startedAt = null;
    const actor = this.state.actors.get(actorId);
    if (started === null || actor === undefined || actor.costPerHour === 0) return;
    const amount = (actor.costPerHour * seconds(started, at)) / 3600;
    this.#builtin('work_cost_total', this.#actorLabels(item, actorId), at, null, 0, amount);
  }

  #close(item: ItemFacts, labels: string, at: string): void {
    if (!item.open) return;
    item.open = false;
    this.#level(labels, -1, at);
  }

  #reopen(item: ItemFacts, labels: string, at: string): void {
    if (item.open) return;
    item.open = true;
    this.#level(labels, 1, at);
  }

  #typeLabels(item: ItemFacts): string {
    return this.#labelSet(`t\0${item.domain}\0${item.typeId}`, () =>
      labelsOf({ domain: item.domain, work_type: item.typeId }),
    );
  }

  #kindLabels(item: ItemFacts, actorId: string): string {
    const kind = this.state.actors.get(actorId)?.kind ?? '';
    return this.#labelSet(`k\0${item.domain}\0${item.typeId}\0${kind}`, () =>
      labelsOf({ actor_kind: kind, domain: item.domain, work_type: item.typeId }),
    );
  }

  #actorLabels(item: ItemFacts, actorId: string): string {
    const kind = this.state.actors.get(actorId)?.kind ?? '';
    return this.#labelSet(`a\0${item.domain}\0${item.typeId}\0${kind}\0${actorId}`, () =>
      labelsOf({ actor: actorId, actor_kind: kind, domain: item.domain, work_type: item.typeId }),
    );
  }

  #labelSet(key: string, build: () => string): string {
    let labels = this.#labelSets.get(key);
    if (labels === undefined) this.#labelSets.set(key, (labels = build()));
    return labels;
  }

  // ── exceptions ───────────────────────────────────────────────────────────────────────

  #exceptionOpened(event: StoredEvent, id: string): void {
    const { labels } = event.payload as { labels: Record<string, string> };
    const facts: ExceptionFacts = {
      openedAt: event.time,
      labels: labelsOf({
        alertname: labels.alertname ?? '',
        domain: labels.domain ?? '',
        severity: labels.severity ?? '',
      }),
      acknowledged: false,
      resolved: false,
    };
    this.state.exceptions.set(id, facts);
    this.dirty.add(`exception\0${id}`);
    this.#count('exceptions_opened_total', facts.labels, event.time);
  }

  #exceptionClosed(event: StoredEvent, id: string, how: 'acknowledged' | 'resolved'): void {
    const facts = this.state.exceptions.get(id);
    if (facts === undefined || facts[how]) return;
    facts[how] = true;
    this.dirty.add(`exception\0${id}`);
    const took = seconds(facts.openedAt, event.time);
    if (how === 'acknowledged') {
      this.#count('exceptions_acknowledged_total', facts.labels, event.time);
      this.#observe('exception_acknowledge_seconds', facts.labels, event.time, took);
    } else {
      this.#count('exceptions_resolved_total', facts.labels, event.time);
      this.#observe('exception_resolve_seconds', facts.labels, event.time, took);
    }
  }

  // ── approvals ────────────────────────────────────────────────────────────────────────

  /** How long an agent waited for people: the end event carries when it was asked for. */
  #approvalEnded(event: StoredEvent): void {
    const p = event.payload as Pick<EventMap['supervision.approval.approved'], 'action'> &
      Partial<ApprovalEnd>;
    // Events written before waits were measured carry no request time: nothing to measure.
    if (p.requestedAt === undefined || p.domainId === undefined) return;
    const labels = labelsOf({
      domain: p.domainId,
      action: p.action,
      decision: event.type.slice('supervision.approval.'.length),
    });
    this.#observe('approval_wait_seconds', labels, event.time, seconds(p.requestedAt, event.time));
  }

  // ── custom series ────────────────────────────────────────────────────────────────────

  #point(point: MetricPoint): void {
    // Bucketed by when it was observed, which the reporter knows better than the log.
    const at = new Date(point.at).toISOString();
    const labels = labelsOf({ ...point.labels });
    if (point.kind === 'counter') this.#add(point.name, labels, at, null, 1, point.value);
    else this.#gauge(point.name, labels, at, point.value);
  }

  // ── deltas ───────────────────────────────────────────────────────────────────────────

  #count(name: CounterName, labels: string, at: string): void {
    this.#builtin(name, labels, at, null, 1, 1);
  }

  #observe(name: HistogramName, labels: string, at: string, value: number): void {
    this.#builtin(name, labels, at, binOf(value), 1, value);
  }

  /** Adds to a built-in metric of a label set and of the views it belongs to. */
  #builtin(
    name: string,
    labels: string,
    at: string,
    bin: number | null,
    count: number,
    sum: number,
  ): void {
    this.#add(name, labels, at, bin, count, sum);
    // Views keep hours and days: a window's minute edges are short, read from the label sets.
    for (const view of this.#viewsOf(labels)) this.#add(name, view, at, bin, count, sum, 1);
  }

  /** The views' label sets of a folded label set (few label sets: kept once parsed). */
  #viewsOf(labels: string): readonly string[] {
    let views = this.#views.get(labels);
    if (views === undefined)
      this.#views.set(
        labels,
        (views = viewLabelSets(JSON.parse(labels) as Record<string, string>)),
      );
    return views;
  }

  #level(labels: string, change: number, at: string): void {
    const level = (this.state.levels.get(labels) ?? 0) + change;
    this.state.levels.set(labels, level);
    this.dirty.add(`level\0${labels}`);
    this.#gauge(WIP_GAUGE, labels, at, level);
  }

  /** This batch's entry of a metric in a bucket of a label set, created empty. */
  #entry(
    name: string,
    labels: string,
    resolution: Resolution,
    bucket: string,
    histogram: boolean,
  ): RollupEntry {
    let series = this.#deltas.get(labels);
    if (series === undefined)
      this.#deltas.set(labels, (series = { minute: new Map(), hour: new Map(), day: new Map() }));
    const buckets = series[resolution];
    let delta = buckets.get(bucket);
    if (delta === undefined)
      buckets.set(bucket, (delta = { resolution, bucket, labels, metrics: {} }));
    return (delta.metrics[name] ??= emptyEntry(histogram));
  }

  /** The minute, hour and day buckets of `at`; events of a batch often share their time. */
  #bucketsOf(at: string): readonly [string, string, string] {
    if (at !== this.#bucketsAt) {
      this.#bucketsAt = at;
      this.#buckets = [bucketOf(at, 'minute'), bucketOf(at, 'hour'), bucketOf(at, 'day')];
    }
    return this.#buckets;
  }

  #add(
    name: string,
    labels: string,
    at: string,
    bin: number | null,
    count: number,
    sum: number,
    /** The finest resolution added to (an index of RESOLUTIONS). */
    finest = 0,
  ): void {
    const buckets = this.#bucketsOf(at);
    for (let r = finest; r < RESOLUTIONS.length; r++) {
      const entry = this.#entry(
        name,
        labels,
        RESOLUTIONS[r] ?? 'minute',
        buckets[r] ?? '',
        bin !== null,
      );
      entry.count += count;
      entry.sum += sum;
      if (bin !== null && entry.bins !== null) entry.bins[bin] = (entry.bins[bin] ?? 0) + count;
    }
  }

  #gauge(name: string, labels: string, at: string, value: number): void {
    const buckets = this.#bucketsOf(at);
    for (let r = 0; r < RESOLUTIONS.length; r++) {
      const entry = this.#entry(name, labels, RESOLUTIONS[r] ?? 'minute', buckets[r] ?? '', false);
      entry.count += 1;
      entry.sum += value;
      // Events come in sequence order; a later one at the same instant wins, as in the log.
      if (entry.lastAt === null || at >= entry.lastAt) {
        entry.lastValue = value;
        entry.lastAt = at;
      }
    }
  }
}
