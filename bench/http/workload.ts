/**
 * The workload, as HTTP clients run it: items created with a number of requests in flight, then
 * agents pulling work (claim → start → complete, until the server answers 204) in parallel.
 * Every call is timed from the request to the last byte of the response.
 */
import type { WorkItem } from '../../src/core/model.js';
import { expectJson, type HttpClient } from './http-client.js';
import type { WorkBodies } from './org.js';

export interface Agent {
  id: string;
  token: string;
}

export type Call = 'create' | 'claim' | 'start' | 'complete';

/** Latencies in nanoseconds, per call. */
export type Latencies = Record<Call, number[]>;

export const emptyLatencies = (): Latencies => ({ create: [], claim: [], start: [], complete: [] });

async function timed<T>(samples: number[], call: () => Promise<T>): Promise<T> {
  const start = process.hrtime.bigint();
  const result = await call();
  samples.push(Number(process.hrtime.bigint() - start));
  return result;
}

export interface Created {
  ids: string[];
  seconds: number;
}

/**
 * `count` items through `POST /v1/work`, `inFlight` requests at a time, each sent with the
 * token of one agent in turn (agents create work too).
 */
export async function createItems(
  client: HttpClient,
  agents: readonly Agent[],
  bodies: WorkBodies,
  count: number,
  inFlight: number,
  latencies: Latencies,
): Promise<Created> {
  const ids: string[] = new Array<string>(count);
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    for (let n = next++; n < count; n = next++) {
      const agent = agents[n % agents.length] as Agent;
      const response = await timed(latencies.create, () =>
        client.request('POST', '/v1/work', agent.token, bodies.next(n)),
      );
      const item = expectJson<WorkItem>(response, 201, 'POST /v1/work');
      if (item.state !== 'queued') throw new Error(`new item ${item.id} is ${item.state}`);
      ids[n] = item.id;
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  return { ids, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

export interface Cycled {
  /** The items each agent won, by agent id. */
  wins: Map<string, string[]>;
  seconds: number;
  /** Claims answered 204, one per agent when it found the queue empty. */
  emptyClaims: number;
}

/**
 * Every agent at once: claim, start and complete what it got, until a claim finds nothing
 * queued (204 with reason `no_queued_work`; any other reason is a failure: the agents hold one
 * item at a time, are available and have the skills).
 */
export async function cycleUntilEmpty(
  client: HttpClient,
  agents: readonly Agent[],
  latencies: Latencies,
): Promise<Cycled> {
  const wins = new Map<string, string[]>(agents.map((a) => [a.id, []]));
  let emptyClaims = 0;
  const started = process.hrtime.bigint();
  const loop = async (agent: Agent) => {
    const won = wins.get(agent.id) as string[];
    for (;;) {
      const claim = await timed(latencies.claim, () =>
        client.request('POST', '/v1/work/claim', agent.token),
      );
      if (claim.status === 204) {
        const reason = claim.headers['autonomy-no-work-reason'];
        if (reason !== 'no_queued_work')
          throw new Error(`claim for ${agent.id}: 204 with reason ${String(reason)}`);
        emptyClaims += 1;
        return;
      }
      const item = expectJson<WorkItem>(claim, 200, `claim for ${agent.id}`);
      if (item.state !== 'assigned' || item.ownerId !== agent.id)
        throw new Error(
          `claim for ${agent.id} returned ${item.id} ${item.state} owned by ${String(item.ownerId)}`,
        );
      won.push(item.id);
      for (const [action, call] of [
        ['start', 'in_progress'],
        ['complete', 'done'],
      ] as const) {
        const response = await timed(latencies[action], () =>
          client.request('POST', `/v1/work/${item.id}/${action}`, agent.token),
        );
        const after = expectJson<WorkItem>(response, 200, `${action} ${item.id}`);
        if (after.state !== call) throw new Error(`${action} ${item.id}: now ${after.state}`);
      }
    }
  };
  await Promise.all(agents.map(loop));
  return { wins, seconds: Number(process.hrtime.bigint() - started) / 1e9, emptyClaims };
}
