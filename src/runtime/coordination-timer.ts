import type { ControlPlane } from './control-plane.js';
import { startPeriodic } from './start-periodic.js';

/**
 * The engine's clock-driven work, every `intervalMs`: re-queue items whose lease or offer ran
 * out, offer queued work to actors in push mode, then make room for critical items nobody has
 * room for where their domain allows preemption. The state is in the store, so a restarted
 * node (or another one) picks up where this one stopped. Returns a function that stops the timer
 * and waits for a run in progress.
 */
export function startCoordinationTimer(
  cp: ControlPlane,
  intervalMs: number,
  onError: (error: unknown) => void,
): () => Promise<void> {
  return startPeriodic(
    intervalMs,
    async () => {
      // Batches until nothing is left, so a backlog drains in one tick.
      while ((await cp.expireLeases()).length > 0);
      while ((await cp.dispatchOffers()).length > 0);
      // Last: a critical item still queued now is one nobody with the skills has room for.
      while ((await cp.preemptForCritical()).length > 0);
    },
    onError,
  );
}
