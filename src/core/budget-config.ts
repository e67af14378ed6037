import { z } from 'zod';

/**
 * Budgets and rate limits per agent, as the organization file sets them: cost units per UTC day
 * and per UTC calendar month, and work actions per minute. Supervision enforces them; core only
 * carries them.
 */

/** The windows usage is counted in; each restarts at the start of its UTC period. */
export const USAGE_WINDOWS = ['minute', 'day', 'month'] as const;
export type UsageWindow = (typeof USAGE_WINDOWS)[number];

/** The share of a cost limit at which a warning is raised, unless the file says otherwise. */
export const DEFAULT_WARN_AT = 0.8;

const actorIdSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,62}$/,
    'lowercase letters, digits, ".", "_" or "-", at most 63 characters',
  );

export const budgetSchema = z
  .strictObject({
    /** The agent this budget is for. */
    agent: actorIdSchema,
    /** Cost units (the agent's costPerHour × hours worked) per UTC day. */
    costPerDay: z.number().positive().optional(),
    /** Cost units per UTC calendar month. */
    costPerMonth: z.number().positive().optional(),
    /** Work actions (claims, transitions, creations) per minute. */
    actionsPerMinute: z.number().int().min(1).max(1_000_000).optional(),
    /** The share of a cost limit at which `BudgetWarning` is raised. */
    warnAt: z.number().gt(0).lt(1).default(DEFAULT_WARN_AT),
  })
  .refine(
    (b) =>
      b.costPerDay !== undefined ||
      b.costPerMonth !== undefined ||
      b.actionsPerMinute !== undefined,
    { message: 'set at least one of costPerDay, costPerMonth, actionsPerMinute' },
  );

/** One agent's budget as applied. */
export interface Budget {
  agent: string;
  costPerDay?: number;
  costPerMonth?: number;
  actionsPerMinute?: number;
  warnAt: number;
}

export function toBudget(parsed: z.output<typeof budgetSchema>): Budget {
  return {
    agent: parsed.agent,
    ...(parsed.costPerDay === undefined ? {} : { costPerDay: parsed.costPerDay }),
    ...(parsed.costPerMonth === undefined ? {} : { costPerMonth: parsed.costPerMonth }),
    ...(parsed.actionsPerMinute === undefined ? {} : { actionsPerMinute: parsed.actionsPerMinute }),
    warnAt: parsed.warnAt,
  };
}

/** What export writes: the default warning share left out. */
export function toBudgetDocument(budget: Budget): z.input<typeof budgetSchema> {
  const { warnAt, ...rest } = budget;
  return { ...rest, ...(warnAt === DEFAULT_WARN_AT ? {} : { warnAt }) };
}

/** The period of `window` that the instant `at` falls in, as its UTC prefix. */
export function periodOf(window: UsageWindow, at: Date): string {
  const iso = at.toISOString();
  return window === 'minute'
    ? iso.slice(0, 16)
    : window === 'day'
      ? iso.slice(0, 10)
      : iso.slice(0, 7);
}

/** When the period of `window` that `at` falls in ends (the next one starts). */
export function periodEnd(window: UsageWindow, at: Date): Date {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  const d = at.getUTCDate();
  if (window === 'month') return new Date(Date.UTC(y, m + 1, 1));
  if (window === 'day') return new Date(Date.UTC(y, m, d + 1));
  return new Date(Date.UTC(y, m, d, at.getUTCHours(), at.getUTCMinutes() + 1));
}

/** An agent's usage in one window's current period. */
export interface Usage {
  actorId: string;
  window: UsageWindow;
  /** The period counted (see periodOf); usage of an earlier period counts as none. */
  period: string;
  actions: number;
  cost: number;
}
