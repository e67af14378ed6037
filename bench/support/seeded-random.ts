/**
 * mulberry32: a small seeded generator, so every run of a benchmark generates the same data.
 * Returns numbers in [0, 1).
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The value whose share of the mix `r` (in [0, 1)) falls in; shares should add up to 1. */
export function pickFromMix<T>(mix: readonly (readonly [T, number])[], r: number): T {
  let rest = r;
  for (const [value, share] of mix) {
    if (rest < share) return value;
    rest -= share;
  }
  const last = mix.at(-1);
  if (last === undefined) throw new Error('empty mix');
  return last[0];
}
