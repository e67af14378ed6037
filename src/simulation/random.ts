import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import type { Distribution } from './scenario.js';

/**
 * The simulator's only source of chance: one seeded generator (xoroshiro128+), so a scenario,
 * a policy and a seed always give the same run.
 */
export class Random {
  readonly #rng: RandomGenerator;
  #spareNormal: number | null = null;

  constructor(seed: number) {
    this.#rng = xoroshiro128plus(seed);
  }

  /**
   * An independent stream for one purpose (`seed` and `stream` together pick it). Arrivals, the
   * items' own draws and the outcomes of attempts each use their own, so two policies run on the
   * same seed meet exactly the same work (common random numbers): only their decisions differ.
   */
  static stream(seed: number, stream: number): Random {
    // Mixed so that neighbouring seeds and streams start far apart.
    return new Random(Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d) ^ Math.imul(stream + 1, 0x165667b1));
  }

  /** Uniform on [0, 1). */
  uniform(): number {
    return uniformFloat64(this.#rng);
  }

  /** Exponentially distributed with this mean. */
  exponential(mean: number): number {
    // 1 − U is in (0, 1], so the logarithm is finite.
    return -mean * Math.log(1 - this.uniform());
  }

  /** Standard normal, by the Box–Muller transform (pairs, one kept for the next call). */
  normal(): number {
    if (this.#spareNormal !== null) {
      const spare = this.#spareNormal;
      this.#spareNormal = null;
      return spare;
    }
    const r = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const theta = 2 * Math.PI * this.uniform();
    this.#spareNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** Log-normal with this mean and coefficient of variation. */
  lognormal(mean: number, cv: number): number {
    const sigma2 = Math.log(1 + cv * cv);
    return Math.exp(Math.log(mean) - sigma2 / 2 + Math.sqrt(sigma2) * this.normal());
  }

  /** A draw from a scenario's duration distribution, in seconds. */
  duration(d: Distribution): number {
    switch (d.distribution) {
      case 'constant':
        return d.mean;
      case 'exponential':
        return this.exponential(d.mean);
      case 'lognormal':
        return this.lognormal(d.mean, d.cv);
      case 'uniform':
        return d.min + (d.max - d.min) * this.uniform();
    }
  }
}

/** The mean of a duration distribution, in seconds. */
export function meanOf(d: Distribution): number {
  return d.distribution === 'uniform' ? (d.min + d.max) / 2 : d.mean;
}
