import { DomainError, notFound } from '../core/errors.js';
import type { WorkItem } from '../core/model.js';
import { principalName } from '../core/principal.js';
import { TERMINAL_STATES } from '../core/model.js';
import { assertAllowed } from './assert-allowed.js';
import { findDependencyCycle } from './find-dependency-cycle.js';
import { rescoreWork } from './rescore-work.js';
import { blockWork } from './transition-work.js';
import type { WorkContext } from './work-context.js';

/**
 * Makes `id` wait for `dependsOn`. Refuses an edge that would close a cycle (the cycle is named
 * in the error). A queued item that now waits on unfinished work becomes blocked.
 */
export async function addDependency(
  ctx: WorkContext,
  id: string,
  dependsOn: string,
): Promise<WorkItem> {
  // Prerequisite first, then the item: the order `complete` locks them in, so the two never
  // deadlock, and a prerequisite completing concurrently either sees this edge or is seen done.
  const prerequisite = await ctx.tx.work.getForUpdate(dependsOn);
  const item = await ctx.tx.work.getForUpdate(id);
  if (item === null) throw notFound('work item', id);
  assertAllowed(ctx, { operation: 'add_dependency', item, targetActorId: null });
  if (prerequisite === null) {
    throw new DomainError('unknown_reference', `work item '${dependsOn}' does not exist`, {
      issues: [{ path: 'dependsOn', message: 'unknown work item' }],
    });
  }
  if (TERMINAL_STATES.includes(item.state)) {
    throw new DomainError(
      'conflict',
      `work item '${id}' is ${item.state}; it can no longer wait on anything`,
      {
        details: { currentState: item.state },
      },
    );
  }
  if (item.dependsOn.includes(dependsOn)) {
    throw new DomainError('conflict', `work item '${id}' already depends on '${dependsOn}'`);
  }
  const cycle = await findDependencyCycle(
    id,
    dependsOn,
    async (node) => (await ctx.tx.work.get(node))?.dependsOn ?? [],
  );
  if (cycle !== null) {
    throw new DomainError(
      'dependency_cycle',
      `adding this dependency would create a cycle: ${cycle.join(' → ')}`,
      {
        issues: [{ path: 'dependsOn', message: 'creates a cycle' }],
        details: { cycle },
      },
    );
  }
  await ctx.tx.work.addDependency(id, dependsOn);
  const next: WorkItem = {
    ...item,
    dependsOn: [...item.dependsOn, dependsOn].sort(),
    version: item.version + 1,
    updatedAt: ctx.clock.now().toISOString(),
  };
  if (!(await ctx.tx.work.update(next))) {
    throw new DomainError('conflict', `work item '${id}' was changed concurrently; retry`);
  }
  await rescoreWork(ctx, prerequisite);
  ctx.tx.events.append({
    type: 'coordination.work.dependency_added',
    actor: principalName(ctx.principal),
    subject: id,
    payload: { dependsOn },
  });
  if (next.state === 'queued' && prerequisite.state !== 'done') {
    return blockWork(ctx, next, `waiting on '${dependsOn}'`);
  }
  return next;
}
