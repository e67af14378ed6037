import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../../core/duration.js';

/**
 * Parsers for option values. They throw commander's InvalidArgumentError, so a bad value is a
 * usage error (exit 2) reported with the option it was given to.
 */

export function parseNonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return Number(value);
}

export function parsePositiveInt(value: string): number {
  const n = parseNonNegativeInt(value);
  if (n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
}

export function parsePort(value: string): number {
  const n = parseNonNegativeInt(value);
  if (n > 65_535) throw new InvalidArgumentError('expected a port number 0–65535');
  return n;
}

export function parseNonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError('expected a number ≥ 0');
  return n;
}

/** Any date `Date` understands, normalized to ISO 8601 in UTC as the store keeps times. */
export function parseTime(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new InvalidArgumentError('expected an ISO 8601 time, e.g. 2026-03-01T17:00:00Z');
  return new Date(ms).toISOString();
}

export function parseJsonObject(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new InvalidArgumentError(
      `not JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InvalidArgumentError('expected a JSON object');
  return parsed as Record<string, unknown>;
}

/** For repeatable list options: `--type a --type b,c` → [a, b, c]. */
export function collectList(value: string, previous: readonly string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== ''),
  ];
}

/** A duration such as `90s`, `10m` or `2h`, in seconds. */
export function parseDurationOption(value: string): number {
  const seconds = parseDuration(value);
  if (seconds === null) throw new InvalidArgumentError('expected a duration such as 90s or 10m');
  return seconds;
}
