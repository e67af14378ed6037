import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = fileURLToPath(new URL('.', import.meta.url));
const ENTRY = join(WEB, 'dist', 'index.html');

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, name)));
  return newest;
}

/** Whether web/dist is missing or older than a source of the dashboard. */
export function webBuildIsStale(): boolean {
  if (!existsSync(ENTRY)) return true;
  const sources = ['src', 'index.html', 'vite.config.ts'].map((p) => join(WEB, p));
  return Math.max(...sources.map(newestChange)) > statSync(ENTRY).mtimeMs;
}

/**
 * Builds the dashboard into web/dist when it is missing or stale, so `npm start` on a fresh
 * clone and the browser tests always serve what the sources say.
 * @returns whether it built.
 */
export async function buildWebIfStale(): Promise<boolean> {
  if (!webBuildIsStale()) return false;
  const { build } = await import('vite');
  await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn' });
  return true;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write('dashboard: ');
  process.stdout.write((await buildWebIfStale()) ? 'built web/dist\n' : 'web/dist is up to date\n');
}
