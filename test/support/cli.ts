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

/**
 * The CLI run in-process on a SQLite file of the calling test file's own, in a fresh folder
 * (`dir`, for the files the commands read).
 */
export function cliOnFile(name: string): {
  dir: string;
  db: string;
  cli: (...args: string[]) => Promise<CliResult>;
} {
  const dir = testDir(name);
  const db = join(dir, 'autonomy.db');
  return { dir, db, cli: (...args) => cliInProcess('--db', db, ...args) };
}

/**
 * A one-domain organization file: ops, owned by Tom (a person), with Bot (an agent) and
 * tickets; `more` (YAML) follows.
 */
export const opsOrg = (name: string, more = ''): string => `apiVersion: autonomy/v1
kind: Organization
metadata: { name: ${name} }
domains:
  - { id: ops, name: Ops, owners: [tom] }
actors:
  - { id: tom, kind: human, name: Tom, domains: [ops], capacity: 2 }
  - { id: bot, kind: agent, name: Bot, domains: [ops], capacity: 2 }
workTypes:
  - { id: ticket, domain: ops, name: Ticket, expectedDuration: 1h, sla: 1d }
${more}`;
