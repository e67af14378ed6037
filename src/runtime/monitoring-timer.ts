import type { ControlPlane } from './control-plane.js';
import { startScheduled } from './start-scheduled.js';

/**
 * Events after which the event-driven detectors (retries exhausted, deadlock, saturation,
 * failure spikes) may see something new, and after which the clock-driven ones learn new
 * moments to look again (an item assigned starts its stall clock).
 */
const WATCHED = /^coordination\.(work|actor)\./;

/** How soon after a watched event the detectors run, at the soonest. */
export const REACT_MS = 50;

/**
 * Monitoring's own work: expire the approvals nobody decided in time, run the detectors (raise what holds now, resolve what cleared), score
 * the built-in series, check the SLOs' burn rates (and snapshot the key results hourly), then
 * run the escalation steps and webhook deliveries that are due. It runs
 * every `intervalMs` at the latest; sooner at the moment the last evaluation said a condition
 * would start (a silence reaching its limit, a deadline coming within reach), and shortly after
 * coordination changes something. Everything it decides is in the store, so a restarted node
 * carries on where this one stopped. Returns a function that stops the timer and waits for a
 * run in progress.
 */
export function startMonitoringTimer(
  cp: ControlPlane,
  intervalMs: number,
  onError: (error: unknown) => void,
): () => Promise<void> {
  const scheduled = startScheduled(
    intervalMs,
    async () => {
      // Approvals past their expiry first: their exceptions resolve before escalation looks.
      while ((await cp.approvals.expireDue()).length > 0);
      await cp.monitoring.evaluate();
      await cp.monitoring.observeBuiltinSeries();
      // SLO burn rates raise exceptions of their own: before escalation, so theirs start too.
      // A metric reader that fails is reported, and does not hold up the escalations.
      try {
        await cp.outcomes.evaluate();
      } catch (error) {
        onError(error);
      }
      while ((await cp.monitoring.escalate()).length > 0);
      while ((await cp.monitoring.deliverWebhooks()).length > 0);
      const [due, expiry] = await Promise.all([cp.monitoring.nextDue(), cp.approvals.nextExpiry()]);
      // An expiry already past was swept above; the next one still ahead wakes the timer.
      const ahead = expiry !== null && expiry.getTime() > cp.clock.now().getTime() ? expiry : null;
      if (due === null || ahead === null) return due ?? ahead;
      return ahead < due ? ahead : due;
    },
    onError,
  );
  const unsubscribe = cp.bus.subscribe((events) => {
    if (events.some((event) => WATCHED.test(event.type))) scheduled.poke(REACT_MS);
  });
  return async () => {
    unsubscribe();
    await scheduled.stop();
  };
}
