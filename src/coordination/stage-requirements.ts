import type { Skills, WorkStage, WorkType } from '../core/model.js';

/** Where an item stands in its work type's stages, and what that asks of whoever takes it. */
export interface StageRequirements {
  /** The current stage and its place (1-based) among the type's; null for a type without stages. */
  stage: (WorkStage & { position: number; of: number }) | null;
  /** The skills an actor needs to take the item now: its stage's, or its type's. */
  requiredSkills: Skills;
  /** Expected remaining duration in seconds: the current stage's and every later one's. */
  remainingSeconds: number;
  /** The stage completing the current one leads to; null at the last stage or without stages. */
  next: WorkStage | null;
}

/**
 * What an item of `type` at `stageId` needs. Applying configuration keeps every open item's stage
 * in its type, so an unknown stage does not arise; were it to, the item would be at no queue the
 * engine reads (they come from the type's stages) and is answered here as the first stage.
 */
export function stageRequirements(type: WorkType, stageId: string | null): StageRequirements {
  if (type.stages.length === 0) {
    return {
      stage: null,
      requiredSkills: type.requiredSkills,
      remainingSeconds: type.expectedDurationSeconds,
      next: null,
    };
  }
  const index = Math.max(
    0,
    type.stages.findIndex((s) => s.id === stageId),
  );
  const stage = type.stages[index] as WorkStage;
  return {
    stage: { ...stage, position: index + 1, of: type.stages.length },
    requiredSkills: stage.requiredSkills,
    remainingSeconds: type.stages
      .slice(index)
      .reduce((sum, s) => sum + s.expectedDurationSeconds, 0),
    next: type.stages[index + 1] ?? null,
  };
}

/** The stage a new item of `type` starts at; null for a type without stages. */
export function firstStageId(type: WorkType): string | null {
  return type.stages[0]?.id ?? null;
}
