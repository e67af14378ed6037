import { WEEKDAYS, type ActorGroup } from './scenario.js';

const DAY_S = 86_400;

type Hours = NonNullable<ActorGroup['workingHours']>;

/** Whether a group works at an absolute time (Unix seconds, UTC). */
export function onShift(hours: Hours, unixSeconds: number): boolean {
  const day = WEEKDAYS[new Date(unixSeconds * 1000).getUTCDay()] as Hours['days'][number];
  const timeOfDay = ((unixSeconds % DAY_S) + DAY_S) % DAY_S;
  return hours.days.includes(day) && timeOfDay >= hours.from && timeOfDay < hours.to;
}

/** The next time after `unixSeconds` at which the group's shift starts or ends. */
export function nextShiftChange(hours: Hours, unixSeconds: number): number {
  const dayStart = Math.floor(unixSeconds / DAY_S) * DAY_S;
  // Within eight days every weekly pattern with at least one working day changes.
  for (let d = 0; d <= 8; d++) {
    for (const boundary of [hours.from, hours.to]) {
      const at = dayStart + d * DAY_S + boundary;
      if (at > unixSeconds && onShift(hours, at) !== onShift(hours, at - 1)) return at;
    }
  }
  return Number.POSITIVE_INFINITY;
}
