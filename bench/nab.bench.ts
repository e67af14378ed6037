/**
 * The NAB benchmark: the streaming anomaly detector run causally, with one parameter set, over
 * the 41 files of the NAB subset in ../shared/datasets/nab, scored with NAB's rules (bench/nab/
 * nab-scorer.ts) under its three profiles, beside the published detectors' scores on the same
 * files. Target: standard profile ≥ 70 (above ARTime 69.08 and Numenta HTM 68.58).
 *
 *   npm run bench -- nab [--data DIR] [--files] [--options JSON]
 *
 * `--files` adds a row per file (standard profile at the chosen threshold); `--options` overrides
 * detector options for experiments (the reported figures use the defaults).
 */
import { parseArgs } from 'node:util';
import {
  createAnomalyDetector,
  type AnomalyDetectorOverrides,
} from '../src/monitoring/anomaly/create-anomaly-detector.js';
import { NAB_PROFILES, scoreNab, type NabFile, type NabResult } from './nab/nab-scorer.js';
import { DEFAULT_NAB_DIR, readNabBaselines, readNabCorpus } from './nab/read-nab-corpus.js';
import { formatTable, machineInfo, round, writeResults } from './support/report.js';

const STANDARD_TARGET = 70;

export function runNabBenchmark(args: readonly string[]): Promise<number> {
  return Promise.resolve(runNab(args));
}

function runNab(args: readonly string[]): number {
  const { values } = parseArgs({
    args: [...args],
    options: {
      data: { type: 'string', default: DEFAULT_NAB_DIR },
      files: { type: 'boolean', default: false },
      options: { type: 'string' },
    },
  });
  let corpus;
  try {
    corpus = readNabCorpus(values.data);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  let overrides: AnomalyDetectorOverrides = {};
  try {
    if (values.options !== undefined)
      overrides = JSON.parse(values.options) as AnomalyDetectorOverrides;
  } catch {
    process.stderr.write(`--options must be JSON, e.g. '{"holdRows":200}'\n`);
    return 2;
  }

  let points = 0;
  let detectSeconds = 0;
  const scored: NabFile[] = corpus.map((file) => {
    const detector = createAnomalyDetector(overrides);
    const { timestampsMs, values: series } = file.series;
    const scores = new Float64Array(series.length);
    const started = process.hrtime.bigint();
    for (let i = 0; i < series.length; i++)
      scores[i] = detector.update(timestampsMs[i] ?? 0, series[i] ?? 0);
    detectSeconds += Number(process.hrtime.bigint() - started) / 1e9;
    points += series.length;
    return { name: file.name, scores, windows: file.windows };
  });
  const results: NabResult[] = NAB_PROFILES.map((p) => scoreNab(scored, p));

  const baselines = readNabBaselines(values.data);
  const columns = ['standard', 'reward_low_FP', 'reward_low_FN'];
  const ours = results.map((r) => round(r.score, 4));
  const rows = [
    ['autonomy (this run)', ...ours],
    ...baselines.map((b) => [b.detector, ...columns.map((c) => b.scores[c] ?? Number.NaN)]),
  ]
    .map((r) => r as [string, ...number[]])
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0));

  const windowCount = corpus.reduce((n, f) => n + f.windows.length, 0);
  process.stdout.write(
    `\nnab: ${corpus.length} files, ${windowCount} windows, ${points.toLocaleString('en-US')} points\n\n`,
  );
  if (values.files) {
    const standard = results[0];
    process.stdout.write(
      `${formatTable(
        ['file', 'windows', 'TP', 'FN', 'FP', 'score'],
        (standard?.files ?? []).map((f, i) => [
          f.name,
          scored[i]?.windows.length ?? 0,
          f.truePositives,
          f.falseNegatives,
          f.falsePositives,
          round(f.score, 3),
        ]),
      )}\n\n`,
    );
  }
  process.stdout.write(`${formatTable(['detector', ...columns], rows)}\n\n`);
  for (const r of results)
    process.stdout.write(
      `${r.profile}: threshold ${round(r.threshold, 4)}, ${r.truePositives} TP, ${r.falseNegatives} FN, ${r.falsePositives} FP\n`,
    );
  const pointsPerSecond = points / detectSeconds;
  process.stdout.write(
    `detector: ${Math.round(pointsPerSecond).toLocaleString('en-US')} points/s (${detectSeconds.toFixed(2)} s for ${points.toLocaleString('en-US')} points)\n`,
  );

  const standard = results[0]?.score ?? 0;
  const failures =
    standard >= STANDARD_TARGET
      ? []
      : [`standard profile ${round(standard, 4)}, target ${STANDARD_TARGET}`];
  const path = writeResults('nab', {
    benchmark: 'nab',
    at: new Date().toISOString(),
    machine: machineInfo(),
    versions: { node: process.version },
    data: values.data,
    options: overrides,
    target: { standard: STANDARD_TARGET },
    profiles: results.map(({ files, ...r }) => ({
      ...r,
      files: files.map((f) => ({ ...f, score: round(f.score, 4) })),
    })),
    baselines,
    throughput: { points, seconds: detectSeconds, pointsPerSecond },
    failures,
  });
  process.stdout.write(`results: ${path}\n`);
  for (const failure of failures) process.stdout.write(`FAIL ${failure}\n`);
  return failures.length === 0 ? 0 : 1;
}
