/**
 * `npm run bench -- [name] [options]`: runs one benchmark by name, or all of them in turn. Each
 * benchmark prints a table, writes its JSON under bench/results/, and returns an exit code
 * (0 when every target is met).
 */
export type Benchmark = (args: readonly string[]) => Promise<number>;

/** Loaded on demand, so running one benchmark does not load the others. */
const BENCHMARKS: Readonly<Record<string, () => Promise<Benchmark>>> = {
  store: async () => (await import('./store.bench.js')).runStoreBenchmark,
  claim: async () => (await import('./claim.bench.js')).runClaimBenchmark,
  coordination: async () => (await import('./coordination.bench.js')).runCoordinationBenchmark,
  http: async () => (await import('./http.bench.js')).runHttpBenchmark,
  nab: async () => (await import('./nab.bench.js')).runNabBenchmark,
  detect: async () => (await import('./detect.bench.js')).runDetectBenchmark,
  kpi: async () => (await import('./kpi.bench.js')).runKpiBenchmark,
  authority: async () => (await import('./authority.bench.js')).runAuthorityBenchmark,
  web: async () => (await import('./web.bench.js')).runWebBenchmark,
};

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  const names = Object.keys(BENCHMARKS);
  if (name === '--help' || name === '-h') {
    process.stdout.write(
      `usage: npm run bench -- [${names.join('|')}] [options]\nWith no name, runs all: ${names.join(', ')}.\n`,
    );
    return 0;
  }
  const selected = name === undefined || name.startsWith('-') ? names : [name];
  const options = name === undefined || name.startsWith('-') ? argv : rest;
  let exitCode = 0;
  for (const selectedName of selected) {
    const load = BENCHMARKS[selectedName];
    if (load === undefined) {
      process.stderr.write(`unknown benchmark '${selectedName}'; available: ${names.join(', ')}\n`);
      return 2;
    }
    const run = await load();
    exitCode = Math.max(exitCode, await run(options));
  }
  return exitCode;
}
