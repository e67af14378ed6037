import type { ControlPlane } from './control-plane.js';
import { startPeriodic } from './start-periodic.js';

/**
 * Monitoring's clock-driven work, every `intervalMs`: run the detectors (raise what holds now,
 * resolve what cleared) and the SLOs' burn-rate alerts (with the key results' hourly
 * snapshots), then the escalation steps that are due. Everything it decides is in the
 * store, so a restarted node carries on where this one stopped; only the backlog samples the
 * growth detector compares start again. Returns a function that stops the timer and waits for a
 * run in progress.
 */
export function startMonitoringTimer(
  cp: ControlPlane,
  intervalMs: number,
  onError: (error: unknown) => void,
): () => Promise<void> {
  return startPeriodic(
    intervalMs,
    async () => {
      await cp.monitoring.evaluate();
      // SLO burn rates raise exceptions of their own: before escalation, so theirs start too.
      // A metric reader that fails is reported, and does not hold up the escalations.
      try {
        await cp.performance.evaluate();
      } catch (error) {
        onError(error);
      }
      while ((await cp.monitoring.escalate()).length > 0);
      while ((await cp.monitoring.deliverWebhooks()).length > 0);
    },
    onError,
  );
}
