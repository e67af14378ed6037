/**
 * Measuring through the engine: every claim, start and completion is a ControlPlane call as the
 * SYSTEM principal, one transaction each, with its event. Work is done in rounds that take at
 * most a tenth of the backlog; between rounds (untimed) the items claimed are finished and as
 * many new ones of the same types are queued, so the backlog stays at its size throughout.
 */
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import { SYSTEM } from '../../src/core/principal.js';

export interface Claimer {
  cp: ControlPlane;
  /** The actors this claimer claims for, in turn. */
  agents: readonly string[];
}

export interface ClaimResult {
  claims: number;
  /** Wall time of the claiming bursts, without the untimed work between rounds. */
  seconds: number;
  latenciesNs: number[];
}

export interface CycleResult {
  cycles: number;
  seconds: number;
  rounds: number;
  /** Each step of each cycle, timed: where a cycle's time goes. */
  stepsNs: { claim: number[]; start: number[]; complete: number[] };
}

/** Queues new items of these types (untimed). */
export type Refill = (typeIds: readonly string[]) => Promise<void>;

interface Claimed {
  id: string;
  typeId: string;
}

async function claim(claimer: Claimer, turn: number): Promise<Claimed> {
  const actorId = claimer.agents[turn % claimer.agents.length] as string;
  const outcome = await claimer.cp.claimWork(SYSTEM, actorId);
  if (outcome.claimed === null) {
    // The refills keep every type's queue at its size: this is a benchmark fault, not a result.
    throw new Error(`claim for '${actorId}' found nothing (${outcome.reason}): ${outcome.message}`);
  }
  return { id: outcome.claimed.id, typeId: outcome.claimed.typeId };
}

async function finish(cp: ControlPlane, id: string): Promise<void> {
  await cp.transitionWork(SYSTEM, id, 'start');
  await cp.transitionWork(SYSTEM, id, 'complete');
}

/** Each claimer's next turn: which of its actors claims next. */
function turnCounter(claimers: number): (claimer: number) => number {
  const turns = new Array<number>(claimers).fill(0);
  return (claimer) => {
    const turn = turns[claimer] ?? 0;
    turns[claimer] = turn + 1;
    return turn;
  };
}

/** Splits `n` as evenly as possible over `k`. */
const shares = (n: number, k: number) =>
  Array.from({ length: k }, (_, i) => Math.floor(n / k) + (i < n % k ? 1 : 0));

/**
 * `total` claims, back to back on each claimer (all claimers at once), each timed. Claimed
 * items are started and completed between rounds, untimed, so capacities stay free.
 */
export async function measureClaims(
  claimers: readonly Claimer[],
  total: number,
  roundSize: number,
  refill: Refill,
): Promise<ClaimResult> {
  const latenciesNs: number[] = [];
  let burstNs = 0n;
  let done = 0;
  const turn = turnCounter(claimers.length);
  while (done < total) {
    const n = Math.min(roundSize, total - done);
    const start = process.hrtime.bigint();
    const claimed = await Promise.all(
      shares(n, claimers.length).map(async (count, c) => {
        const claimer = claimers[c] as Claimer;
        const mine: Claimed[] = [];
        for (let i = 0; i < count; i += 1) {
          const t = process.hrtime.bigint();
          mine.push(await claim(claimer, turn(c)));
          latenciesNs.push(Number(process.hrtime.bigint() - t));
        }
        return mine;
      }),
    );
    burstNs += process.hrtime.bigint() - start;
    await Promise.all(
      claimed.map(async (mine, c) => {
        for (const item of mine) await finish((claimers[c] as Claimer).cp, item.id);
      }),
    );
    await refill(claimed.flat().map((item) => item.typeId));
    done += n;
  }
  return { claims: done, seconds: Number(burstNs) / 1e9, latenciesNs };
}

/**
 * claim → start → complete cycles on every claimer at once, for `seconds` of timed rounds: a
 * round ends after `roundSize` cycles or when the time is up, whichever comes first.
 */
export async function measureCycles(
  claimers: readonly Claimer[],
  seconds: number,
  roundSize: number,
  refill: Refill,
): Promise<CycleResult> {
  let timedNs = 0n;
  let cycles = 0;
  let rounds = 0;
  const turn = turnCounter(claimers.length);
  const budgetNs = BigInt(Math.round(seconds * 1e9));
  const stepsNs: CycleResult['stepsNs'] = { claim: [], start: [], complete: [] };
  const timed = async <T>(samples: number[], fn: () => Promise<T>): Promise<T> => {
    const t = process.hrtime.bigint();
    const result = await fn();
    samples.push(Number(process.hrtime.bigint() - t));
    return result;
  };
  while (timedNs < budgetNs) {
    const start = process.hrtime.bigint();
    const deadline = start + budgetNs - timedNs;
    const claimed = await Promise.all(
      shares(roundSize, claimers.length).map(async (count, c) => {
        const claimer = claimers[c] as Claimer;
        const types: string[] = [];
        while (types.length < count && process.hrtime.bigint() < deadline) {
          const item = await timed(stepsNs.claim, () => claim(claimer, turn(c)));
          await timed(stepsNs.start, () => claimer.cp.transitionWork(SYSTEM, item.id, 'start'));
          await timed(stepsNs.complete, () =>
            claimer.cp.transitionWork(SYSTEM, item.id, 'complete'),
          );
          types.push(item.typeId);
        }
        return types;
      }),
    );
    timedNs += process.hrtime.bigint() - start;
    const taken = claimed.flat();
    cycles += taken.length;
    rounds += 1;
    await refill(taken);
  }
  return { cycles, seconds: Number(timedNs) / 1e9, rounds, stepsNs };
}
