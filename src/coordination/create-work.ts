import { isoAt } from '../core/iso-time.js';
import { DomainError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { PriorityClass, WorkItem } from '../core/model.js';
import { principalName } from '../core/principal.js';
import { assertAllowed } from './assert-allowed.js';
import { priorityKey } from './prioritize.js';
import { priorityInputOf, rescoreWork } from './rescore-work.js';
import { firstStageId } from './stage-requirements.js';
import type { WorkContext } from './work-context.js';

export interface NewWork {
  typeId: string;
  title: string;
  payload?: Record<string, unknown> | undefined;
  value?: number | undefined;
  /** ISO 8601; defaults to creation time plus the work type's SLA. */
  dueAt?: string | undefined;
  priorityClass?: PriorityClass | undefined;
  dependsOn?: readonly string[] | undefined;
}

/**
 * Creates a work item: queued when it can start, blocked when some item it depends on is not
 * done yet; at the first stage of a type with stages. Its due date defaults to the work type's
 * SLA from now.
 */
export async function createWork(ctx: WorkContext, input: NewWork): Promise<WorkItem> {
  assertAllowed(ctx, { operation: 'create', item: null, targetActorId: null });
  const type = await ctx.tx.workTypes.get(input.typeId);
  if (type === null) {
    throw new DomainError('unknown_reference', `work type '${input.typeId}' does not exist`, {
      issues: [{ path: 'typeId', message: 'unknown work type' }],
    });
  }
  const requested = input.dependsOn ?? [];
  // Locked in sorted order (so concurrent writers never deadlock), so that a prerequisite
  // completing concurrently either sees this item or is seen done.
  const dependsOn = [...new Set(requested)].sort();
  let waiting = 0;
  const prerequisites: WorkItem[] = [];
  for (const depId of dependsOn) {
    const dep = await ctx.tx.work.getForUpdate(depId);
    if (dep === null) {
      throw new DomainError('unknown_reference', `work item '${depId}' does not exist`, {
        issues: [{ path: `dependsOn.${requested.indexOf(depId)}`, message: 'unknown work item' }],
      });
    }
    if (dep.state !== 'done') waiting += 1;
    prerequisites.push(dep);
  }
  const now = ctx.clock.now();
  const nowMs = now.getTime();
  const nowIso = isoAt(nowMs);
  const item: WorkItem = {
    id: newId('w', nowMs),
    typeId: type.id,
    title: input.title,
    payload: input.payload ?? {},
    value: input.value ?? 1,
    dueAt: input.dueAt ?? isoAt(nowMs + type.slaSeconds * 1000),
    priorityClass: input.priorityClass ?? 'normal',
    dependsOn,
    stageId: firstStageId(type),
    attempts: 0,
    failedBy: [],
    declinedBy: [],
    startedAt: null,
    version: 1,
    createdAt: nowIso,
    updatedAt: nowIso,
    state: waiting > 0 ? 'blocked' : 'queued',
    ownerId: null,
    offeredTo: null,
    leaseExpiresAt: null,
    priority: 0,
  };
  // Set on the new object before anyone else sees it: its inputs are the fields above.
  item.priority = priorityKey(priorityInputOf(item, 0));
  // Asked again about the item as it would be created: authority policies look at it.
  assertAllowed(ctx, { operation: 'create', item, targetActorId: null });
  await ctx.tx.work.insert(item);
  // Each prerequisite now blocks one more item, which raises its priority.
  for (const prerequisite of prerequisites) await rescoreWork(ctx, prerequisite);
  ctx.tx.events.append({
    type: 'coordination.work.created',
    actor: principalName(ctx.principal),
    subject: item.id,
    payload: {
      typeId: item.typeId,
      title: item.title,
      value: item.value,
      dueAt: item.dueAt,
      priorityClass: item.priorityClass,
      dependsOn: [...dependsOn],
      state: item.state,
      ...(item.stageId === null ? {} : { stageId: item.stageId }),
    },
  });
  return item;
}
