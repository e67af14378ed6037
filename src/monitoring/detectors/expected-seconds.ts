import { estimateActor, estimateType } from '../../coordination/estimate-work.js';
import { stageRequirements } from '../../coordination/stage-requirements.js';
import type { WorkItem, WorkType } from '../../core/model.js';
import { statsKey, type MonitoringSnapshot } from '../monitoring-snapshot.js';

/** What the current step of an item is expected to take its holder, and what that rests on. */
export interface Expectation {
  seconds: number;
  /** Attempts the estimate learned from (0: the configured figure alone). */
  observed: number;
}

/**
 * The expected duration of the item's current step for `actorId`: learned per type and actor
 * (coordination's estimate) for a type without stages, the configured stage duration for one
 * with stages (learning measures whole items only).
 */
export function expectedSeconds(
  snapshot: MonitoringSnapshot,
  type: WorkType,
  item: WorkItem,
  actorId: string | null,
): Expectation {
  const stage = stageRequirements(type, item.stageId).stage;
  if (stage !== null) return { seconds: stage.expectedDurationSeconds, observed: 0 };
  const typeEstimate = estimateType(type, snapshot.stats.get(statsKey(type.id, null)) ?? null);
  const estimate =
    actorId === null
      ? typeEstimate
      : estimateActor(typeEstimate, snapshot.stats.get(statsKey(type.id, actorId)) ?? null);
  return { seconds: estimate.expectedSeconds, observed: estimate.completions };
}
