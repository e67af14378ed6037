import type { Skills, WorkType } from '../core/model.js';
import { queueKey, type WorkQueue } from '../core/ports/work-store.js';
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

/** An actor's eligibility as last worked out, with the work types it was worked out against. */
interface Remembered {
  types: readonly WorkType[];
  eligibility: QueueEligibility;
  /** `queueKey` of each eligible queue, in the same order. */
  keys: string[];
}

const remembered = new WeakMap<Skills, Remembered>();

const sameTypes = (a: readonly WorkType[], b: readonly WorkType[]) =>
  a.length === b.length && a.every((type, i) => type === b[i]);

/**
 * `eligibleQueues`, remembered per skills object for as long as the work types are the same
 * objects: a store that keeps configuration in memory hands out the same objects until it
 * changes, and push offers ask this for every actor on every dispatch. Any other store simply
 * works it out each time. The answer is shared: read it, never change it.
 */
export function rememberedEligibility(
  skills: Skills,
  types: readonly WorkType[],
): Readonly<Remembered> {
  let entry = remembered.get(skills);
  if (entry === undefined || !sameTypes(entry.types, types)) {
    const eligibility = eligibleQueues(skills, types);
    entry = {
      types: [...types],
      eligibility,
      keys: eligibility.eligible.map((q) => queueKey(q.typeId, q.stageId)),
    };
    remembered.set(skills, entry);
  }
  return entry;
}
