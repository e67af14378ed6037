import type { WorkType } from '../core/model.js';
import type { WorkStatsReader } from '../core/ports/work-stats-store.js';
import type { QueueRef, WorkQueue } from '../core/ports/work-store.js';
import { estimateType, type Estimate } from './estimate-work.js';
import { queueOffset } from './prioritize.js';
import { stageRequirements } from './stage-requirements.js';

export interface LearnedQueues {
  /** Each queue with the offset its expected remaining duration gives it. */
  queues: QueueRef[];
  /** Each type's estimate, by type id. */
  estimates: Map<string, Estimate>;
}

/**
 * The expected remaining duration of an item of `type` at `stageId`: the type's learned
 * estimate; for a type with stages, the configured durations of the current and later stages
 * (attempts there are stage by stage, so the type's learned figure is not the whole item's).
 */
export function expectedRemainingSeconds(
  type: WorkType,
  stageId: string | null,
  estimate: Estimate,
): number {
  return type.stages.length === 0
    ? estimate.expectedSeconds
    : stageRequirements(type, stageId).remainingSeconds;
}

/**
 * The queues as claims and offers compare them: each raised by the slack its items' expected
 * remaining duration (learned, as of now) takes up.
 */
export async function queueRefs(
  stats: WorkStatsReader,
  types: readonly WorkType[],
  queues: readonly WorkQueue[],
): Promise<LearnedQueues> {
  // One read for every type's figures: a claim compares many queues.
  const learned = new Map((await stats.listTypes()).map((s) => [s.typeId, s]));
  const estimates = new Map<string, Estimate>();
  for (const type of types) {
    if (queues.some((q) => q.typeId === type.id))
      estimates.set(type.id, estimateType(type, learned.get(type.id) ?? null));
  }
  const byId = new Map(types.map((t) => [t.id, t]));
  const refs = queues.flatMap((queue): QueueRef[] => {
    const type = byId.get(queue.typeId);
    const estimate = estimates.get(queue.typeId);
    if (type === undefined || estimate === undefined) return [];
    return [
      {
        ...queue,
        offset: queueOffset(expectedRemainingSeconds(type, queue.stageId, estimate)),
      },
    ];
  });
  return { queues: refs, estimates };
}
