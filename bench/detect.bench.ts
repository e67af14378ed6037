/**
 * The detection benchmark: how long after a problem starts its owner is told, live — the real
 * engine on the wall clock, a SQLite file (the embedded default), the monitoring timer as
 * `autonomy serve` runs it — and how many points per second a series' anomaly detector takes.
 * Target: p99 from onset to the owner's notification under one second.
 *
 *   npm run bench -- detect [--samples 40] [--gap-ms 150] [--skip-baseline]
 *
 * - stall: agents each claim, start and heartbeat one item, then go silent. The onset is the
 *   moment the silence reaches the stall limit (1 s here: the item's expected 4 s × 25%, with
 *   the limit's floor lowered from 60 s to 1 s so a sample takes seconds); the notification is
 *   the commit of the step that reached the domain's owner. Measured with the timer as it runs
 *   (waking when a condition starts) and, as the baseline, as a plain 5 s tick would.
 * - metric jump: series with 300 healthy points each get a point far out of range; the onset is
 *   the report of that point, the notification as above.
 * - throughput: points per second through one series' detector in memory, and through
 *   `POST /v1/metrics`' use case into the store (event, detector state, exception check) in
 *   batches of 500.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { StoredEvent } from '../src/core/events.js';
import { orgConfigSchema, toOrgModel } from '../src/core/org-config.js';
import { SYSTEM } from '../src/core/principal.js';
import { createAnomalyDetector } from '../src/monitoring/anomaly/create-anomaly-detector.js';
import { ControlPlane } from '../src/runtime/control-plane.js';
import { startMonitoringTimer } from '../src/runtime/monitoring-timer.js';
import { startPeriodic } from '../src/runtime/start-periodic.js';
import { positiveOption } from './support/options.js';
import { formatTable, machineInfo, quantile, round, writeResults } from './support/report.js';

const TARGET_P99_MS = 1000;
/** The stall limit here: max(floor 1 s, 25% of the expected 4 s). */
const STALL_LIMIT_MS = 1000;
const TICK_MS = 5000;

interface Options {
  samples: number;
  gapMs: number;
  baseline: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function organization(agents: number) {
  return toOrgModel(
    orgConfigSchema.parse({
      apiVersion: 'autonomy/v1',
      kind: 'Organization',
      metadata: { name: 'Detection bench' },
      domains: [{ id: 'ops', name: 'Operations', owners: ['olga'] }],
      actors: [
        { id: 'olga', kind: 'human', name: 'Olga', domains: ['ops'], capacity: 10 },
        ...Array.from({ length: agents }, (_, i) => ({
          id: `agent-${i}`,
          kind: 'agent',
          name: `Agent ${i}`,
          domains: ['ops'],
          skills: { jobs: 1 },
          capacity: 1,
        })),
      ],
      workTypes: [
        {
          id: 'job',
          domain: 'ops',
          name: 'Job',
          requiredSkills: { jobs: 1 },
          expectedDuration: '4s',
          sla: '1d',
        },
      ],
    }),
  );
}

/**
 * When each exception's first step reached someone, by wall clock at the commit's publication,
 * keyed by a label of the exception (`work` for stalls, `metric` for anomalies).
 */
function watchNotifications(cp: ControlPlane, alertname: string, label: string) {
  const labelOf = new Map<string, string>();
  const notifiedAt = new Map<string, number>();
  const unsubscribe = cp.bus.subscribe((events: readonly StoredEvent[]) => {
    const now = Date.now();
    for (const event of events) {
      if (event.type === 'monitoring.exception.opened') {
        const labels = (event.payload as { labels: Record<string, string> }).labels;
        const value = labels[label];
        if (labels.alertname === alertname && value !== undefined && event.subject !== null)
          labelOf.set(event.subject, value);
      } else if (event.type === 'monitoring.exception.notified' && event.subject !== null) {
        const value = labelOf.get(event.subject);
        const targets = (event.payload as { targets: string[] }).targets;
        if (value !== undefined && targets.length > 0 && !notifiedAt.has(value))
          notifiedAt.set(value, now);
      }
    }
  });
  return { notifiedAt, unsubscribe };
}

async function openEngine(dir: string, name: string, agents: number): Promise<ControlPlane> {
  const cp = await ControlPlane.open(
    { databaseUrl: join(dir, `${name}.db`), leaseSeconds: 3600 },
    { detectorSettings: { stallQuietFloorSeconds: STALL_LIMIT_MS / 1000 } },
  );
  await cp.applyConfig(SYSTEM, organization(agents), 'bench');
  return cp;
}

/** Stall onsets to notifications, in milliseconds, with the timer `mode` runs. */
async function measureStalls(
  dir: string,
  mode: 'woken' | 'tick',
  options: Options,
): Promise<number[]> {
  const cp = await openEngine(dir, `stall-${mode}`, options.samples);
  const { notifiedAt, unsubscribe } = watchNotifications(cp, 'WorkStalled', 'work');
  const onError = (error: unknown) => {
    process.stderr.write(`monitoring failed: ${String(error)}\n`);
  };
  const stop =
    mode === 'woken'
      ? startMonitoringTimer(cp, TICK_MS, onError)
      : startPeriodic(
          TICK_MS,
          async () => {
            await cp.monitoring.evaluate();
            while ((await cp.monitoring.escalate()).length > 0);
          },
          onError,
        );
  const onsets = new Map<string, number>();
  try {
    for (let i = 0; i < options.samples; i++) {
      const agent = `agent-${i}`;
      await cp.createWork(SYSTEM, { typeId: 'job', title: `job ${i}` });
      const { claimed } = await cp.claimWork(SYSTEM, agent);
      if (claimed === null) throw new Error(`${agent} claimed nothing`);
      const started = await cp.transitionWork(SYSTEM, claimed.id, 'start');
      const actor = await cp.heartbeat(SYSTEM, agent);
      // The agent goes silent now: the stall starts when the silence reaches the limit.
      const since = Math.max(
        Date.parse(actor.lastHeartbeatAt ?? ''),
        Date.parse(started.startedAt ?? ''),
      );
      onsets.set(claimed.id, since + STALL_LIMIT_MS);
      await sleep(options.gapMs);
    }
    const deadline = Date.now() + STALL_LIMIT_MS + 3 * TICK_MS;
    while (notifiedAt.size < onsets.size && Date.now() < deadline) await sleep(50);
  } finally {
    unsubscribe();
    await stop();
    await cp.close();
  }
  if (notifiedAt.size < onsets.size)
    throw new Error(`${mode}: ${onsets.size - notifiedAt.size} stalls were never notified`);
  return [...onsets].map(([work, onset]) => (notifiedAt.get(work) ?? NaN) - onset);
}

/** A healthy business metric: a wave with a little deterministic noise. */
const healthy = (i: number) => 100 + 10 * Math.sin((2 * Math.PI * i) / 60) + ((i * 7919) % 13) / 13;

/** Metric jumps to notifications, in milliseconds. */
async function measureJumps(dir: string, options: Options): Promise<number[]> {
  const cp = await openEngine(dir, 'jump', 1);
  const { notifiedAt, unsubscribe } = watchNotifications(cp, 'MetricAnomaly', 'metric');
  const latencies: number[] = [];
  try {
    const start = Date.now() - 400 * 60_000;
    for (let s = 0; s < options.samples; s++)
      await cp.monitoring.recordMetrics(
        SYSTEM,
        Array.from({ length: 300 }, (_, i) => ({
          name: `orders_${s}`,
          kind: 'gauge' as const,
          value: healthy(i),
          labels: { domain: 'ops' },
          at: new Date(start + i * 60_000).toISOString(),
        })),
      );
    for (let s = 0; s < options.samples; s++) {
      const onset = Date.now();
      await cp.monitoring.recordMetrics(SYSTEM, [
        { name: `orders_${s}`, kind: 'gauge', value: 400, labels: { domain: 'ops' } },
      ]);
      const notified = notifiedAt.get(`orders_${s}`);
      if (notified === undefined) throw new Error(`the jump of orders_${s} was not notified`);
      latencies.push(notified - onset);
      await sleep(options.gapMs);
    }
  } finally {
    unsubscribe();
    await cp.close();
  }
  return latencies;
}

/** Points per second through one detector in memory. */
function detectorThroughput(points: number): number {
  const detector = createAnomalyDetector();
  const started = performance.now();
  for (let i = 0; i < points; i++) detector.update(i * 60_000, healthy(i) + (i % 97 === 0 ? 3 : 0));
  return points / ((performance.now() - started) / 1000);
}

/** Points per second through the reporting use case into the store, one series, 500 a batch. */
async function storedThroughput(dir: string, batches: number): Promise<number> {
  const cp = await openEngine(dir, 'throughput', 1);
  try {
    const start = Date.now() - batches * 500 * 1000;
    const started = performance.now();
    for (let b = 0; b < batches; b++)
      await cp.monitoring.recordMetrics(
        SYSTEM,
        Array.from({ length: 500 }, (_, i) => {
          const n = b * 500 + i;
          return {
            name: 'throughput_probe',
            kind: 'gauge' as const,
            value: healthy(n),
            at: new Date(start + n * 1000).toISOString(),
          };
        }),
      );
    return (batches * 500) / ((performance.now() - started) / 1000);
  } finally {
    await cp.close();
  }
}

const summary = (samples: readonly number[]) => ({
  samples: samples.length,
  p50: round(quantile(samples, 0.5)),
  p99: round(quantile(samples, 0.99)),
  max: round(Math.max(...samples)),
});

export async function runDetectBenchmark(args: readonly string[]): Promise<number> {
  let options: Options;
  try {
    const { values } = parseArgs({
      args: [...args],
      options: {
        samples: { type: 'string', default: '40' },
        'gap-ms': { type: 'string', default: '150' },
        'skip-baseline': { type: 'boolean', default: false },
      },
    });
    options = {
      samples: Math.round(positiveOption('samples', values.samples)),
      gapMs: positiveOption('gap-ms', values['gap-ms']),
      baseline: !values['skip-baseline'],
    };
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const dir = mkdtempSync(join(os.tmpdir(), 'autonomy-bench-detect-'));
  try {
    process.stdout.write(
      `detect: ${options.samples} samples per case, live on SQLite (synchronous=FULL), wall clock\n\n`,
    );
    const stall = summary(await measureStalls(dir, 'woken', options));
    const baseline = options.baseline ? summary(await measureStalls(dir, 'tick', options)) : null;
    const jump = summary(await measureJumps(dir, options));
    const rows: (string | number)[][] = [
      ['stall → owner notified', stall.samples, stall.p50, stall.p99, stall.max, TARGET_P99_MS],
      ...(baseline === null
        ? []
        : [
            [
              `  baseline: a plain ${TICK_MS / 1000} s tick`,
              baseline.samples,
              baseline.p50,
              baseline.p99,
              baseline.max,
              '—',
            ],
          ]),
      ['metric jump → owner notified', jump.samples, jump.p50, jump.p99, jump.max, TARGET_P99_MS],
    ];
    process.stdout.write(
      `${formatTable(['case', 'samples', 'p50 ms', 'p99 ms', 'max ms', 'target p99 ms'], rows)}\n\n`,
    );
    const inMemory = detectorThroughput(100_000);
    const stored = await storedThroughput(dir, 20);
    process.stdout.write(
      `${formatTable(
        ['detector throughput, one series', 'points/s'],
        [
          ['in memory (createAnomalyDetector)', round(inMemory)],
          ['reported and stored (500 a batch)', round(stored)],
        ],
      )}\n`,
    );
    const met = stall.p99 < TARGET_P99_MS && jump.p99 < TARGET_P99_MS;
    const path = writeResults('detect', {
      machine: machineInfo(),
      options,
      targetP99Ms: TARGET_P99_MS,
      stall,
      baseline,
      jump,
      throughput: {
        inMemoryPointsPerSecond: round(inMemory),
        storedPointsPerSecond: round(stored),
      },
      met,
    });
    process.stdout.write(`\n${met ? 'target met' : 'target missed'}; results: ${path}\n`);
    return met ? 0 : 1;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
