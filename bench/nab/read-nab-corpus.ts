import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  parseSeriesCsv,
  parseTimestamp,
  type Series,
} from '../../src/interfaces/cli/parse-series-csv.js';

/** The NAB subset beside the repository (`../shared/datasets/nab`), never copied into it. */
export const DEFAULT_NAB_DIR = fileURLToPath(
  new URL('../../../shared/datasets/nab', import.meta.url),
);

export interface NabCorpusFile {
  /** `<category>/<file>.csv`, as NAB names it. */
  name: string;
  series: Series;
  /** Anomaly windows as inclusive row-index ranges. */
  windows: [number, number][];
}

export interface NabBaseline {
  detector: string;
  scores: Record<string, number>;
}

/** Reads every file named in `combined_windows.json`, with its windows turned into row ranges. */
export function readNabCorpus(dir: string): NabCorpusFile[] {
  const windowsPath = join(dir, 'combined_windows.json');
  if (!existsSync(windowsPath)) throw new Error(`no NAB data at ${dir} (combined_windows.json)`);
  const windows = JSON.parse(readFileSync(windowsPath, 'utf8')) as Record<
    string,
    [string, string][]
  >;
  return Object.entries(windows)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, spans]) => {
      const path = join(dir, 'data', name);
      const series = parseSeriesCsv(readFileSync(path, 'utf8'), path, { allowBackwards: true });
      const ts = series.timestampsMs;
      const rows = spans.map(([start, end]): [number, number] => {
        const from = parseTimestamp(start);
        const to = parseTimestamp(end);
        if (from === null || to === null) throw new Error(`${name}: bad window [${start}, ${end}]`);
        const l = ts.findIndex((t) => t >= from);
        let r = ts.length - 1;
        while (r >= 0 && (ts[r] ?? Infinity) > to) r--;
        return [l, r];
      });
      return { name, series, windows: rows };
    });
}

/** `baselines.tsv`: published detectors' normalized scores per profile on these files. */
export function readNabBaselines(dir: string): NabBaseline[] {
  const [header, ...lines] = readFileSync(join(dir, 'baselines.tsv'), 'utf8').trim().split('\n');
  const columns = (header ?? '').split('\t').slice(1);
  return lines.map((line) => {
    const [detector = '', ...values] = line.split('\t');
    return {
      detector,
      scores: Object.fromEntries(columns.map((c, i) => [c, Number(values[i])])),
    };
  });
}
