import type { Random } from './random.js';
import type { Arrivals, Scenario } from './scenario.js';

const DAY_S = 86_400;
const HOUR_S = 3600;

/**
 * When the items of one work type (or instances of one flow) arrive: a Poisson process whose
 * rate varies with the time of day and with surges. Arrivals are drawn by thinning: candidate
 * times at the highest rate the process ever reaches, each kept with probability rate(t) ÷ that
 * maximum, which is exact for any piecewise-constant rate.
 */
export class ArrivalProcess {
  readonly #surges: Scenario['surges'];
  readonly #maxPerSecond: number;

  constructor(
    /** The work type or flow id, as surges name it. */
    readonly id: string,
    private readonly arrivals: Arrivals,
    surges: Scenario['surges'],
    /** The process's own stream, so its arrivals do not depend on anything else drawn. */
    private readonly random: Random,
  ) {
    this.#surges = surges.filter((s) => s.workTypes === undefined || s.workTypes.includes(id));
    const peak = Math.max(arrivals.perHour, ...arrivals.daily.map((w) => w.perHour));
    // Overlapping surges multiply, so the bound is the product of every multiplier above 1.
    const surge = this.#surges.reduce((m, s) => m * Math.max(1, s.multiplier), 1);
    this.#maxPerSecond = (peak * surge) / HOUR_S;
  }

  /** Arrivals per second at `t` seconds after the start (`startOfDay`: seconds into the UTC day at t = 0). */
  rateAt(t: number, startOfDay: number): number {
    const timeOfDay = (((t + startOfDay) % DAY_S) + DAY_S) % DAY_S;
    const window = this.arrivals.daily.find((w) => timeOfDay >= w.from && timeOfDay < w.to);
    let perHour = window?.perHour ?? this.arrivals.perHour;
    for (const s of this.#surges) if (t >= s.at && t < s.at + s.for) perHour *= s.multiplier;
    return perHour / HOUR_S;
  }

  /** The next arrival strictly after `t`, or null if none comes before `until`. */
  next(t: number, until: number, startOfDay: number): number | null {
    if (this.#maxPerSecond <= 0) return null;
    let at = t;
    for (;;) {
      at += this.random.exponential(1 / this.#maxPerSecond);
      if (at >= until) return null;
      if (this.random.uniform() * this.#maxPerSecond < this.rateAt(at, startOfDay)) return at;
    }
  }
}
