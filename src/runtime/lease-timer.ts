import type { ControlPlane } from './control-plane.js';

/**
 * Every `intervalMs`, re-queues the items whose lease ran out. The state is in the store, so a
 * restarted node (or another one) picks up where this one stopped. Returns a function that
 * stops the timer and waits for a run in progress.
 */
export function startLeaseTimer(
  cp: ControlPlane,
  intervalMs: number,
  onError: (error: unknown) => void,
): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(async () => {
      try {
        // Batches until nothing is left, so a backlog of expired leases drains in one tick.
        while ((await cp.expireLeases()).length > 0);
      } catch (error) {
        onError(error);
      }
    });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
