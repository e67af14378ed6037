import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Each test runs a benchmark in a child process that execFile stops after 60 s: the test waits for
// it rather than giving up first at the default 30 s when the machine is busy.
vi.setConfig({ testTimeout: 90_000 });

/**
 * The store benchmark checks on every run that the raw side executes exactly the statements
 * the store executes, and verifies the chain both wrote. A short run here keeps the benchmark
 * in step with the store: a changed statement fails this test, not the next benchmark run.
 * Timings are not asserted.
 */
describe('npm run bench -- store (a short run)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'autonomy-bench-smoke-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs both sides on SQLite with identical statements and a verified chain', async () => {
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [
          'bin/bench.js',
          'store',
          '--only',
          'sqlite',
          '--seconds',
          '0.3',
          '--warmup',
          '0.1',
          '--rounds',
          '2',
        ],
        { env: { ...process.env, BENCH_RESULTS_DIR: dir }, timeout: 60_000 },
        // A missed ratio exits 1 after printing everything; only the checks matter here.
        (_error, out, err) => {
          resolve({ stdout: out, stderr: err });
        },
      );
    });
    expect(stderr).not.toMatch(/differs|Error/);
    expect(stdout).toMatch(/sqlite \(synchronous=FULL\)[^\n]*hash chain verified/);
    const results = JSON.parse(await readFile(join(dir, 'store.json'), 'utf8')) as {
      rows: unknown[];
    };
    expect(results.rows.length).toBeGreaterThan(0);
  });
});

/**
 * The HTTP benchmark drives the real server over sockets and reads the outcome back through the
 * API; a short run keeps its requests, the server's answers and its checks in step with the
 * routes. Timings are not asserted (the targets are for the full run).
 */
describe('npm run bench -- http (a short run)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'autonomy-bench-smoke-http-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates, cycles and races items over HTTP, and no item is won twice', async () => {
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [
          'bin/bench.js',
          'http',
          '--only',
          'sqlite',
          '--server',
          'inline',
          '--items',
          '30',
          '--race',
          '20',
          '--probe-commits',
          '20',
          '--warmup',
          '5',
        ],
        { env: { ...process.env, BENCH_RESULTS_DIR: dir }, timeout: 60_000 },
        // A missed target exits 1 after printing everything; only the checks matter here.
        (_error, out, err) => {
          resolve({ stdout: out, stderr: err });
        },
      );
    });
    expect(stderr).not.toMatch(/Error/);
    expect(stdout).not.toMatch(/FAILED —/);
    expect(stdout).toMatch(/no item won twice: 55 items/);
    const results = JSON.parse(await readFile(join(dir, 'http.json'), 'utf8')) as {
      runs: { phases: unknown[]; calls: unknown[] }[];
      failed: unknown[];
    };
    expect(results.failed).toEqual([]);
    expect(results.runs[0]?.phases).toHaveLength(3);
  });
});

/**
 * The KPI benchmark generates a synthetic log, ingests it with and without the projector and
 * queries 30 days by domain; a short run keeps its generator, the projector and the check that
 * folded arrivals equal the log's in step. Timings are not asserted.
 */
describe('npm run bench -- kpi (a short run)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'autonomy-bench-smoke-kpi-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('ingests with and without rollups, and the folded arrivals match the log', async () => {
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [
          'bin/bench.js',
          'kpi',
          '--only',
          'sqlite',
          '--events',
          '2000',
          '--tx-events',
          '50',
          '--queries',
          '2',
        ],
        { env: { ...process.env, BENCH_RESULTS_DIR: dir }, timeout: 60_000 },
        // A missed target exits 1 after printing everything; only the checks matter here.
        (_error, out, err) => {
          resolve({ stdout: out, stderr: err });
        },
      );
    });
    expect(stderr).not.toMatch(/differ|Error/);
    expect(stdout).toMatch(/sqlite: 2000 events with rollups/);
    const results = JSON.parse(await readFile(join(dir, 'kpi.json'), 'utf8')) as {
      results: { arrivalsChecked: boolean; domains: number }[];
    };
    expect(results.results[0]).toMatchObject({ arrivalsChecked: true, domains: 4 });
  });
});

/**
 * The detection benchmark runs the engine live and waits for the owner's notifications; a short
 * run keeps its story (a silent agent, a metric jump) in step with the detectors and the timer.
 * Every sample must be notified; timings are not asserted.
 */
describe('npm run bench -- detect (a short run)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'autonomy-bench-smoke-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('notifies the owner of every stall and every metric jump', async () => {
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['bin/bench.js', 'detect', '--samples', '3', '--gap-ms', '20', '--skip-baseline'],
        { env: { ...process.env, BENCH_RESULTS_DIR: dir }, timeout: 60_000 },
        (_error, out, err) => {
          resolve({ stdout: out, stderr: err });
        },
      );
    });
    expect(stderr).toBe('');
    expect(stdout).toMatch(/stall → owner notified\s+3/);
    const results = JSON.parse(await readFile(join(dir, 'detect.json'), 'utf8')) as {
      stall: { samples: number };
      jump: { samples: number };
      throughput: { inMemoryPointsPerSecond: number };
    };
    expect(results.stall.samples).toBe(3);
    expect(results.jump.samples).toBe(3);
    expect(results.throughput.inMemoryPointsPerSecond).toBeGreaterThan(0);
  });
});

/**
 * The authority benchmark checks on every run that the layer and the engine alone answer its
 * requests alike; a short run keeps it in step with the example's policies and the layer.
 * Timings are not asserted.
 */
describe('npm run bench -- authority (a short run)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'autonomy-bench-smoke-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('measures both paths on the example organization and writes its results', async () => {
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [
          'bin/bench.js',
          'authority',
          '--seconds',
          '0.2',
          '--warmup',
          '0.1',
          '--rounds',
          '2',
          '--latency',
          '200',
        ],
        { env: { ...process.env, BENCH_RESULTS_DIR: dir }, timeout: 60_000 },
        // A missed ratio exits 1 after printing everything; only the checks matter here.
        (_error, out, err) => {
          resolve({ stdout: out, stderr: err });
        },
      );
    });
    expect(stderr).not.toMatch(/disagree|Error/);
    expect(stdout).toMatch(/supervision layer \(Authority\.decide\)\s+\d+/);
    expect(stdout).toMatch(/Cedar engine alone \(statefulIsAuthorized\)\s+\d+/);
    expect(stdout).toMatch(/p99 [\d.]+ µs/);
    const results = JSON.parse(await readFile(join(dir, 'authority.json'), 'utf8')) as {
      verdicts: Record<string, number>;
      ratio: number;
    };
    expect(results.verdicts.allow).toBeGreaterThan(0);
    expect(results.verdicts.approval_required).toBeGreaterThan(0);
    expect(results.verdicts.deny).toBeGreaterThan(0);
  });
});

/**
 * The dashboard benchmark drives Chromium against the real server; a short run keeps its probe
 * (what it waits for on the page) in step with the board. Timings are not asserted.
 */
describe('npm run bench -- web (a short run)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'autonomy-bench-smoke-web-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('renders the board over a backlog and sees items created through the API appear', async () => {
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['bin/bench.js', 'web', '--items', '500', '--loads', '1', '--updates', '2'],
        { env: { ...process.env, BENCH_RESULTS_DIR: dir }, timeout: 90_000 },
        (_error, out, err) => {
          resolve({ stdout: out, stderr: err });
        },
      );
    });
    expect(stderr).not.toMatch(/Error/);
    expect(stdout).toMatch(/first meaningful render of the board +1 /);
    const results = JSON.parse(await readFile(join(dir, 'web.json'), 'utf8')) as {
      update: { samplesMs: number[] };
      firstRender: { itemsFetched: number };
    };
    expect(results.update.samplesMs).toHaveLength(2);
    // The board reads pages, never the whole backlog.
    expect(results.firstRender.itemsFetched).toBeGreaterThan(0);
    expect(results.firstRender.itemsFetched).toBeLessThan(500);
  }, 120_000);
});
