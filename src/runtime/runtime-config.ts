import { z } from 'zod';
import { DomainError } from '../core/errors.js';

/** Settings read from the environment (and overridden by CLI flags). */
export interface RuntimeConfig {
  /** `postgres://…` or a SQLite file path. */
  databaseUrl: string;
  host: string;
  port: number;
  /** How long an assignment holds without a heartbeat. */
  leaseSeconds: number;
  /** How long an offer (push) waits for its actor to accept or reject it. */
  offerSeconds: number;
  /** How often `serve` looks for leases and offers that ran out, and offers queued work. */
  timerMs: number;
  /** How often `serve` runs the monitoring detectors and the escalation steps that are due. */
  monitorMs: number;
  /** How long minute rollup buckets are kept, in hours (hours and days are kept for ever). */
  minuteRollupHours: number;
  /** Largest accepted request body, in bytes. */
  bodyLimitBytes: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export const DEFAULT_DATABASE_URL = './data/autonomy.db';
export const DEFAULT_OFFER_SECONDS = 120;

const envSchema = z.object({
  AUTONOMY_DATABASE_URL: z.string().min(1).default(DEFAULT_DATABASE_URL),
  AUTONOMY_HOST: z.string().min(1).default('127.0.0.1'),
  AUTONOMY_PORT: z.coerce.number().int().min(0).max(65_535).default(7070),
  AUTONOMY_LEASE_SECONDS: z.coerce.number().int().min(1).default(300),
  AUTONOMY_TIMER_MS: z.coerce.number().int().min(10).default(1000),
  AUTONOMY_MONITOR_MS: z.coerce.number().int().min(100).default(5000),
  AUTONOMY_MINUTE_ROLLUP_HOURS: z.coerce.number().int().min(1).default(168),
  AUTONOMY_OFFER_SECONDS: z.coerce.number().int().min(1).default(DEFAULT_OFFER_SECONDS),
  AUTONOMY_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  AUTONOMY_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
});

export function loadRuntimeConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new DomainError('invalid_config', 'invalid environment', {
      issues: parsed.error.issues.map((issue) => ({
        path: issue.path.join('.'),
        message: issue.message,
      })),
    });
  }
  const e = parsed.data;
  return {
    databaseUrl: e.AUTONOMY_DATABASE_URL,
    host: e.AUTONOMY_HOST,
    port: e.AUTONOMY_PORT,
    leaseSeconds: e.AUTONOMY_LEASE_SECONDS,
    timerMs: e.AUTONOMY_TIMER_MS,
    monitorMs: e.AUTONOMY_MONITOR_MS,
    offerSeconds: e.AUTONOMY_OFFER_SECONDS,
    minuteRollupHours: e.AUTONOMY_MINUTE_ROLLUP_HOURS,
    bodyLimitBytes: e.AUTONOMY_BODY_LIMIT_BYTES,
    logLevel: e.AUTONOMY_LOG_LEVEL,
  };
}
