import type { ExceptionRecord } from '../core/exception.js';
import { newEvent } from '../core/events.js';
import { newId } from '../core/ids.js';
import { principalName } from '../core/principal.js';
import { advanceEscalations } from './advance-escalations.js';
import type { MonitoringContext } from './monitoring-context.js';
import { fingerprintOf, type Signal } from './signal.js';

export interface Raised {
  exception: ExceptionRecord;
  /** False when an active exception with the same labels already stood for the condition. */
  opened: boolean;
}

/**
 * Raises the exception a signal stands for, once: while one with the same labels is open or
 * acknowledged, seeing the condition again only records that it still holds. A new one is
 * routed by the organization's tree (the receivers and routes are stored with it) and its
 * receivers' first escalation steps run as soon as their group wait allows — now, when none.
 */
export async function raiseException(
  ctx: MonitoringContext,
  source: string,
  signal: Signal,
): Promise<Raised> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  const fingerprint = fingerprintOf(signal.labels);
  const existing = await ctx.tx.exceptions.findActive(fingerprint);
  if (existing !== null) {
    await ctx.tx.exceptions.touch(existing.id, at);
    return { exception: { ...existing, lastSeenAt: at }, opened: false };
  }
  const match = ctx.policy.route(signal.labels);
  const firstAt = new Date(now.getTime() + match.groupWaitSeconds * 1000).toISOString();
  const exception: ExceptionRecord = {
    id: newId('exc', now.getTime()),
    fingerprint,
    source,
    labels: signal.labels,
    summary: signal.summary,
    details: signal.details,
    openedAt: at,
    lastSeenAt: at,
    receivers: match.receivers,
    routes: match.routes,
    group: match.group,
    escalations: match.receivers.map((receiver) => ({
      receiver,
      step: 0,
      loop: 0,
      nextAt: firstAt,
      notified: [],
    })),
    silencedBy: null,
    version: 1,
    state: 'open',
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    resolution: null,
  };
  await ctx.tx.exceptions.insert(exception);
  ctx.tx.events.append(
    newEvent('monitoring.exception.opened', principalName(ctx.principal), exception.id, {
      fingerprint,
      source,
      labels: signal.labels,
      summary: signal.summary,
      details: signal.details,
      receivers: match.receivers,
      routes: match.routes,
      group: match.group,
      silencedBy: null,
    }),
  );
  return { exception: await advanceEscalations(ctx, exception), opened: true };
}
