import type { PolicyName } from './policy.js';
import type { Scenario } from './scenario.js';

/** What the simulation keeps of one work item; times are simulated seconds from the start. */
export class ItemRecord {
  /** When it first could be worked on (created unblocked, or unblocked). */
  readyAt: number | null = null;
  firstAssignedAt: number | null = null;
  /** When its current holder got it. */
  heldSince = 0;
  doneAt: number | null = null;
  assignments = 0;
  owner: string | null = null;

  constructor(
    readonly typeId: string,
    readonly value: number,
    readonly createdAt: number,
    readonly dueAt: number,
    /** Its work at speed 1, in seconds: one figure per stage (one in all without stages). */
    readonly sizes: readonly number[],
    /** Arrived after the warm-up, so it counts in the results. */
    readonly measured: boolean,
  ) {}

  get onTime(): boolean {
    return this.doneAt !== null && this.doneAt <= this.dueAt;
  }
}

export interface Spread {
  mean: number;
  p50: number;
  p90: number;
}

export interface SimulationReport {
  scenario: string;
  policy: PolicyName;
  seed: number;
  /** Simulated time the run covered, in seconds. */
  simulatedSeconds: number;
  items: {
    arrived: number;
    /** Arrived after the warm-up: what the figures below are about. */
    measured: number;
    done: number;
    onTime: number;
    /** Measured items not done when the run ended (including those that failed for good). */
    unfinished: number;
  };
  /** Share of measured items done by their due date. */
  slaAttainment: number;
  /** The same, weighted by each item's value. */
  valueOnTime: number;
  /** SLA attainment per work type. */
  byType: Record<string, { measured: number; onTime: number; slaAttainment: number }>;
  /** Creation to done, seconds, over measured items done. */
  cycleTime: Spread;
  /** Ready (created or unblocked) to first assignment, seconds, over measured items assigned. */
  waitingTime: Spread;
  /**
   * For each waiting-time target asked for (seconds), the share of measured items first assigned
   * within it: the service level of call centres, and what Erlang C predicts for M/M/c queues.
   */
  waitingWithin: Record<string, number>;
  /** Busy time ÷ (capacity × time available), per actor group. */
  utilization: Record<string, number>;
  /** Assignments beyond each item's first: work moved after an outage, a failure or a rejection. */
  reassignments: number;
  events: {
    /** Discrete events the simulator processed (arrivals, finished work, shifts, outages). */
    simulated: number;
    /** Events the coordination engine recorded in the organization's log. */
    recorded: number;
  };
  wallSeconds: number;
  /** Recorded events per second of wall time. */
  eventsPerSecond: number;
}

/** `p` in [0, 1] of sorted values, linearly interpolated. */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const at = p * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (at - lo);
}

function spread(values: number[]): Spread {
  const sorted = values.sort((a, b) => a - b);
  const mean = sorted.length === 0 ? 0 : sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { mean, p50: quantile(sorted, 0.5), p90: quantile(sorted, 0.9) };
}

export function summarize(run: {
  scenario: Scenario;
  policy: PolicyName;
  seed: number;
  items: readonly ItemRecord[];
  simulatedSeconds: number;
  groups: { group: string; busySeconds: number; availableSeconds: number }[];
  events: SimulationReport['events'];
  wallSeconds: number;
  waitTargets: readonly number[];
}): SimulationReport {
  const measured = run.items.filter((r) => r.measured);
  const done = measured.filter((r) => r.doneAt !== null);
  const onTime = measured.filter((r) => r.onTime);
  const value = (rs: readonly ItemRecord[]) => rs.reduce((s, r) => s + r.value, 0);
  const share = (part: number, whole: number) => (whole === 0 ? 1 : part / whole);
  const waits = measured
    .filter((r) => r.firstAssignedAt !== null && r.readyAt !== null)
    .map((r) => (r.firstAssignedAt as number) - (r.readyAt as number));
  return {
    scenario: run.scenario.metadata.name,
    policy: run.policy,
    seed: run.seed,
    simulatedSeconds: run.simulatedSeconds,
    items: {
      arrived: run.items.length,
      measured: measured.length,
      done: done.length,
      onTime: onTime.length,
      unfinished: measured.length - done.length,
    },
    slaAttainment: share(onTime.length, measured.length),
    valueOnTime: share(value(onTime), value(measured)),
    byType: Object.fromEntries(
      run.scenario.workTypes.map(({ id }) => {
        const ofType = measured.filter((r) => r.typeId === id);
        const met = ofType.filter((r) => r.onTime).length;
        return [
          id,
          { measured: ofType.length, onTime: met, slaAttainment: share(met, ofType.length) },
        ];
      }),
    ),
    cycleTime: spread(done.map((r) => (r.doneAt as number) - r.createdAt)),
    waitingTime: spread([...waits]),
    waitingWithin: Object.fromEntries(
      run.waitTargets.map((t) => [
        String(t),
        share(waits.filter((w) => w <= t).length, waits.length),
      ]),
    ),
    utilization: Object.fromEntries(
      run.groups.map((g) => [g.group, share(g.busySeconds, g.availableSeconds)]),
    ),
    reassignments: run.items.reduce((s, r) => s + Math.max(0, r.assignments - 1), 0),
    events: run.events,
    wallSeconds: run.wallSeconds,
    eventsPerSecond: run.events.recorded / Math.max(run.wallSeconds, 1e-9),
  };
}
