import type { StoredEvent } from '../../src/core/events.js';
import type { WorkItem } from '../../src/core/model.js';
import { expectJson, type HttpClient } from './http-client.js';

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

async function readAll<T>(client: HttpClient, token: string, path: string): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const url: string = `${path}${separator}limit=1000${cursor === null ? '' : `&after=${cursor}`}`;
    const page: Page<T> = expectJson<Page<T>>(await client.request('GET', url, token), 200, url);
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return all;
}

/** The life every item must have had, and nothing else. */
const LIFE = [
  'coordination.work.created',
  'coordination.work.assigned',
  'coordination.work.started',
  'coordination.work.completed',
] as const;

export interface Outcome {
  items: number;
  events: number;
  chainChecked: number;
  summary: string;
}

/**
 * That no item was won twice, from three sources that must agree: what the claims answered
 * (each item won by one agent), the event log read back through `GET /v1/events` (each item
 * created, assigned to that agent, started and completed by it, exactly once, and nothing else
 * happened to any item), and the items through `GET /v1/work` (all done, none other exists);
 * then `GET /v1/audit/verify` recomputes the hash chain.
 */
export async function verifyOutcome(
  client: HttpClient,
  token: string,
  created: readonly string[],
  wins: ReadonlyMap<string, readonly string[]>,
): Promise<Outcome> {
  const fail = (message: string): never => {
    throw new Error(`check failed: ${message}`);
  };
  const createdSet = new Set(created);
  if (createdSet.size !== created.length) fail('POST /v1/work returned an id twice');
  const winner = new Map<string, string>();
  for (const [agent, ids] of wins) {
    for (const id of ids) {
      const other = winner.get(id);
      if (other !== undefined) fail(`item ${id} was won by ${other} and by ${agent}`);
      if (!createdSet.has(id)) fail(`${agent} won ${id}, which the benchmark did not create`);
      winner.set(id, agent);
    }
  }
  if (winner.size !== created.length)
    fail(`${created.length - winner.size} of ${created.length} items were never won`);

  const events = await readAll<StoredEvent>(client, token, '/v1/events?type=coordination.work.*');
  const seen = new Map<string, StoredEvent[]>();
  for (const event of events) {
    if (event.subject === null || !createdSet.has(event.subject))
      fail(
        `event ${event.seq} (${event.type}) is about ${String(event.subject)}, not an item of the run`,
      );
    const list = seen.get(event.subject as string) ?? [];
    list.push(event);
    seen.set(event.subject as string, list);
  }
  for (const id of created) {
    const life = seen.get(id) ?? [];
    const types = life.map((e) => e.type);
    if (types.join() !== LIFE.join())
      fail(`item ${id} has events [${types.join(', ')}], expected [${LIFE.join(', ')}]`);
    const owner = winner.get(id) as string;
    for (const event of life.slice(1)) {
      const payload = event.payload as { ownerId?: unknown };
      if (event.actor !== owner)
        fail(`${event.type} of ${id} was by ${event.actor}, but ${owner} won the claim`);
      if (event.type !== 'coordination.work.completed' && payload.ownerId !== owner)
        fail(`${event.type} of ${id} names owner ${String(payload.ownerId)}, not ${owner}`);
    }
  }

  const items = await readAll<WorkItem>(client, token, '/v1/work');
  if (items.length !== created.length)
    fail(`GET /v1/work lists ${items.length} items, ${created.length} were created`);
  for (const item of items) {
    if (!createdSet.has(item.id)) fail(`GET /v1/work lists ${item.id}, not created by the run`);
    if (item.state !== 'done') fail(`item ${item.id} is ${item.state}, not done`);
  }

  const chain = expectJson<{ ok: boolean; checked: number; problem: { message: string } | null }>(
    await client.request('GET', '/v1/audit/verify', token),
    200,
    'GET /v1/audit/verify',
  );
  if (!chain.ok) fail(`hash chain broken: ${chain.problem?.message ?? ''}`);

  return {
    items: created.length,
    events: events.length,
    chainChecked: chain.checked,
    summary:
      `no item won twice: ${created.length.toLocaleString('en-US')} items, each won by one claim, created, assigned to ` +
      `that agent, started and completed by it exactly once (${events.length.toLocaleString('en-US')} events read ` +
      `back through GET /v1/events), all done in GET /v1/work; hash chain verified (${chain.checked.toLocaleString('en-US')} events)`,
  };
}
