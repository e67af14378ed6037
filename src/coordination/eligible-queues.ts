import type { Skills, WorkType } from '../core/model.js';
import type { WorkQueue } from '../core/ports/work-store.js';
import { skillGaps } from './skill-gaps.js';

export interface QueueEligibility {
  /** The queues (type, stage) whose required skills the actor meets. */
  eligible: WorkQueue[];
  /** The others, with the skills missing for each; `stageId` only for a type with stages. */
  ineligible: { typeId: string; stageId?: string; missing: string[] }[];
}

/**
 * Every queue of a type, with the skills taking work from it needs: the type's own queue, or one
 * per stage for a type with stages.
 */
export function queuesOf(type: WorkType): (WorkQueue & { requiredSkills: Skills })[] {
  return type.stages.length === 0
    ? [{ typeId: type.id, stageId: null, requiredSkills: type.requiredSkills }]
    : type.stages.map((s) => ({
        typeId: type.id,
        stageId: s.id,
        requiredSkills: s.requiredSkills,
      }));
}

/**
 * The queues an actor with `skills` may take work from: one per type without stages, one per
 * stage of a type with stages, each judged by its own required skills.
 */
export function eligibleQueues(skills: Skills, types: readonly WorkType[]): QueueEligibility {
  const result: QueueEligibility = { eligible: [], ineligible: [] };
  for (const type of types) {
    for (const { stageId, requiredSkills } of queuesOf(type)) {
      const missing = skillGaps(skills, requiredSkills);
      if (missing.length === 0) result.eligible.push({ typeId: type.id, stageId });
      else
        result.ineligible.push({
          typeId: type.id,
          ...(stageId === null ? {} : { stageId }),
          missing,
        });
    }
  }
  return result;
}
