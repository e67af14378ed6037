/**
 * Told by a clock-driven detector when, with no new event, its verdict on something it looked at
 * would next change (a silence grows past its limit, a deadline comes within reach): the engine
 * evaluates again at the earliest such moment, not only on its periodic tick, so a condition is
 * seen as it starts.
 */
export type Wake = (atMs: number) => void;

export const NO_WAKE: Wake = () => undefined;

/** A Wake that keeps the earliest moment after `nowMs` it is told of. */
export function earliestWake(nowMs: number): { wake: Wake; readonly at: number | null } {
  let at: number | null = null;
  return {
    wake: (atMs) => {
      if (atMs > nowMs && (at === null || atMs < at)) at = atMs;
    },
    get at() {
      return at;
    },
  };
}
