/**
 * The KPI benchmark: loads a synthetic organization's event log (work items arriving, assigned,
 * started, completed or failed and retried, exceptions opened, acknowledged and resolved) over
 * 30 days, twice per dialect: once with the rollup projector off and once with it on (folding
 * after commits, as `autonomy serve` does), and prints both ingest rates and their ratio; then
 * times a 30-day KPI query broken down by domain. Targets: ratio ≥ 0.8, query p50 < 50 ms.
 *
 *   npm run bench -- kpi [--events 1000000] [--tx-events 10] [--queries 20] [--only sqlite|postgres]
 *
 * The ingest rate with rollups counts until the projector has folded the last event, not only
 * until the last commit: folding later is not folding for free.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import TinyQueue from 'tinyqueue';
import { ManualClock } from '../src/core/clock.js';
import type { NewEvent } from '../src/core/events.js';
import { newEvent } from '../src/core/events.js';
import type { Dialect } from '../src/core/ports/store.js';
import { SYSTEM } from '../src/core/principal.js';
import { EventBus } from '../src/runtime/event-bus.js';
import { PerformanceService } from '../src/runtime/performance-service.js';
import { openStore } from '../src/store/open-store.js';
import type { SqlStore } from '../src/store/sql-store.js';
import { createBenchDatabase, Unavailable } from './support/bench-database.js';
import { benchPostgresUrl, onlyOption, positiveOption } from './support/options.js';
import {
  formatTable,
  machineInfo,
  packageVersions,
  quantile,
  round,
  writeResults,
} from './support/report.js';
import { seededRandom } from './support/seeded-random.js';

const RATIO_TARGET = 0.8;
const QUERY_TARGET_MS = 50;
const START = Date.parse('2026-01-01T00:00:00.000Z');
const DAYS = 30;
const DOMAINS = ['support', 'billing', 'platform', 'sales'];
const TYPES_PER_DOMAIN = 3;
const HUMANS = 10;
const AGENTS = 10;

interface Options {
  events: number;
  txEvents: number;
  queries: number;
  only: Dialect | null;
  postgresUrl: string;
}

function parseOptions(args: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...args],
    options: {
      events: { type: 'string', default: '1000000' },
      'tx-events': { type: 'string', default: '10' },
      queries: { type: 'string', default: '20' },
      only: { type: 'string' },
    },
  });
  return {
    events: Math.round(positiveOption('events', values.events)),
    txEvents: Math.round(positiveOption('tx-events', values['tx-events'])),
    queries: Math.round(positiveOption('queries', values.queries)),
    only: onlyOption(values.only),
    postgresUrl: benchPostgresUrl(),
  };
}

/** A step of the synthetic log, due at `at` (ms). */
interface Step {
  at: number;
  event: NewEvent;
  /** What follows it, once it is written. */
  next: (() => Step | null) | null;
}

/**
 * The synthetic log, in time order: the organization first, then items arriving evenly over
 * 30 days, each living through queue, work and an outcome, with an exception now and then.
 */
export function* syntheticLog(
  total: number,
  seed: number,
): Generator<{ at: number; event: NewEvent }> {
  const random = seededRandom(seed);
  const types: { id: string; domain: string }[] = [];
  for (const domain of DOMAINS)
    for (let t = 0; t < TYPES_PER_DOMAIN; t++) types.push({ id: `${domain}-${t}`, domain });
  const actors = [
    ...Array.from({ length: HUMANS }, (_, i) => ({ id: `human-${i}`, kind: 'human', cost: 50 })),
    ...Array.from({ length: AGENTS }, (_, i) => ({ id: `agent-${i}`, kind: 'agent', cost: 2 })),
  ];
  let emitted = 0;
  for (const a of actors) {
    yield {
      at: START,
      event: newEvent('core.actor.upserted', 'system', a.id, {
        kind: a.kind,
        name: a.id,
        domains: DOMAINS,
        skills: {},
        capacity: 10,
        mode: 'pull',
        costPerHour: a.cost,
      }),
    };
    emitted++;
  }
  for (const t of types) {
    yield {
      at: START,
      event: newEvent('core.work_type.upserted', 'system', t.id, {
        domainId: t.domain,
        name: t.id,
        requiredSkills: {},
        expectedDurationSeconds: 1800,
        slaSeconds: 4 * 3600,
        maxAttempts: 3,
        stages: [],
      }),
    };
    emitted++;
  }
  // About 4.4 events per item (a failure adds three, an exception three per 20 items): arrivals spaced so the whole log spans the 30 days.
  const items = Math.ceil((total - emitted) / 4.4);
  const spacing = (DAYS * 86_400_000) / items;
  const queue = new TinyQueue<Step>([], (a, b) => a.at - b.at);
  const transition = (
    type: NewEvent['type'],
    id: string,
    from: string,
    to: string,
    ownerId: string | null,
    extra: Record<string, unknown> = {},
  ) =>
    ({
      type,
      actor: 'system',
      subject: id,
      payload: { action: type.split('.').pop(), from, to, ownerId, offeredTo: null, ...extra },
    }) as NewEvent;
  const lifecycle = (n: number, at: number): Step => {
    const id = `w${n}`;
    const type = types[Math.floor(random() * types.length)] ?? { id: 'x', domain: 'x' };
    const created: Step = {
      at,
      event: newEvent('coordination.work.created', 'system', id, {
        typeId: type.id,
        title: id,
        value: 1,
        dueAt: new Date(at + 4 * 3_600_000).toISOString(),
        priorityClass: 'normal',
        dependsOn: [],
        state: 'queued',
      }),
      next: null,
    };
    let t = at;
    let attempt = 0;
    const assign = (): Step => {
      const actor = actors[Math.floor(random() * actors.length)] ?? { id: 'x' };
      t += random() * 3_600_000;
      attempt++;
      return {
        at: t,
        event: transition('coordination.work.assigned', id, 'queued', 'assigned', actor.id, {
          leaseExpiresAt: new Date(t + 300_000).toISOString(),
          decision: { mode: 'pull' },
        }),
        next: () => {
          const startedAt = (t += random() * 600_000);
          return {
            at: t,
            event: transition('coordination.work.started', id, 'assigned', 'in_progress', actor.id),
            next: () => {
              t += random() * 7_200_000;
              const fails = attempt < 3 && random() < 0.08;
              const record = {
                typeId: type.id,
                actorId: actor.id,
                startedAt: new Date(startedAt).toISOString(),
                durationSeconds: fails ? null : (t - startedAt) / 1000,
              };
              if (!fails)
                return {
                  at: t,
                  event: transition(
                    'coordination.work.completed',
                    id,
                    'in_progress',
                    'done',
                    null,
                    {
                      attempt: record,
                    },
                  ),
                  next: null,
                };
              return {
                at: t,
                event: transition('coordination.work.failed', id, 'in_progress', 'failed', null, {
                  attempt: record,
                }),
                next: () => ({
                  at: t,
                  event: transition('coordination.work.retried', id, 'failed', 'queued', null),
                  next: assign,
                }),
              };
            },
          };
        },
      };
    };
    created.next = assign;
    return created;
  };
  const exception = (n: number, at: number): Step => {
    const id = `x${n}`;
    const domain = DOMAINS[n % DOMAINS.length] ?? 'x';
    return {
      at,
      event: newEvent('monitoring.exception.opened', 'system', id, {
        fingerprint: id,
        source: 'detector:bench',
        labels: { alertname: 'WorkStalled', domain, severity: 'warning' },
        summary: 'bench',
        details: {},
        receivers: [],
        routes: [],
        group: '',
        silencedBy: null,
      }),
      next: () => ({
        at: at + random() * 1_800_000,
        event: {
          type: 'monitoring.exception.acknowledged',
          actor: 'human-0',
          subject: id,
          payload: { comment: '' },
        },
        next: () => ({
          at: at + 1_800_000 + random() * 3_600_000,
          event: {
            type: 'monitoring.exception.resolved',
            actor: 'system',
            subject: id,
            payload: { resolution: 'cleared', reason: 'bench' },
          },
          next: null,
        }),
      }),
    };
  };
  let arrivals = 0;
  let nextArrival = START;
  while (emitted < total) {
    if (
      (arrivals < items || queue.length === 0) &&
      (queue.length === 0 || nextArrival <= (queue.peek()?.at ?? Infinity))
    ) {
      queue.push(lifecycle(arrivals, nextArrival));
      // One exception per 20 items.
      if (arrivals % 20 === 0) queue.push(exception(arrivals, nextArrival + 1));
      arrivals++;
      nextArrival += spacing;
      continue;
    }
    const step = queue.pop();
    if (step === undefined) break;
    yield { at: step.at, event: step.event };
    emitted++;
    const following = step.next?.() ?? null;
    if (following !== null) queue.push(following);
  }
}

interface Run {
  dialect: Dialect;
  rollups: boolean;
  events: number;
  /** Until the last commit. */
  writeSeconds: number;
  /** Until the last commit and, with rollups, the last event folded. */
  totalSeconds: number;
  eventsPerSecond: number;
}

async function ingest(
  store: SqlStore,
  clock: ManualClock,
  options: Options,
  rollups: boolean,
): Promise<{ run: Omit<Run, 'dialect'>; performance: PerformanceService }> {
  const bus = new EventBus();
  const service = new PerformanceService(store, clock, bus);
  if (rollups) service.start();
  const started = performance.now();
  let batch: NewEvent[] = [];
  let batchAt = 0;
  let count = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const events = batch;
    batch = [];
    clock.set(batchAt);
    const { events: stored } = await store.transaction((tx) => {
      for (const e of events) tx.events.append(e);
      return Promise.resolve();
    });
    bus.publish(stored);
  };
  for (const { at, event } of syntheticLog(options.events, 7)) {
    if (batch.length === 0) batchAt = at;
    batch.push(event);
    count++;
    if (batch.length >= options.txEvents) await flush();
  }
  await flush();
  const written = performance.now();
  if (rollups) await service.catchUp();
  const done = performance.now();
  const totalSeconds = (done - started) / 1000;
  return {
    run: {
      rollups,
      events: count,
      writeSeconds: (written - started) / 1000,
      totalSeconds,
      eventsPerSecond: count / totalSeconds,
    },
    performance: service,
  };
}

async function withStore<T>(
  dialect: Dialect,
  options: Options,
  fn: (store: SqlStore, clock: ManualClock) => Promise<T>,
): Promise<T> {
  const clock = new ManualClock(START);
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(os.tmpdir(), 'autonomy-bench-kpi-'));
    const { store } = await openStore(join(dir, 'kpi.db'), clock);
    try {
      return await fn(store, clock);
    } finally {
      await store.close();
      if (process.env.BENCH_KEEP_DB === undefined) rmSync(dir, { recursive: true, force: true });
      else process.stdout.write(`kept ${join(dir, 'kpi.db')}\n`);
    }
  }
  const database = await createBenchDatabase(options.postgresUrl, 'autonomy_bench_kpi');
  const { store } = await openStore(database.url, clock);
  try {
    return await fn(store, clock);
  } finally {
    await store.close();
    await database.drop();
  }
}

interface DialectResult {
  dialect: Dialect;
  runs: Run[];
  ratio: number;
  queryMs: { p50: number; max: number };
  domains: number;
  arrivalsChecked: boolean;
  skipped?: string;
}

export async function runKpiBenchmark(args: readonly string[]): Promise<number> {
  const options = parseOptions(args);
  const dialects: Dialect[] = options.only === null ? ['sqlite', 'postgres'] : [options.only];
  const results: DialectResult[] = [];
  let failed = false;
  for (const dialect of dialects) {
    try {
      const without = await withStore(dialect, options, async (store, clock) => {
        const { run } = await ingest(store, clock, options, false);
        return { ...run, dialect };
      });
      process.stdout.write(
        `${dialect}: ${without.events} events without rollups, ${Math.round(without.eventsPerSecond)}/s\n`,
      );
      const measured = await withStore(dialect, options, async (store, clock) => {
        const { run, performance: service } = await ingest(store, clock, options, true);
        process.stdout.write(
          `${dialect}: ${run.events} events with rollups, ${Math.round(run.eventsPerSecond)}/s\n`,
        );
        // The 30 days the log spans, broken down by domain.
        const window = {
          from: new Date(START).toISOString(),
          to: new Date(START + DAYS * 86_400_000).toISOString(),
          by: ['domain'] as const,
        };
        const times: number[] = [];
        let report = await service.kpis(SYSTEM, window);
        for (let i = 0; i < options.queries; i++) {
          const t0 = performance.now();
          report = await service.kpis(SYSTEM, window);
          times.push(performance.now() - t0);
        }
        // The folded arrivals must be the items the log created in the window.
        const created = await store.db
          .selectFrom('events')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('type', '=', 'coordination.work.created')
          .where('time', '<', window.to)
          .executeTakeFirstOrThrow();
        const arrivals = report.rows.reduce((s, r) => s + (r.values.work_arrived_total ?? 0), 0);
        return {
          run: { ...run, dialect },
          times,
          domains: report.rows.length,
          arrivalsChecked: created.n === arrivals,
        };
      });
      const ratio = measured.run.eventsPerSecond / without.eventsPerSecond;
      const result: DialectResult = {
        dialect,
        runs: [without, measured.run],
        ratio,
        queryMs: { p50: quantile(measured.times, 0.5), max: Math.max(...measured.times) },
        domains: measured.domains,
        arrivalsChecked: measured.arrivalsChecked,
      };
      if (!measured.arrivalsChecked)
        process.stderr.write(`${dialect}: folded arrivals differ from the log\n`);
      if (
        ratio < RATIO_TARGET ||
        result.queryMs.p50 >= QUERY_TARGET_MS ||
        !measured.arrivalsChecked
      )
        failed = true;
      results.push(result);
    } catch (error) {
      if (!(error instanceof Unavailable)) throw error;
      process.stderr.write(`${dialect}: skipped: ${error.message}\n`);
      results.push({
        dialect,
        runs: [],
        ratio: Number.NaN,
        queryMs: { p50: Number.NaN, max: Number.NaN },
        domains: 0,
        arrivalsChecked: false,
        skipped: error.message,
      });
      failed = true;
    }
  }
  process.stdout.write(
    `\n${formatTable(
      [
        'dialect',
        'events',
        'events/s, no rollups',
        'events/s, rollups (folded)',
        'ratio',
        'writes alone s',
        '30-day KPI by domain p50 ms',
        'max ms',
        'result',
      ],
      results.map((r) => [
        r.dialect,
        r.runs[0]?.events ?? 0,
        Math.round(r.runs[0]?.eventsPerSecond ?? 0),
        Math.round(r.runs[1]?.eventsPerSecond ?? 0),
        round(r.ratio, 3),
        round(r.runs[1]?.writeSeconds ?? 0, 3),
        round(r.queryMs.p50, 3),
        round(r.queryMs.max, 3),
        r.skipped !== undefined
          ? 'skipped'
          : r.ratio >= RATIO_TARGET && r.queryMs.p50 < QUERY_TARGET_MS && r.arrivalsChecked
            ? 'ok'
            : 'FAILED',
      ]),
    )}\n`,
  );
  const path = writeResults('kpi', {
    benchmark: 'kpi',
    at: new Date().toISOString(),
    machine: machineInfo(),
    versions: packageVersions(),
    options: { events: options.events, txEvents: options.txEvents, queries: options.queries },
    targets: { ratio: RATIO_TARGET, queryMs: QUERY_TARGET_MS },
    results,
  });
  process.stdout.write(`written to ${path}\n`);
  return failed ? 1 : 0;
}
