/**
 * The coordination benchmark: every example scenario run through the simulator under every
 * policy — the engine (`autonomy`) and the baseline routers — on the same seeds, so all meet
 * exactly the same work. Targets (from the acceptance list): on the deadline-heavy and outage
 * scenarios `autonomy` reaches an SLA attainment at least 10 points above `taskrouter`; on no
 * scenario is it more than 1 point below the best baseline; the simulator runs at least 100,000
 * simulated events per second.
 *
 *   npm run bench -- coordination [--seeds 3] [--only NAME,…] [--policies NAME,…] [--dir DIR]
 *
 * A row per scenario × policy: the mean over the seeds of each figure. "Events" are the events
 * the engine records in the simulated organization's log (created, offered, assigned, started,
 * completed, released, …), the same events a live organization's log holds.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { readYamlFile } from '../src/interfaces/cli/read-yaml-file.js';
import { POLICY_NAMES, type PolicyName } from '../src/simulation/policy.js';
import { scenarioSchema } from '../src/simulation/scenario.js';
import { simulate } from '../src/simulation/simulate.js';
import type { SimulationReport } from '../src/simulation/simulation-report.js';
import {
  formatTable,
  machineInfo,
  packageVersions,
  round,
  writeResults,
} from './support/report.js';

/** Scenarios where deadline-aware routing must beat TaskRouter's priority-then-age by 10 points. */
const MUST_BEAT_TASKROUTER = ['deadline-overload', 'outage-surge'];
const MARGIN_OVER_TASKROUTER = 0.1;
const TOLERANCE_BELOW_BEST = 0.01;
const EVENTS_PER_SECOND_TARGET = 100_000;

interface Row {
  scenario: string;
  policy: PolicyName;
  seeds: number[];
  slaAttainment: number;
  valueOnTime: number;
  cycleP50: number;
  cycleP90: number;
  waitP50: number;
  waitP90: number;
  reassignments: number;
  unfinished: number;
  simulatedEvents: number;
  recordedEvents: number;
  wallSeconds: number;
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const pct = (share: number) => round(share * 100, 3);
const minutes = (seconds: number) => round(seconds / 60, 3);

function summarizeRuns(scenario: string, policy: PolicyName, runs: SimulationReport[]): Row {
  const avg = (f: (r: SimulationReport) => number) => mean(runs.map(f));
  return {
    scenario,
    policy,
    seeds: runs.map((r) => r.seed),
    slaAttainment: avg((r) => r.slaAttainment),
    valueOnTime: avg((r) => r.valueOnTime),
    cycleP50: avg((r) => r.cycleTime.p50),
    cycleP90: avg((r) => r.cycleTime.p90),
    waitP50: avg((r) => r.waitingTime.p50),
    waitP90: avg((r) => r.waitingTime.p90),
    reassignments: avg((r) => r.reassignments),
    unfinished: avg((r) => r.items.unfinished),
    simulatedEvents: runs.reduce((s, r) => s + r.events.simulated, 0),
    recordedEvents: runs.reduce((s, r) => s + r.events.recorded, 0),
    wallSeconds: runs.reduce((s, r) => s + r.wallSeconds, 0),
  };
}

export async function runCoordinationBenchmark(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      seeds: { type: 'string', default: '3' },
      only: { type: 'string' },
      policies: { type: 'string' },
      dir: { type: 'string', default: join('examples', 'scenarios') },
    },
  });
  const seedCount = Number(values.seeds);
  if (!Number.isInteger(seedCount) || seedCount < 1) {
    process.stderr.write('--seeds must be a whole number ≥ 1\n');
    return 2;
  }
  const seeds = Array.from({ length: seedCount }, (_, i) => i + 1);
  const policies = (values.policies?.split(',') ?? [...POLICY_NAMES]) as PolicyName[];
  const unknown = policies.filter((p) => !(POLICY_NAMES as readonly string[]).includes(p));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown policy ${unknown.join(', ')}; known: ${POLICY_NAMES.join(', ')}\n`,
    );
    return 2;
  }
  const only = values.only?.split(',');
  const files = readdirSync(values.dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .filter((f) => only === undefined || only.includes(basename(f, '.yaml')));
  if (files.length === 0) {
    process.stderr.write(`no scenarios to run in ${values.dir}\n`);
    return 2;
  }

  const rows: Row[] = [];
  for (const file of files) {
    const scenario = await readYamlFile(join(values.dir, file), scenarioSchema, 'scenario file');
    for (const policy of policies) {
      const runs: SimulationReport[] = [];
      for (const seed of seeds) runs.push(await simulate(scenario, { policy, seed }));
      const row = summarizeRuns(scenario.metadata.name, policy, runs);
      rows.push(row);
      process.stderr.write(
        `${row.scenario} ${policy}: SLA ${pct(row.slaAttainment)}% (${row.wallSeconds.toFixed(1)} s)\n`,
      );
    }
  }

  // Verdicts per scenario: against TaskRouter where the acceptance list names it, and against
  // the best baseline everywhere.
  const failures: string[] = [];
  const verdicts = new Map<string, string>();
  for (const scenario of new Set(rows.map((r) => r.scenario))) {
    const of = rows.filter((r) => r.scenario === scenario);
    const ours = of.find((r) => r.policy === 'autonomy');
    const baselines = of.filter((r) => r.policy !== 'autonomy');
    if (ours === undefined || baselines.length === 0) continue;
    const best = baselines.reduce((a, b) => (b.slaAttainment > a.slaAttainment ? b : a));
    const notes: string[] = [];
    if (ours.slaAttainment < best.slaAttainment - TOLERANCE_BELOW_BEST) {
      notes.push(`more than 1 point below ${best.policy}`);
    }
    const taskrouter = baselines.find((r) => r.policy === 'taskrouter');
    if (MUST_BEAT_TASKROUTER.includes(scenario) && taskrouter !== undefined) {
      const margin = ours.slaAttainment - taskrouter.slaAttainment;
      if (margin < MARGIN_OVER_TASKROUTER)
        notes.push(`only ${pct(margin)} points above taskrouter`);
    }
    verdicts.set(scenario, notes.length === 0 ? 'pass' : `FAIL: ${notes.join('; ')}`);
    failures.push(...notes.map((n) => `${scenario}: autonomy ${n}`));
  }

  const recorded = rows.reduce((s, r) => s + r.recordedEvents, 0);
  const simulated = rows.reduce((s, r) => s + r.simulatedEvents, 0);
  const wall = rows.reduce((s, r) => s + r.wallSeconds, 0);
  const eventsPerSecond = recorded / wall;
  if (eventsPerSecond < EVENTS_PER_SECOND_TARGET)
    failures.push(
      `simulator: ${Math.round(eventsPerSecond)} recorded events/s, target ${EVENTS_PER_SECOND_TARGET}`,
    );

  process.stdout.write(
    `\ncoordination: ${files.length} scenarios × ${policies.length} policies, seeds ${seeds.join(',')} (figures are means over the seeds)\n\n`,
  );
  process.stdout.write(
    `${formatTable(
      [
        'scenario',
        'policy',
        'SLA %',
        'value on time %',
        'cycle p50 min',
        'cycle p90 min',
        'wait p50 min',
        'wait p90 min',
        'reassigned',
        'unfinished',
        'events/s',
        'verdict',
      ],
      rows.map((r) => [
        r.scenario,
        r.policy,
        pct(r.slaAttainment),
        pct(r.valueOnTime),
        minutes(r.cycleP50),
        minutes(r.cycleP90),
        minutes(r.waitP50),
        minutes(r.waitP90),
        round(r.reassignments, 4),
        round(r.unfinished, 4),
        Math.round(r.recordedEvents / r.wallSeconds),
        r.policy === 'autonomy' ? (verdicts.get(r.scenario) ?? '') : '',
      ]),
    )}\n\n`,
  );
  process.stdout.write(
    `simulator: ${recorded.toLocaleString('en-US')} recorded events (${simulated.toLocaleString('en-US')} ` +
      `discrete events) in ${wall.toFixed(1)} s: ${Math.round(eventsPerSecond).toLocaleString('en-US')} ` +
      `recorded events/s (target ${EVENTS_PER_SECOND_TARGET.toLocaleString('en-US')}), ` +
      `${Math.round(simulated / wall).toLocaleString('en-US')} discrete events/s\n`,
  );
  const path = writeResults('coordination', {
    benchmark: 'coordination',
    at: new Date().toISOString(),
    machine: machineInfo(),
    versions: packageVersions(),
    seeds,
    targets: {
      marginOverTaskrouter: {
        scenarios: MUST_BEAT_TASKROUTER,
        points: MARGIN_OVER_TASKROUTER * 100,
      },
      toleranceBelowBest: TOLERANCE_BELOW_BEST * 100,
      recordedEventsPerSecond: EVENTS_PER_SECOND_TARGET,
    },
    rows,
    simulator: {
      recordedEvents: recorded,
      simulatedEvents: simulated,
      wallSeconds: wall,
      eventsPerSecond,
    },
    failures,
  });
  process.stdout.write(`results: ${path}\n`);
  for (const failure of failures) process.stdout.write(`FAIL ${failure}\n`);
  return failures.length === 0 ? 0 : 1;
}
