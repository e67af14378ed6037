import type { WorkType } from '../core/model.js';
import type { WorkStats, WorkStatsReader } from '../core/ports/work-stats-store.js';
import { estimateActor, estimateType, type Estimate } from './estimate-work.js';

/** What was learned about a work type and each actor who worked on it, and the estimates used. */
export interface LearnedEstimates {
  typeId: string;
  /** The configured expected duration the type's estimate starts from. */
  configuredSeconds: number;
  /** The type's estimate, as priority and matching use it. */
  estimate: Estimate;
  /** The raw learned figures; null before any attempt ended. */
  stats: WorkStats | null;
  /** Every actor with an ended attempt of the type, by id. */
  actors: { actorId: string; estimate: Estimate; stats: WorkStats }[];
}

export async function learnedEstimates(
  stats: WorkStatsReader,
  type: WorkType,
): Promise<LearnedEstimates> {
  const typeStats = await stats.get(type.id, null);
  const estimate = estimateType(type, typeStats);
  return {
    typeId: type.id,
    configuredSeconds: type.expectedDurationSeconds,
    estimate,
    stats: typeStats,
    actors: (await stats.listActors(type.id)).map((s) => ({
      actorId: s.actorId ?? '',
      estimate: estimateActor(estimate, s),
      stats: s,
    })),
  };
}
