import type { WorkType } from '../core/model.js';
import type { WorkStatsReader } from '../core/ports/work-stats-store.js';
import type { QueueRef } from '../core/ports/work-store.js';
import { estimateType, type Estimate } from './estimate-work.js';
import { queueOffset } from './prioritize.js';

export interface LearnedQueues {
  /** Each type's queue with the offset its learned expected duration gives it. */
  queues: QueueRef[];
  /** Each type's estimate, by type id. */
  estimates: Map<string, Estimate>;
}

/**
 * The queues of these work types as claims and offers compare them: each raised by the slack
 * its type's expected duration (learned, as of now) takes up.
 */
export async function queueRefs(
  stats: WorkStatsReader,
  types: readonly WorkType[],
): Promise<LearnedQueues> {
  const queues: QueueRef[] = [];
  const estimates = new Map<string, Estimate>();
  for (const type of types) {
    const estimate = estimateType(type, await stats.get(type.id, null));
    estimates.set(type.id, estimate);
    queues.push({ typeId: type.id, offset: queueOffset(estimate.expectedSeconds) });
  }
  return { queues, estimates };
}
