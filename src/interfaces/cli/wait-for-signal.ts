export interface SignalWait {
  /** Resolves with the first of the signals received. */
  received: Promise<NodeJS.Signals>;
  /** Aborted when a signal arrives, for loops and sleeps that should stop with it. */
  signal: AbortSignal;
  /** Stops listening; a later Ctrl-C gets Node's default behavior (exit) again. */
  dispose(): void;
}

/**
 * Listens for termination signals so long-running commands can shut down cleanly instead of
 * being killed. Only the first signal is handled: the listeners go away with it, so a second
 * Ctrl-C during a stuck shutdown still ends the process.
 */
export function waitForSignal(
  signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'],
): SignalWait {
  const controller = new AbortController();
  let resolve: (signal: NodeJS.Signals) => void = () => undefined;
  const received = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const dispose = () => {
    for (const name of signals) process.off(name, onSignal);
  };
  function onSignal(name: NodeJS.Signals): void {
    dispose();
    controller.abort();
    resolve(name);
  }
  for (const name of signals) process.on(name, onSignal);
  return { received, signal: controller.signal, dispose };
}
