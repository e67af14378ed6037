import type { ExceptionRecord } from '../core/exception.js';
import { resolveException } from './close-exception.js';
import type { MonitoringContext } from './monitoring-context.js';
import { raiseException } from './raise-exception.js';
import { fingerprintOf, type Signal } from './signal.js';

export interface Reconciled {
  opened: ExceptionRecord[];
  resolved: ExceptionRecord[];
  /** Still holding, already raised before. */
  ongoing: number;
}

/**
 * Brings the exceptions of one source in line with what it sees now: every signal is raised
 * (once), and every active exception of the source whose condition is no longer seen resolves
 * itself. The source must report everything it sees in one call, or what it left out resolves.
 */
export async function reconcileSignals(
  ctx: MonitoringContext,
  source: string,
  signals: readonly Signal[],
): Promise<Reconciled> {
  const result: Reconciled = { opened: [], resolved: [], ongoing: 0 };
  const seen = new Set<string>();
  for (const signal of signals) {
    const fingerprint = fingerprintOf(signal.labels);
    if (seen.has(fingerprint)) continue;
    seen.add(fingerprint);
    const raised = await raiseException(ctx, source, signal);
    if (raised.opened) result.opened.push(raised.exception);
    else result.ongoing++;
  }
  let after: string | undefined;
  for (;;) {
    const page = await ctx.tx.exceptions.list({ active: true, source, after, limit: 500 });
    for (const exception of page)
      if (!seen.has(exception.fingerprint))
        result.resolved.push(
          await resolveException(ctx, exception.id, 'cleared', 'the condition no longer holds'),
        );
    if (page.length < 500) break;
    after = page[page.length - 1]?.id;
  }
  return result;
}
