import type { Skills } from '../core/model.js';

/** The skills an actor lacks for a requirement, as `skill ≥ level (has n)`; empty when it fits. */
export function skillGaps(has: Skills, needs: Skills): string[] {
  return Object.entries(needs)
    .filter(([skill, level]) => (has[skill] ?? 0) < level)
    .map(([skill, level]) => `${skill} ≥ ${level} (has ${has[skill] ?? 0})`);
}
