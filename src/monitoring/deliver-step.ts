import { haltCovering } from '../core/halt.js';
import type { EscalationState, ExceptionRecord } from '../core/exception.js';
import { newEvent } from '../core/events.js';
import { newId } from '../core/ids.js';
import { principalName } from '../core/principal.js';
import type { MonitoringContext } from './monitoring-context.js';
import { enqueueWebhooks } from './enqueue-webhooks.js';
import { DOMAIN_OWNERS, type Receiver } from './monitoring-policy.js';

/** The step after (step, loop) in a receiver's policy, or null once it is exhausted. */
export function nextStep(
  receiver: Receiver,
  step: number,
  loop: number,
): { step: number; loop: number } | null {
  if (step + 1 < receiver.steps.length) return { step: step + 1, loop };
  if (loop < receiver.repeat) return { step: 0, loop: loop + 1 };
  return null;
}

interface Targets {
  reached: string[];
  skipped: { actorId: string; reason: string }[];
}

/**
 * Who a step's targets are now. Only someone who can act is told: an offline person or agent,
 * or a halted agent, is passed over (and the step with nobody left is passed over too), as is
 * anyone the organization no longer has.
 */
async function resolveTargets(
  ctx: MonitoringContext,
  notify: readonly string[],
  exception: ExceptionRecord,
): Promise<Targets> {
  const names: string[] = [];
  const skipped: Targets['skipped'] = [];
  for (const target of notify) {
    if (target !== DOMAIN_OWNERS) {
      names.push(target);
      continue;
    }
    const domainId = exception.labels.domain;
    const domain = domainId === undefined ? null : await ctx.tx.domains.get(domainId);
    if (domain === null || domain.owners.length === 0)
      skipped.push({
        actorId: DOMAIN_OWNERS,
        reason:
          domainId === undefined
            ? 'the exception names no domain'
            : `domain '${domainId}' has no owners`,
      });
    else names.push(...domain.owners);
  }
  const reached: string[] = [];
  const halts = await ctx.tx.halts.listActive();
  for (const actorId of new Set(names)) {
    const actor = await ctx.tx.actors.get(actorId);
    if (actor === null) skipped.push({ actorId, reason: 'no such actor' });
    else if (actor.status === 'offline') skipped.push({ actorId, reason: 'offline' });
    else if (haltCovering(halts, actor) !== null) skipped.push({ actorId, reason: 'halted' });
    else reached.push(actorId);
  }
  return { reached, skipped };
}

/**
 * Runs step `step` (of pass `loop`) of a receiver's escalation policy: tells everyone it can
 * reach (an inbox notification each, one event for the step) and says when the next step is
 * due. A step that reaches nobody is recorded and the next one runs at once; a policy that
 * runs out of steps ends with no next step.
 */
export async function deliverStep(
  ctx: MonitoringContext,
  exception: ExceptionRecord,
  receiver: Receiver,
  from: { step: number; loop: number },
): Promise<EscalationState> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  const first = from.step === 0 && from.loop === 0;
  await enqueueWebhooks(ctx, exception, receiver, first ? 'opened' : 'escalated', from.step);
  let position: { step: number; loop: number } | null = from;
  while (position !== null) {
    const { step, loop } = position;
    const definition = receiver.steps[step];
    if (definition === undefined) break;
    const { reached, skipped } = await resolveTargets(ctx, definition.notify, exception);
    const following = nextStep(receiver, step, loop);
    const nextAt =
      reached.length > 0 && following !== null
        ? new Date(now.getTime() + definition.escalateAfterSeconds * 1000).toISOString()
        : null;
    for (const actorId of reached)
      await ctx.tx.exceptions.notify({
        id: newId('ntf', now.getTime()),
        actorId,
        exceptionId: exception.id,
        receiver: receiver.name,
        reason: step === 0 && loop === 0 ? 'opened' : 'escalated',
        step,
        summary: exception.summary,
        createdAt: at,
        readAt: null,
      });
    ctx.tx.events.append(
      newEvent('monitoring.exception.notified', principalName(ctx.principal), exception.id, {
        receiver: receiver.name,
        step,
        loop,
        targets: reached,
        skipped,
        nextAt,
      }),
    );
    if (reached.length > 0)
      return { receiver: receiver.name, step, loop, nextAt, notified: reached };
    position = following;
  }
  return { receiver: receiver.name, step: from.step, loop: from.loop, nextAt: null, notified: [] };
}
