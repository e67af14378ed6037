/** Never closer together than this, whatever asks: a guard against a wake that keeps recurring. */
const MIN_GAP_MS = 10;

export interface Scheduled {
  /**
   * Asks for a run soon: after `delayMs`, or after four times the last run's duration if that
   * is longer, so that runs asked for by a busy system take at most a fifth of the time.
   */
  poke(delayMs: number): void;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Runs `tick` one run at a time (a slow run delays the next rather than overlapping it): every
 * `intervalMs` at the latest, sooner when the last run returned an earlier moment to look again,
 * or when poked. Failures go to `onError` and the timer carries on.
 */
export function startScheduled(
  intervalMs: number,
  tick: () => Promise<Date | null>,
  onError: (error: unknown) => void,
): Scheduled {
  let timer: NodeJS.Timeout | null = null;
  let dueAt = Infinity;
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  /** The earliest run asked for while one was in progress. */
  let askedAt = Infinity;
  let lastRunMs = 0;
  let stopped = false;

  const schedule = (atMs: number): void => {
    if (stopped) return;
    if (busy) {
      askedAt = Math.min(askedAt, atMs);
      return;
    }
    const at = Math.max(atMs, Date.now() + MIN_GAP_MS);
    if (timer !== null && dueAt <= at) return;
    if (timer !== null) clearTimeout(timer);
    dueAt = at;
    timer = setTimeout(run, at - Date.now());
    timer.unref();
  };

  const run = (): void => {
    timer = null;
    dueAt = Infinity;
    busy = true;
    running = (async () => {
      const started = Date.now();
      let next: Date | null = null;
      try {
        next = await tick();
      } catch (error) {
        onError(error);
      }
      lastRunMs = Date.now() - started;
      busy = false;
      const asked = askedAt;
      askedAt = Infinity;
      // A moment already past is no reason to run again at once: the interval looks again.
      const wake = next !== null && next.getTime() > Date.now() ? next.getTime() : Infinity;
      schedule(Math.min(Date.now() + intervalMs, wake, asked));
    })();
  };

  schedule(Date.now() + intervalMs);
  return {
    poke(delayMs) {
      schedule(Date.now() + Math.max(delayMs, 4 * lastRunMs));
    },
    async stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}
