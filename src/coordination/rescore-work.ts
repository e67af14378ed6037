import type { WorkItem, WorkType } from '../core/model.js';
import { priorityKey, type PriorityInput } from './prioritize.js';
import { stageRequirements } from './stage-requirements.js';
import type { WorkContext } from './work-context.js';

export function priorityInputOf(
  item: WorkItem,
  type: WorkType | null,
  blocks: number,
): PriorityInput {
  return {
    priorityClass: item.priorityClass,
    value: item.value,
    blocks,
    createdAt: item.createdAt,
    dueAt: item.dueAt,
    // Expected remaining duration: the type's expectation, or for a type with stages the sum of
    // the current and later stages' (work within a stage is not yet discounted).
    expectedSeconds: type === null ? 0 : stageRequirements(type, item.stageId).remainingSeconds,
  };
}

/** Recomputes an item's priority key after one of its inputs (here: what it blocks) changed. */
export async function rescoreWork(ctx: WorkContext, item: WorkItem): Promise<void> {
  const type = await ctx.tx.workTypes.get(item.typeId);
  const blocks = (await ctx.tx.work.dependentsOf(item.id)).length;
  await ctx.tx.work.setPriority(item.id, priorityKey(priorityInputOf(item, type, blocks)));
}
