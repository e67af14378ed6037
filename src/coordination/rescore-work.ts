import type { WorkItem } from '../core/model.js';
import { priorityKey, type PriorityInput } from './prioritize.js';
import type { WorkContext } from './work-context.js';

export function priorityInputOf(item: WorkItem, blocks: number): PriorityInput {
  return {
    priorityClass: item.priorityClass,
    value: item.value,
    blocks,
    createdAt: item.createdAt,
    dueAt: item.dueAt,
  };
}

/** Recomputes an item's priority key after one of its inputs (here: what it blocks) changed. */
export async function rescoreWork(ctx: WorkContext, item: WorkItem): Promise<void> {
  const blocks = (await ctx.tx.work.dependentsOf(item.id)).length;
  await ctx.tx.work.setPriority(item.id, priorityKey(priorityInputOf(item, blocks)));
}
