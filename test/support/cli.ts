import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { main } from '../../src/interfaces/cli/main.js';

/** The repository root, where `examples/` and `bin/` are. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'autonomy.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A temporary folder for the calling test file, removed after its tests. */
export function testDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `autonomy-test-${name}-`));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** `autonomy …` as people run it: a node process of its own. */
export function cliProcess(...args: string[]): Promise<CliResult> {
  return cliProcessWithin(60_000, ...args);
}

/** `autonomy …` in a process of its own, killed after `timeoutMs` (a long-running command). */
export function cliProcessWithin(timeoutMs: number, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, timeout: timeoutMs },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : (error.code as number | null), stdout, stderr });
      },
    );
  });
}

/** `autonomy …` run in this process through main(), its output collected. */
export async function cliInProcess(...args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'autonomy', ...args], {
    io: {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
    },
    env: { AUTONOMY_LOG_LEVEL: 'warn' },
  });
  return { code, stdout, stderr };
}
