import type { ExceptionRecord, Resolution } from '../core/exception.js';
import { notFound } from '../core/errors.js';
import { newEvent } from '../core/events.js';
import { newId } from '../core/ids.js';
import { principalName } from '../core/principal.js';
import { enqueueWebhooks } from './enqueue-webhooks.js';
import { changedConcurrently, illegalExceptionTransition } from './exception-errors.js';
import type { MonitoringContext } from './monitoring-context.js';

async function load(ctx: MonitoringContext, id: string): Promise<ExceptionRecord> {
  const exception = await ctx.tx.exceptions.get(id);
  if (exception === null) throw notFound('exception', id);
  return exception;
}

async function write(ctx: MonitoringContext, updated: ExceptionRecord): Promise<void> {
  if (!(await ctx.tx.exceptions.update(updated))) throw changedConcurrently(updated.id);
}

/**
 * Someone takes the exception on: escalation stops (no further step runs), the condition stays
 * watched and the exception still resolves itself when it clears.
 */
export async function acknowledgeException(
  ctx: MonitoringContext,
  id: string,
  comment = '',
): Promise<ExceptionRecord> {
  const exception = await load(ctx, id);
  if (exception.state !== 'open') throw illegalExceptionTransition(exception, 'acknowledged');
  const by = principalName(ctx.principal);
  const updated: ExceptionRecord = {
    ...exception,
    state: 'acknowledged',
    acknowledgedAt: ctx.clock.now().toISOString(),
    acknowledgedBy: by,
    version: exception.version + 1,
  };
  await write(ctx, updated);
  ctx.tx.events.append(newEvent('monitoring.exception.acknowledged', by, id, { comment }));
  return updated;
}

/**
 * Ends an open or acknowledged exception: its condition cleared (`cleared`, by the engine), a
 * person closed it (`manual`), or its external source said it is over (`external`). Everyone a
 * step reached is told.
 */
export async function resolveException(
  ctx: MonitoringContext,
  id: string,
  resolution: Resolution,
  reason: string,
): Promise<ExceptionRecord> {
  const exception = await load(ctx, id);
  if (exception.state === 'resolved') throw illegalExceptionTransition(exception, 'resolved');
  const now = ctx.clock.now();
  const by = principalName(ctx.principal);
  const updated: ExceptionRecord = {
    ...exception,
    state: 'resolved',
    resolvedAt: now.toISOString(),
    resolvedBy: by,
    resolution,
    version: exception.version + 1,
  };
  await write(ctx, updated);
  ctx.tx.events.append(newEvent('monitoring.exception.resolved', by, id, { resolution, reason }));
  for (const name of exception.receivers)
    await enqueueWebhooks(ctx, updated, ctx.policy.receiver(name), 'resolved', 0);
  for (const escalation of exception.escalations)
    for (const actorId of escalation.notified)
      await ctx.tx.exceptions.notify({
        id: newId('ntf', now.getTime()),
        actorId,
        exceptionId: id,
        receiver: escalation.receiver,
        reason: 'resolved',
        step: escalation.step,
        summary: `resolved (${reason}): ${exception.summary}`,
        createdAt: now.toISOString(),
        readAt: null,
      });
  return updated;
}
