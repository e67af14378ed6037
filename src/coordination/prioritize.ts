import { msOf } from '../core/iso-time.js';
import type { PriorityClass } from '../core/model.js';

/**
 * How much each part of a priority weighs, in points. Age and slack are points per hour, so a
 * score is read as "hours of waiting it is worth".
 */
export const PRIORITY_WEIGHTS = {
  class: { critical: 1000, high: 100, normal: 0, low: -100 } satisfies Record<
    PriorityClass,
    number
  >,
  /** Per natural log of (1 + value): doubling value adds a constant, not a multiple. */
  value: 10,
  /** Per item waiting on this one. */
  blocks: 5,
  /** Per hour waited since creation: nothing starves. */
  agePerHour: 1,
  /** Per hour of slack lost: slack = due − now − expected remaining duration. */
  slackPerHour: 2,
} as const;

/** What an item's stored key is computed from: its own fields, nothing learned. */
export interface PriorityInput {
  priorityClass: PriorityClass;
  value: number;
  /** Items that depend on this one. */
  blocks: number;
  createdAt: string;
  dueAt: string | null;
}

export interface PriorityParts {
  class: number;
  value: number;
  blocks: number;
  age: number;
  slack: number;
  total: number;
}

const HOUR_MS = 3_600_000;
const hours = (iso: string) => msOf(iso) / HOUR_MS;
/** Without a due date, an item is treated as due a month after creation. */
const DEFAULT_HORIZON_HOURS = 30 * 24;

function dueHours(input: PriorityInput): number {
  return input.dueAt === null ? hours(input.createdAt) + DEFAULT_HORIZON_HOURS : hours(input.dueAt);
}

function staticParts(input: PriorityInput) {
  return {
    class: PRIORITY_WEIGHTS.class[input.priorityClass],
    value: PRIORITY_WEIGHTS.value * Math.log1p(Math.max(0, input.value)),
    blocks: PRIORITY_WEIGHTS.blocks * input.blocks,
  };
}

/**
 * The stored ordering key. Age and slack both grow by a fixed number of points per hour, the
 * same for every item, so the time-dependent part is a common offset: ordering by this key is
 * ordering by the full score at any moment, and nothing is rescored as time passes. An item is
 * rescored only when one of its own inputs changes.
 *
 * The expected remaining duration is left out: it is learned per work type and changes with
 * every completion, and it is the same for every queued item of a type. So it is added per
 * type, as `queueOffset`, when the heads of several types' queues are compared (claims and
 * offers read each type's head separately anyway); within a type it changes nothing. Stored
 * keys never go stale, and no completion rescores any queue.
 */
export function priorityKey(input: PriorityInput): number {
  const s = staticParts(input);
  return (
    s.class +
    s.value +
    s.blocks -
    PRIORITY_WEIGHTS.agePerHour * hours(input.createdAt) -
    PRIORITY_WEIGHTS.slackPerHour * dueHours(input)
  );
}

/**
 * The points a work type's expected remaining duration adds to its queued items' keys: slack
 * lost to the work still to do. Key plus offset orders items of every type like the full score.
 */
export function queueOffset(expectedSeconds: number): number {
  return (PRIORITY_WEIGHTS.slackPerHour * expectedSeconds) / 3600;
}

/**
 * The score at `now`, part by part, as explanations show it, with `expectedSeconds` the
 * expected remaining duration. `total` orders like `priorityKey + queueOffset(expectedSeconds)`.
 */
export function priorityParts(
  input: PriorityInput,
  expectedSeconds: number,
  now: Date,
): PriorityParts {
  const s = staticParts(input);
  const nowHours = now.getTime() / HOUR_MS;
  const age = PRIORITY_WEIGHTS.agePerHour * (nowHours - hours(input.createdAt));
  const slackHours = dueHours(input) - nowHours - expectedSeconds / 3600;
  const slack = -PRIORITY_WEIGHTS.slackPerHour * slackHours;
  return { ...s, age, slack, total: s.class + s.value + s.blocks + age + slack };
}
