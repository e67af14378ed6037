import type { EscalationState, ExceptionRecord, Labels } from '../core/exception.js';
import { deliverStep, nextStep } from './deliver-step.js';
import { changedConcurrently } from './exception-errors.js';
import type { MonitoringContext } from './monitoring-context.js';

/** How often a muted exception looks again whether it still is. */
const MUTE_RECHECK_SECONDS = 60;

/** Why an exception is muted now: an active silence, or another exception that inhibits it. */
export interface Mute {
  silenceId: string | null;
  /** When the mute ends, if known (a silence's end). */
  until: string | null;
  inhibitedBy: Labels | null;
}

async function muteOf(ctx: MonitoringContext, exception: ExceptionRecord): Promise<Mute | null> {
  const now = ctx.clock.now().toISOString();
  const silence = (await ctx.tx.exceptions.listSilences(now)).find(
    (s) => s.startsAt <= now && ctx.policy.silences(s.matchers, exception.labels),
  );
  if (silence !== undefined)
    return { silenceId: silence.id, until: silence.endsAt, inhibitedBy: null };
  const active = await ctx.tx.exceptions.list({ active: true, limit: 10_000 });
  const inhibitedBy = ctx.policy.inhibitedBy(
    exception.labels,
    active.filter((e) => e.id !== exception.id).map((e) => e.labels),
  );
  return inhibitedBy === null ? null : { silenceId: null, until: null, inhibitedBy };
}

/**
 * Runs every escalation of the exception that is due: the first step of a receiver whose group
 * wait is over, or the next step of one nobody acknowledged in time. A muted exception (silenced
 * or inhibited) tells nobody; its due steps wait until the mute ends. Returns the exception as
 * written (its version bumped) or unchanged when nothing was due.
 */
export async function advanceEscalations(
  ctx: MonitoringContext,
  exception: ExceptionRecord,
): Promise<ExceptionRecord> {
  if (exception.state !== 'open') return exception;
  const now = ctx.clock.now();
  const at = now.toISOString();
  const due = exception.escalations.some((e) => e.nextAt !== null && e.nextAt <= at);
  if (!due) return exception;
  const mute = await muteOf(ctx, exception);
  const escalations: EscalationState[] = [];
  for (const escalation of exception.escalations) {
    if (escalation.nextAt === null || escalation.nextAt > at) {
      escalations.push(escalation);
    } else if (mute !== null) {
      const recheck = new Date(now.getTime() + MUTE_RECHECK_SECONDS * 1000).toISOString();
      escalations.push({ ...escalation, nextAt: mute.until ?? recheck });
    } else {
      const receiver = ctx.policy.receiver(escalation.receiver);
      // Nobody told yet: the step is pending (group wait, or a mute that ended); else move on.
      const from =
        escalation.notified.length === 0
          ? { step: escalation.step, loop: escalation.loop }
          : nextStep(receiver, escalation.step, escalation.loop);
      escalations.push(
        from === null
          ? { ...escalation, nextAt: null }
          : await deliverStep(ctx, exception, receiver, from),
      );
    }
  }
  const updated: ExceptionRecord = {
    ...exception,
    escalations,
    silencedBy: mute?.silenceId ?? null,
    version: exception.version + 1,
  };
  if (!(await ctx.tx.exceptions.update(updated))) throw changedConcurrently(exception.id);
  return updated;
}
