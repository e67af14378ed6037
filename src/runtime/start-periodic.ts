/**
 * Runs `tick` every `intervalMs`, one run at a time (a slow run delays the next rather than
 * overlapping it), reporting failures to `onError` and carrying on. Returns a function that stops
 * the timer and waits for a run in progress.
 */
export function startPeriodic(
  intervalMs: number,
  tick: () => Promise<void>,
  onError: (error: unknown) => void,
): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(async () => {
      try {
        await tick();
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
