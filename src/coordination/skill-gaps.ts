import type { Skills } from '../core/model.js';

/** The skills an actor lacks for a requirement, as `skill ≥ level (has n)`; empty when it fits. */
export function skillGaps(has: Skills, needs: Skills): string[] {
  // A loop rather than entries/filter/map: matching asks this of every actor for every offer.
  const gaps: string[] = [];
  for (const skill of Object.keys(needs)) {
    const level = needs[skill] as number;
    const actual = has[skill] ?? 0;
    if (actual < level) gaps.push(`${skill} ≥ ${level} (has ${actual})`);
  }
  return gaps;
}
