/**
 * The HTTP benchmark: the workload a competitor was measured on, through the real server over
 * real sockets, on the embedded default (a SQLite file, WAL, synchronous=FULL) and optionally
 * PostgreSQL. Targets: 10× the competitor's rates (46 creates/s and 23 claim + complete cycles/s
 * on this kind of machine; its checkout p99 was 203 ms) and a p99 under 50 ms for every call.
 *
 *   npm run bench -- http [--only sqlite|postgres] [--items 1000] [--race 100]
 *                         [--in-flight 20] [--server child|inline]
 *
 * Per dialect, a fresh database: the example organization (10 agents) applied and one token per
 * agent issued through the engine; then `autonomy serve` on a free port, and over keep-alive
 * connections: the items created with 20 requests in flight; the 10 agents claiming, starting
 * and completing them in parallel until the queue is empty; 100 new items raced for by all 10
 * agents at once. Afterwards the claims, the event log and the items are read back through the
 * API and must agree that every item was won once and done once.
 */
import { benchPostgresUrl, onlyOption, positiveOption } from './support/options.js';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import type { Dialect } from '../src/core/ports/store.js';
import { SYSTEM } from '../src/core/principal.js';
import { ControlPlane } from '../src/runtime/control-plane.js';
import {
  startChildServer,
  startInlineServer,
  type BenchServer,
  type ServerMode,
} from './http/bench-server.js';
import { HttpClient } from './http/http-client.js';
import { benchOrganization, EXAMPLE_ORG_FILE, WorkBodies, WORK_MIX } from './http/org.js';
import { verifyOutcome } from './http/verify-outcome.js';
import {
  createItems,
  cycleUntilEmpty,
  emptyLatencies,
  type Agent,
  type Call,
  type Latencies,
} from './http/workload.js';
import { createBenchDatabase, Unavailable } from './support/bench-database.js';
import { sqliteCommitCeiling } from './support/sqlite-commit-ceiling.js';
import {
  formatTable,
  machineInfo,
  packageVersions,
  quantile,
  round,
  writeResults,
} from './support/report.js';

/** What the competitor reached on this kind of machine, and the targets derived from it. */
const COMPETITOR = { createsPerSecond: 46, cyclesPerSecond: 23, checkoutP99Ms: 203 };
const TARGETS = {
  createsPerSecond: COMPETITOR.createsPerSecond * 10,
  cyclesPerSecond: COMPETITOR.cyclesPerSecond * 10,
  p99Ms: 50,
};
/** Commits per item in each phase: a create is one transaction; a cycle three. */
const COMMITS_PER_ITEM: Record<Phase, number> = { create: 1, cycles: 3, race: 3 };

interface Options {
  only: Dialect | null;
  items: number;
  race: number;
  inFlight: number;
  server: ServerMode;
  /** Commits timed by each SQLite fsync probe, before the server starts and after it stops. */
  probeCommits: number;
  /** Items put through their whole life, untimed, before measuring (0: a cold server). */
  warmup: number;
  postgresUrl: string;
}

function parseOptions(args: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...args],
    options: {
      only: { type: 'string' },
      items: { type: 'string', default: '1000' },
      race: { type: 'string', default: '100' },
      'in-flight': { type: 'string', default: '20' },
      server: { type: 'string', default: 'child' },
      'probe-commits': { type: 'string', default: '1000' },
      warmup: { type: 'string', default: '20' },
    },
    strict: true,
  });
  const count = (name: string, text: string): number => {
    const value = positiveOption(name, text);
    if (!Number.isInteger(value))
      throw new Error(`--${name} must be a positive whole number, not '${text}'`);
    return value;
  };
  if (values.server !== 'child' && values.server !== 'inline')
    throw new Error(`--server must be child or inline, not '${values.server}'`);
  return {
    only: onlyOption(values.only),
    items: count('items', values.items),
    race: count('race', values.race),
    inFlight: count('in-flight', values['in-flight']),
    server: values.server,
    probeCommits: count('probe-commits', values['probe-commits']),
    warmup: values.warmup === '0' ? 0 : count('warmup', values.warmup),
    postgresUrl: benchPostgresUrl(),
  };
}

type Phase = 'create' | 'cycles' | 'race';

interface PhaseResult {
  phase: Phase;
  items: number;
  concurrency: string;
  seconds: number;
  perSecond: number;
  unit: 'creates/s' | 'cycles/s';
  target: number | null;
  /** SQLite: the most items/s the disk allows at one commit per transaction (fsync probes' mean). */
  ceilingPerSecond: number | null;
  ofCeiling: number | null;
  /** The server's CPU time per request in the phase (child server on Linux only). */
  serverCpuMsPerRequest: number | null;
  requests: number;
  pass: boolean | null;
}

interface CallResult {
  phase: Phase;
  call: Call;
  calls: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  target: number | null;
  pass: boolean | null;
}

interface DialectRun {
  dialect: Dialect;
  database: string;
  server: string;
  settings: Record<string, string>;
  /** SQLite: one-page commits per second with synchronous=FULL, before and after the run. */
  commitProbes: number[];
  socketsOpened: number;
  raceWins: Record<string, number>;
  phases: PhaseResult[];
  calls: CallResult[];
  verified: string;
  pass: boolean;
}

/** A fresh database of one dialect. */
interface Target {
  dialect: Dialect;
  url: string;
  where: string;
  /** What the database ran with, read after the run. */
  settings(): Promise<Record<string, string>>;
  /** SQLite: commits per second the file takes with synchronous=FULL (null for PostgreSQL). */
  commitCeiling(commits: number): number | null;
  close(): Promise<void>;
}

function sqliteTarget(): Target {
  const dir = mkdtempSync(join(os.tmpdir(), 'autonomy-bench-http-'));
  const file = join(dir, 'autonomy.db');
  return {
    dialect: 'sqlite',
    url: file,
    where: file,
    settings() {
      // journal_mode is stored in the file; synchronous belongs to the server's connection.
      const db = new BetterSqlite3(file, { readonly: true });
      try {
        return Promise.resolve({
          journal_mode: String(db.pragma('journal_mode', { simple: true })),
          synchronous: 'FULL (set by the server on its connection: the product default)',
          sqlite: String(db.prepare('select sqlite_version() as v').pluck().get()),
        });
      } finally {
        db.close();
      }
    },
    commitCeiling(commits) {
      const db = new BetterSqlite3(file);
      try {
        db.pragma('busy_timeout = 5000');
        const probe = sqliteCommitCeiling(db, commits);
        if (probe.synchronous !== 'FULL')
          throw new Error(`commit probe ran with synchronous=${probe.synchronous}`);
        return probe.commitsPerSecond;
      } finally {
        db.close();
      }
    },
    close() {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

async function postgresTarget(adminUrl: string): Promise<Target> {
  const database = await createBenchDatabase(adminUrl, 'autonomy_bench_http');
  return {
    dialect: 'postgres',
    url: database.url,
    where: database.name,
    async settings() {
      const pg = (await import('pg')).default;
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const settings: Record<string, string> = {};
        for (const key of ['server_version', 'fsync', 'synchronous_commit']) {
          const { rows } = await client.query<{ value: string }>(
            'select current_setting($1) as value',
            [key],
          );
          settings[key] = rows[0]?.value ?? '?';
        }
        return settings;
      } finally {
        await client.end();
      }
    },
    commitCeiling: () => null,
    close: () => database.drop(),
  };
}

/** The organization applied and the tokens issued through the engine, before the server starts. */
async function prepare(url: string): Promise<{ agents: Agent[]; reader: string }> {
  const { model, agentIds } = await benchOrganization();
  const cp = await ControlPlane.open({ databaseUrl: url, leaseSeconds: 300 });
  try {
    await cp.applyConfig(SYSTEM, model, `${EXAMPLE_ORG_FILE} (every agent pulls every type)`);
    const agents: Agent[] = [];
    for (const id of agentIds) {
      const issued = await cp.issueToken(SYSTEM, {
        name: `bench ${id}`,
        role: 'agent',
        actorId: id,
      });
      agents.push({ id, token: issued.secret });
    }
    const reader = await cp.issueToken(SYSTEM, { name: 'bench reader', role: 'viewer' });
    return { agents, reader: reader.secret };
  } finally {
    await cp.close();
  }
}

const ms = (ns: number) => round(ns / 1e6, 3);

async function runDialect(
  target: Target,
  options: Options,
  say: (line: string) => void,
): Promise<DialectRun> {
  const { agents, reader } = await prepare(target.url);
  const commitProbes: number[] = [];
  const probe = () => {
    const ceiling = target.commitCeiling(options.probeCommits);
    if (ceiling !== null) commitProbes.push(round(ceiling));
  };
  probe();
  const server: BenchServer =
    options.server === 'child'
      ? await startChildServer(target.url)
      : await startInlineServer(target.url);
  const client = new HttpClient(server.url);
  const phases: PhaseResult[] = [];
  const calls: CallResult[] = [];
  const checkTargets = target.dialect === 'sqlite';
  let verified: string;
  let raceWins: Record<string, number>;
  try {
    say(`  ${target.dialect}: ${server.command} at ${server.url}`);
    const bodies = new WorkBodies();
    // A server's first requests compile its routes, schemas and statements: warm-up items go
    // through their whole life untimed (and are checked with the rest).
    const warm =
      options.warmup === 0
        ? null
        : await createItems(
            client,
            agents,
            bodies,
            options.warmup,
            options.inFlight,
            emptyLatencies(),
          );
    const warmCycles =
      warm === null ? null : await cycleUntilEmpty(client, agents, emptyLatencies());
    /** Runs one phase, timing each call and the server's CPU, and records its rows. */
    const measure = async <T extends { seconds: number }>(
      phase: Phase,
      items: number,
      target: number | null,
      run: (latencies: Latencies) => Promise<T>,
    ): Promise<T> => {
      const latencies = emptyLatencies();
      const cpuBefore = server.cpuSeconds();
      const result = await run(latencies);
      const cpuAfter = server.cpuSeconds();
      const requests = Object.values(latencies).reduce((n, samples) => n + samples.length, 0);
      const perSecond = round(items / result.seconds);
      phases.push({
        phase,
        items,
        concurrency:
          phase === 'create' ? `${options.inFlight} requests` : `${agents.length} agents`,
        seconds: round(result.seconds, 4),
        perSecond,
        unit: phase === 'create' ? 'creates/s' : 'cycles/s',
        target: checkTargets ? target : null,
        ceilingPerSecond: null,
        ofCeiling: null,
        serverCpuMsPerRequest:
          cpuBefore === null || cpuAfter === null
            ? null
            : round(((cpuAfter - cpuBefore) * 1000) / requests),
        requests,
        pass: checkTargets && target !== null ? perSecond >= target : null,
      });
      for (const call of ['create', 'claim', 'start', 'complete'] as const) {
        const samples = latencies[call];
        if (samples.length === 0) continue;
        const p99Ms = ms(quantile(samples, 0.99));
        calls.push({
          phase,
          call,
          calls: samples.length,
          p50Ms: ms(quantile(samples, 0.5)),
          p99Ms,
          maxMs: ms(Math.max(...samples)),
          target: checkTargets ? TARGETS.p99Ms : null,
          pass: checkTargets ? p99Ms < TARGETS.p99Ms : null,
        });
      }
      return result;
    };

    const created = await measure('create', options.items, TARGETS.createsPerSecond, (latencies) =>
      createItems(client, agents, bodies, options.items, options.inFlight, latencies),
    );
    const cycled = await measure('cycles', options.items, TARGETS.cyclesPerSecond, (latencies) =>
      cycleUntilEmpty(client, agents, latencies),
    );
    // The race: a fresh backlog (its creation not measured), then every agent claiming at once.
    const raceBacklog = await createItems(
      client,
      agents,
      bodies,
      options.race,
      options.inFlight,
      emptyLatencies(),
    );
    const raced = await measure('race', options.race, null, (latencies) =>
      cycleUntilEmpty(client, agents, latencies),
    );
    raceWins = Object.fromEntries([...raced.wins].map(([agent, ids]) => [agent, ids.length]));

    const wins = new Map<string, string[]>();
    for (const run of [warmCycles, cycled, raced])
      for (const [agent, ids] of run?.wins ?? [])
        wins.set(agent, [...(wins.get(agent) ?? []), ...ids]);
    const outcome = await verifyOutcome(
      client,
      reader,
      [...(warm?.ids ?? []), ...created.ids, ...raceBacklog.ids],
      wins,
    );
    verified = outcome.summary;
  } finally {
    client.close();
    await server.close();
  }
  probe();
  if (commitProbes.length > 0) {
    const commitsPerSecond = commitProbes.reduce((a, b) => a + b, 0) / commitProbes.length;
    for (const phase of phases) {
      phase.ceilingPerSecond = round(commitsPerSecond / COMMITS_PER_ITEM[phase.phase]);
      phase.ofCeiling = round(phase.perSecond / phase.ceilingPerSecond);
    }
  }
  const pass = phases.every((p) => p.pass !== false) && calls.every((c) => c.pass !== false);
  return {
    dialect: target.dialect,
    database: target.where,
    server: server.command,
    settings: await target.settings(),
    commitProbes,
    socketsOpened: client.socketsOpened,
    raceWins,
    phases,
    calls,
    verified,
    pass,
  };
}

const PHASE_NAMES: Record<Phase, string> = {
  create: 'create: POST /v1/work',
  cycles: 'claim → start → complete',
  race: 'race for new items',
};
const CALL_NAMES: Record<Call, string> = {
  create: 'POST /v1/work',
  claim: 'POST /v1/work/claim',
  start: 'POST /v1/work/{id}/start',
  complete: 'POST /v1/work/{id}/complete',
};
const verdict = (pass: boolean | null) => (pass === null ? '—' : pass ? 'pass' : 'FAIL');

function phaseTable(phases: readonly PhaseResult[]): string {
  return formatTable(
    [
      'phase',
      'items',
      'concurrency',
      'seconds',
      'rate',
      'target',
      'fsync ceiling',
      'rate ÷ ceiling',
      'server CPU ms/request',
      'result',
    ],
    phases.map((p) => [
      PHASE_NAMES[p.phase],
      p.items,
      p.concurrency,
      p.seconds.toFixed(2),
      `${Math.round(p.perSecond)} ${p.unit}`,
      p.target === null ? '—' : `≥ ${p.target}`,
      p.ceilingPerSecond === null ? '—' : String(Math.round(p.ceilingPerSecond)),
      p.ofCeiling === null ? '—' : p.ofCeiling.toFixed(2),
      p.serverCpuMsPerRequest === null ? '—' : p.serverCpuMsPerRequest.toFixed(2),
      verdict(p.pass),
    ]),
  );
}

function callTable(calls: readonly CallResult[]): string {
  return formatTable(
    ['call', 'phase', 'calls', 'p50 ms', 'p99 ms', 'max ms', 'p99 target', 'result'],
    calls.map((c) => [
      CALL_NAMES[c.call],
      c.phase,
      c.calls,
      c.p50Ms.toFixed(2),
      c.p99Ms.toFixed(2),
      c.maxMs.toFixed(2),
      c.target === null ? '—' : `< ${c.target} ms`,
      verdict(c.pass),
    ]),
  );
}

export async function runHttpBenchmark(args: readonly string[]): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(args);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(
    `http benchmark: the workload the competitor was measured on, through the HTTP server over keep-alive sockets\n` +
      `organization: ${EXAMPLE_ORG_FILE} (10 agents, each with its own agent token); items of ${WORK_MIX.map(([t]) => t).join(', ')}\n` +
      `after ${options.warmup} warm-up items (created, claimed, started, completed; untimed, checked with the rest): ` +
      `${options.items} items created with ${options.inFlight} requests in flight; then the 10 agents claim, start and complete ` +
      `them in parallel until the queue is empty; then ${options.race} new items raced for by all 10 agents at once\n` +
      `targets (embedded SQLite): ≥ ${TARGETS.createsPerSecond} creates/s and ≥ ${TARGETS.cyclesPerSecond} cycles/s ` +
      `(10× the competitor's ${COMPETITOR.createsPerSecond} and ${COMPETITOR.cyclesPerSecond}; its checkout p99 was ` +
      `${COMPETITOR.checkoutP99Ms} ms), every call's p99 < ${TARGETS.p99Ms} ms\n`,
  );
  const dialects: { dialect: Dialect; open: () => Promise<Target> }[] = [
    { dialect: 'sqlite', open: () => Promise.resolve(sqliteTarget()) },
    { dialect: 'postgres', open: () => postgresTarget(options.postgresUrl) },
  ];
  // Other work on the machine moves both the CPU share and the disk's fsync times.
  const loadAverage = { start: round(os.loadavg()[0] ?? 0), end: 0 };
  const runs: DialectRun[] = [];
  const skipped: { dialect: Dialect; reason: string }[] = [];
  const failed: { dialect: Dialect; reason: string }[] = [];
  for (const { dialect, open } of dialects) {
    if (options.only !== null && dialect !== options.only) continue;
    let target: Target;
    try {
      target = await open();
    } catch (error) {
      if (!(error instanceof Unavailable)) throw error;
      skipped.push({ dialect, reason: error.message });
      continue;
    }
    try {
      runs.push(await runDialect(target, options, say));
    } catch (error) {
      failed.push({ dialect, reason: error instanceof Error ? error.message : String(error) });
    } finally {
      await target.close();
    }
  }

  for (const dialect of ['sqlite', 'postgres'] as const) {
    const run = runs.find((r) => r.dialect === dialect);
    const skip = skipped.find((s) => s.dialect === dialect);
    const failure = failed.find((f) => f.dialect === dialect);
    if (run === undefined && skip === undefined && failure === undefined) continue;
    say(
      `\n${dialect}${dialect === 'sqlite' ? ' (a file, journal_mode=WAL, synchronous=FULL: the embedded default)' : ''}`,
    );
    if (skip !== undefined) say(`  skipped — ${skip.reason}`);
    if (failure !== undefined) say(`  FAILED — ${failure.reason}`);
    if (run === undefined) continue;
    say(phaseTable(run.phases));
    say('');
    say(callTable(run.calls));
    say(`  ${run.verified}`);
    say(
      `  race: items won per agent ${Object.entries(run.raceWins)
        .map(([agent, n]) => `${agent} ${n}`)
        .join(', ')}`,
    );
    if (run.commitProbes.length > 0)
      say(
        `  fsync ceiling: ${options.probeCommits} one-page write transactions (begin immediate; update; commit) with synchronous=FULL ` +
          `timed on the same file before the server started and after it stopped: ${run.commitProbes
            .map((c) => `${Math.round(c)}`)
            .join(
              ' and ',
            )} commits/s;\n  their mean ÷ the commits per item (create 1, cycle 3) is the most any server committing each request on its own could reach`,
      );
    say(
      `  ${run.socketsOpened} connections opened for all the calls (keep-alive); settings: ${JSON.stringify(run.settings)}`,
    );
  }

  loadAverage.end = round(os.loadavg()[0] ?? 0);
  say(
    `\nmachine: ${os.cpus().length} CPUs, 1-minute load average ${loadAverage.start} at the start and ${loadAverage.end} at the end`,
  );
  const pass = skipped.length === 0 && failed.length === 0 && runs.every((r) => r.pass);
  const path = writeResults('http', {
    benchmark: 'http',
    description:
      'work items created, then claimed, started and completed by 10 agents, then raced for, through the HTTP server over keep-alive sockets; per-call latency measured by the client',
    timestamp: new Date().toISOString(),
    machine: machineInfo(),
    loadAverage,
    versions: packageVersions(),
    options: {
      only: options.only,
      items: options.items,
      race: options.race,
      inFlight: options.inFlight,
      server: options.server,
      probeCommits: options.probeCommits,
      warmup: options.warmup,
    },
    competitor: COMPETITOR,
    targets: TARGETS,
    organization: `${EXAMPLE_ORG_FILE}: every agent also has level 3 in the skills of ${WORK_MIX.map(([t]) => t).join(', ')}, every actor pulls`,
    runs,
    skipped,
    failed,
    pass,
  });
  say(`\nresults: ${path}`);
  if (skipped.length > 0)
    say('some dialects were skipped: the targets are not shown to be met for them');
  if (!pass) say('a target was missed or a check failed (see above)');
  return pass ? 0 : 1;
}
