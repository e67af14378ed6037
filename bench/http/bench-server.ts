import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startCoordinationTimer } from '../../src/runtime/coordination-timer.js';
import { ControlPlane } from '../../src/runtime/control-plane.js';
import { loadRuntimeConfig } from '../../src/runtime/runtime-config.js';
import { startServer } from '../../src/interfaces/http/server.js';

/** Where the server runs: `autonomy serve` as a process of its own, or inside the benchmark's. */
export type ServerMode = 'child' | 'inline';

export interface BenchServer {
  url: string;
  /** What ran, for the report. */
  command: string;
  /** CPU seconds the server has used so far (user + system); null when it shares our process. */
  cpuSeconds(): number | null;
  close(): Promise<void>;
}

const AUTONOMY_BIN = fileURLToPath(new URL('../../bin/autonomy.js', import.meta.url));
const START_TIMEOUT_MS = 60_000;

/**
 * `autonomy serve` on a free port of 127.0.0.1, as an operator would start it: its own process
 * (so the server has its event loop to itself, as in production), the product's defaults for
 * everything but the database and the port, including the coordination timer.
 */
export function startChildServer(databaseUrl: string): Promise<BenchServer> {
  // Node options for the server alone, e.g. BENCH_SERVER_NODE_ARGS=--cpu-prof to profile it
  // (NODE_OPTIONS refuses the profiling flags).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter((a) => a !== '');
  const args = [...nodeArgs, AUTONOMY_BIN, '--db', databaseUrl, '--json', 'serve'];
  args.push('--host', '127.0.0.1', '--port', '0');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const command = `autonomy --db <file> --json serve --host 127.0.0.1 --port 0 (pid ${child.pid ?? '?'})`;
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return new Promise((resolve, reject) => {
    const timeout = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`autonomy serve did not start within ${START_TIMEOUT_MS} ms: ${stderr}`));
    }, START_TIMEOUT_MS);
    void exited.then((code) => {
      clearTimeout(timeout);
      reject(
        new Error(`autonomy serve exited with ${code ?? 'a signal'} before listening: ${stderr}`),
      );
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      // `--json` prints the listening address as the "url" member of its start-up document.
      const url = /"url":\s*"(http:\/\/[^"]+)"/.exec(stdout)?.[1];
      if (url === undefined) return;
      clearTimeout(timeout);
      child.stdout.removeAllListeners('data');
      // Keep draining stdout, so the server never blocks on a full pipe.
      child.stdout.resume();
      resolve({
        url,
        command,
        cpuSeconds: () => (child.pid === undefined ? null : processCpuSeconds(child.pid)),
        async close() {
          child.kill('SIGTERM');
          const code = await exited;
          if (code !== 0)
            throw new Error(`autonomy serve exited with ${code ?? 'a signal'}: ${stderr}`);
        },
      });
    });
  });
}

/** The same server and timer `serve` runs, in this process: for profiling both sides at once. */
export async function startInlineServer(databaseUrl: string): Promise<BenchServer> {
  const config = loadRuntimeConfig({ AUTONOMY_DATABASE_URL: databaseUrl });
  const cp = await ControlPlane.open(config);
  try {
    const server = await startServer(cp, {
      host: '127.0.0.1',
      port: 0,
      bodyLimitBytes: config.bodyLimitBytes,
      logLevel: config.logLevel,
    });
    const stopTimer = startCoordinationTimer(cp, config.timerMs, (error) => {
      server.app.log.error({ err: error }, 'coordination timer failed');
    });
    return {
      url: server.url,
      command: 'startServer + startCoordinationTimer in the benchmark process',
      cpuSeconds: () => null,
      async close() {
        await stopTimer();
        await server.close();
        await cp.close();
      },
    };
  } catch (error) {
    await cp.close();
    throw error;
  }
}

/** utime + stime of a process, from /proc (Linux); null elsewhere. */
function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    // USER_HZ is 100 on every Linux Node supports.
    return Number.isFinite(ticks) ? ticks / 100 : null;
  } catch {
    return null;
  }
}
