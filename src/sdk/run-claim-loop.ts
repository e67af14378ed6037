import type { WorkItem } from '../core/model.js';
import type { AutonomyClient } from './autonomy-client.js';
import type { ApiProblem } from './result.js';

/** What a handler did with an item: the loop reports it to the control plane. */
export type WorkOutcome =
  | { outcome: 'complete'; reason?: string }
  | { outcome: 'fail'; reason: string }
  | { outcome: 'release'; reason?: string }
  /** The handler reported the outcome itself (with an approval, say). */
  | { outcome: 'reported' };

export interface WorkHandlerContext {
  item: WorkItem;
  client: AutonomyClient;
  /**
   * Aborted when the item is no longer the agent's to work on (a heartbeat was refused: the
   * agent was halted, its token revoked) or the loop is stopping.
   */
  signal: AbortSignal;
}

/** What the loop did, for logs and tests. */
export type LoopEvent =
  | { type: 'claimed'; item: WorkItem }
  | { type: 'idle'; reason: string; waitMs: number }
  | { type: 'reported'; item: WorkItem; outcome: WorkOutcome['outcome'] }
  | { type: 'refused'; problem: ApiProblem; waitMs: number }
  | { type: 'handler_failed'; item: WorkItem; error: unknown };

export interface ClaimLoopOptions {
  handle(context: WorkHandlerContext): Promise<WorkOutcome>;
  /** Stops the loop (after the item in hand is reported). */
  signal?: AbortSignal;
  /** How often to heartbeat while working; keep it well under the lease (default 30 s). */
  heartbeatMs?: number;
  /** The first wait when there is no work or a claim is refused; doubles up to `maxIdleMs`. */
  idleMs?: number;
  maxIdleMs?: number;
  /** Stop after this many items (default: run until the signal). */
  maxItems?: number;
  onEvent?: (event: LoopEvent) => void;
}

export interface LoopSummary {
  completed: number;
  failed: number;
  released: number;
  /** Items whose handler reported the outcome itself. */
  selfReported: number;
  /** Why the loop ended: the signal, `maxItems`, or a token the control plane no longer accepts. */
  stoppedBy: 'signal' | 'max_items' | 'unauthenticated';
}

/**
 * The agent's pull loop: claim the best item it can do, start it, keep its lease alive with
 * heartbeats while the handler works, and report the outcome (a handler that throws fails the
 * item with the error's message). With nothing to do, or while the control plane refuses
 * (a halt, a paused class), it waits, doubling the wait up to a bound, so a halted agent does
 * not hammer the server. It stops on the signal, after `maxItems`, or when its token is refused.
 */
export async function runClaimLoop(
  client: AutonomyClient,
  options: ClaimLoopOptions,
): Promise<LoopSummary> {
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const firstIdle = options.idleMs ?? 1_000;
  const maxIdle = options.maxIdleMs ?? 30_000;
  const emit = options.onEvent ?? (() => undefined);
  const summary: LoopSummary = {
    completed: 0,
    failed: 0,
    released: 0,
    selfReported: 0,
    stoppedBy: 'signal',
  };
  let idle = firstIdle;
  const handled = () =>
    summary.completed + summary.failed + summary.released + summary.selfReported;

  while (options.signal?.aborted !== true) {
    if (options.maxItems !== undefined && handled() >= options.maxItems) {
      summary.stoppedBy = 'max_items';
      break;
    }
    const claim = await client.claim();
    if (!claim.ok) {
      if (claim.problem.status === 401) {
        summary.stoppedBy = 'unauthenticated';
        break;
      }
      emit({ type: 'refused', problem: claim.problem, waitMs: idle });
      await sleep(idle, options.signal);
      idle = Math.min(idle * 2, maxIdle);
      continue;
    }
    if (claim.value.item === null) {
      emit({ type: 'idle', reason: claim.value.reason, waitMs: idle });
      await sleep(idle, options.signal);
      idle = Math.min(idle * 2, maxIdle);
      continue;
    }
    idle = firstIdle;
    const item = claim.value.item;
    emit({ type: 'claimed', item });
    const outcome = await work(client, item, options, heartbeatMs, emit);
    if (outcome === null) continue;
    const reported = await report(client, item, outcome);
    if (reported) {
      const counter = COUNTERS[outcome.outcome];
      summary[counter] += 1;
      emit({ type: 'reported', item, outcome: outcome.outcome });
    }
  }
  return summary;
}

const COUNTERS = {
  complete: 'completed',
  fail: 'failed',
  release: 'released',
  reported: 'selfReported',
} as const satisfies Record<WorkOutcome['outcome'], keyof LoopSummary>;

/** Starts the item and runs the handler under heartbeats; null when the item was lost. */
async function work(
  client: AutonomyClient,
  item: WorkItem,
  options: ClaimLoopOptions,
  heartbeatMs: number,
  emit: (event: LoopEvent) => void,
): Promise<WorkOutcome | null> {
  const lost = new AbortController();
  const stop = () => {
    lost.abort();
  };
  options.signal?.addEventListener('abort', stop, { once: true });
  const beat = setInterval(() => {
    void client.heartbeat().then((answer) => {
      // A refused heartbeat (halted, revoked, gone) means the work is no longer ours.
      if (!answer.ok && answer.problem.status >= 400 && answer.problem.status < 500) stop();
    });
  }, heartbeatMs);
  try {
    let current = item;
    if (item.state === 'assigned') {
      const started = await client.start(item.id);
      if (!started.ok) return null;
      current = started.value;
    }
    // A first sign of life as work begins: monitoring judges silence from here.
    await client.heartbeat();
    try {
      return await options.handle({ item: current, client, signal: lost.signal });
    } catch (error) {
      emit({ type: 'handler_failed', item: current, error });
      return { outcome: 'fail', reason: error instanceof Error ? error.message : String(error) };
    }
  } finally {
    clearInterval(beat);
    options.signal?.removeEventListener('abort', stop);
  }
}

async function report(
  client: AutonomyClient,
  item: WorkItem,
  outcome: WorkOutcome,
): Promise<boolean> {
  const reason = 'reason' in outcome ? outcome.reason : undefined;
  switch (outcome.outcome) {
    case 'reported':
      return true;
    case 'complete':
      return (await client.complete(item.id, reason === undefined ? {} : { reason })).ok;
    case 'fail':
      return (await client.fail(item.id, outcome.reason)).ok;
    case 'release':
      return (await client.release(item.id, reason)).ok;
  }
}

/** Waits `ms`, or less when the signal stops the loop. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted === true) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
