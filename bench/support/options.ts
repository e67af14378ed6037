import type { Dialect } from '../../src/core/ports/store.js';

/** Where the PostgreSQL benchmarks create their databases (BENCH_POSTGRES_URL overrides). */
export const benchPostgresUrl = (): string =>
  process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A positive number given to `--name` (underscores as digit separators allowed). */
export function positiveOption(name: string, text: string): number {
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`--${name} must be a positive number, not '${text}'`);
  return value;
}

/** `--only sqlite|postgres`, or null for both. */
export function onlyOption(text: string | undefined): Dialect | null {
  if (text === undefined) return null;
  if (text !== 'sqlite' && text !== 'postgres')
    throw new Error(`--only must be sqlite or postgres, not '${text}'`);
  return text;
}
