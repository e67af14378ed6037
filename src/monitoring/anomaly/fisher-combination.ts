/**
 * Fisher's method for two p-values: under the null hypothesis `−2 (ln p₁ + ln p₂)` follows a
 * chi-squared distribution with 4 degrees of freedom, whose upper tail has the closed form
 * `q (1 − ln q)` with `q = p₁ p₂`. Two pieces of evidence that are each only moderately
 * surprising — a value somewhat off its prediction, in a stretch that is already somewhat unusual
 * — together become surprising; either alone is never made more surprising than it is
 * (`fisherCombination(p, 1) ≥ p`).
 */
export function fisherCombination(p1: number, p2: number): number {
  const q = Math.min(1, Math.max(0, p1)) * Math.min(1, Math.max(0, p2));
  if (q <= 0) return 0;
  return Math.min(1, q * (1 - Math.log(q)));
}
