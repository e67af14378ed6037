import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { DomainError } from '../../src/core/errors.js';
import { GENESIS_HASH } from '../../src/core/hash-chain.js';
import {
  ACTOR_STATUSES,
  type ActorStatus,
  type WorkItem,
  type WorkState,
} from '../../src/core/model.js';
import { SYSTEM } from '../../src/core/principal.js';
import { WORK_ACTIONS, type WorkAction } from '../../src/core/work-transitions.js';
import {
  REQUESTABLE_ACTIONS,
  type RequestableAction,
} from '../../src/coordination/transition-work.js';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import {
  beforeAllOrFail,
  DIALECTS,
  disposeOpened,
  openTestControlPlane,
  type TestControlPlane,
} from '../support/dialects.js';
import { allEvents, allWork, orgModel } from './fixtures.js';

const ACTORS = [
  { id: 'ann', kind: 'human', name: 'Ann', domains: ['ops'], capacity: 1 },
  { id: 'bob', kind: 'agent', name: 'Bob', domains: ['ops'], capacity: 1 },
  { id: 'cat', kind: 'agent', name: 'Cat', domains: ['ops'], capacity: 2 },
] as const;
const ORG = orgModel(ACTORS.map((a) => ({ ...a, domains: [...a.domains] })));
const CAPACITY = new Map<string, number>(ACTORS.map((a) => [a.id, a.capacity]));

type Command =
  | { kind: 'create'; deps: number[] }
  | { kind: 'act'; item: number; action: RequestableAction; actor: number; omitActor: boolean }
  | { kind: 'depend'; item: number; on: number }
  | { kind: 'status'; actor: number; status: ActorStatus };

const index = fc.nat({ max: 1000 });
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      deps: fc.array(index, { maxLength: 2 }),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('act' as const),
      item: index,
      // Assignments more often than other moves, so actors fill up and capacity is tested.
      action: fc.oneof(
        { arbitrary: fc.constant('assign' as const), weight: 1 },
        { arbitrary: fc.constantFrom(...REQUESTABLE_ACTIONS), weight: 3 },
      ),
      actor: fc.nat({ max: ACTORS.length - 1 }),
      // Mostly name the actor; leaving it out is how an offer is accepted.
      omitActor: fc.nat({ max: 3 }).map((n) => n === 0),
    }),
    weight: 8,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('depend' as const), item: index, on: index }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('status' as const),
      actor: fc.nat({ max: ACTORS.length - 1 }),
      status: fc.constantFrom(...ACTOR_STATUSES),
    }),
    weight: 1,
  },
);

const actorAt = (i: number): string => ACTORS[i % ACTORS.length]?.id ?? 'ann';

/** Runs one command; a DomainError is an expected outcome (illegal move, full actor, cycle…). */
async function run(cp: ControlPlane, items: string[], cmd: Command): Promise<string> {
  const pick = (i: number) => items[i % items.length] as string;
  try {
    switch (cmd.kind) {
      case 'create': {
        const dependsOn = items.length === 0 ? [] : cmd.deps.map(pick);
        items.push(
          (await cp.createWork(SYSTEM, { typeId: 'ticket', title: 'generated', dependsOn })).id,
        );
        break;
      }
      case 'act': {
        if (items.length === 0) return 'skipped';
        const needsActor = cmd.action === 'offer' || cmd.action === 'assign';
        const options = needsActor && !cmd.omitActor ? { actorId: actorAt(cmd.actor) } : {};
        await cp.transitionWork(SYSTEM, pick(cmd.item), cmd.action, options);
        break;
      }
      case 'depend':
        if (items.length === 0) return 'skipped';
        await cp.addDependency(SYSTEM, pick(cmd.item), pick(cmd.on));
        break;
      case 'status':
        await cp.setActorStatus(SYSTEM, actorAt(cmd.actor), cmd.status);
        break;
    }
    return 'ok';
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

interface Replayed {
  state: WorkState;
  ownerId: string | null;
  offeredTo: string | null;
  version: number;
  dependsOn: string[];
}

const VERB: Record<WorkAction, string> = {
  offer: 'offered',
  assign: 'assigned',
  start: 'started',
  complete: 'completed',
  complete_stage: 'stage_completed',
  preempt: 'preempted',
  fail: 'failed',
  release: 'released',
  block: 'blocked',
  unblock: 'unblocked',
  pause: 'paused',
  resume: 'resumed',
  retry: 'retried',
  cancel: 'cancelled',
};

/** Rebuilds every item's state, owner, offer, version and dependencies from the log alone. */
async function replay(cp: ControlPlane): Promise<Map<string, Replayed>> {
  const items = new Map<string, Replayed>();
  for (const event of await allEvents(cp)) {
    if (!event.type.startsWith('coordination.work.')) continue;
    const id = event.subject as string;
    const payload = event.payload as Record<string, unknown>;
    if (event.type === 'coordination.work.created') {
      expect(items.has(id), `created twice: ${id}`).toBe(false);
      const dependsOn = [...(payload.dependsOn as string[])];
      items.set(id, {
        state: payload.state as WorkState,
        ownerId: null,
        offeredTo: null,
        version: 1,
        dependsOn,
      });
      continue;
    }
    const item = items.get(id);
    expect(item, `event ${event.seq} (${event.type}) about an item never created`).toBeDefined();
    if (item === undefined) continue;
    item.version += 1;
    if (event.type === 'coordination.work.dependency_added') {
      item.dependsOn.push(payload.dependsOn as string);
      continue;
    }
    // An exception about the item, not a change of it.
    if (event.type === 'coordination.work.retries_exhausted') {
      item.version -= 1;
      continue;
    }
    // Every recorded transition is a legal move of the state machine, from where the item was.
    const action = payload.action as WorkAction;
    expect(event.type).toBe(`coordination.work.${VERB[action]}`);
    expect(payload.from, `event ${event.seq}`).toBe(item.state);
    expect(WORK_ACTIONS[action].from as readonly WorkState[]).toContain(item.state);
    expect(payload.to).toBe(WORK_ACTIONS[action].to);
    item.state = payload.to as WorkState;
    item.ownerId = payload.ownerId as string | null;
    item.offeredTo = payload.offeredTo as string | null;
  }
  return items;
}

async function checkInvariants(cp: ControlPlane): Promise<void> {
  const stored = await allWork(cp);
  const byId = new Map(stored.map((w) => [w.id, w]));

  // (a) Ownership follows state, and no actor holds more than its capacity.
  const held = new Map<string, number>();
  for (const item of stored) {
    const owned = item.state === 'assigned' || item.state === 'in_progress';
    expect(
      item.ownerId !== null,
      `${item.id} is ${item.state} with owner ${item.ownerId ?? 'none'}`,
    ).toBe(owned);
    expect(
      item.offeredTo !== null,
      `${item.id} is ${item.state} offered to ${item.offeredTo ?? 'nobody'}`,
    ).toBe(item.state === 'offered');
    // Held items have a lease, offers a deadline; nothing else has either.
    expect(item.leaseExpiresAt !== null).toBe(owned || item.state === 'offered');
    if (item.ownerId !== null) held.set(item.ownerId, (held.get(item.ownerId) ?? 0) + 1);
  }
  for (const [actorId, capacity] of CAPACITY) {
    const count = held.get(actorId) ?? 0;
    expect(count, `${actorId} holds ${count} of ${capacity}`).toBeLessThanOrEqual(capacity);
    expect((await cp.getActor(SYSTEM, actorId)).held).toBe(count);
  }

  // (b) The log replays to exactly the stored items: no event without its change, none missing.
  const replayed = await replay(cp);
  expect([...replayed.keys()].sort()).toEqual([...byId.keys()].sort());
  for (const [id, expected] of replayed) {
    const item = byId.get(id) as WorkItem;
    expect({
      state: item.state,
      ownerId: item.ownerId,
      offeredTo: item.offeredTo,
      version: item.version,
      dependsOn: [...item.dependsOn],
    }).toEqual({
      ...expected,
      dependsOn: [...expected.dependsOn].sort(),
    });
  }

  // Dependencies stay acyclic, and a blocked item always waits on something unfinished.
  const visiting = new Set<string>();
  const finished = new Set<string>();
  const visit = (id: string): void => {
    expect(visiting.has(id), `dependency cycle through ${id}`).toBe(false);
    if (finished.has(id)) return;
    visiting.add(id);
    for (const dep of byId.get(id)?.dependsOn ?? []) visit(dep);
    visiting.delete(id);
    finished.add(id);
  };
  for (const item of stored) {
    visit(item.id);
    if (item.state === 'blocked') {
      expect(
        item.dependsOn.some((dep) => byId.get(dep)?.state !== 'done'),
        `${item.id} is blocked on nothing`,
      ).toBe(true);
    }
  }

  // (c) The chain verifies to its head.
  expect(await cp.verifyAudit(SYSTEM)).toMatchObject({
    ok: true,
    lastSeq: await cp.latestSeq(SYSTEM),
  });
}

const NUM_RUNS = 25;

for (const dialect of DIALECTS) {
  describe(`random command sequences [${dialect}]`, () => {
    const clock = new ManualClock();
    let t: TestControlPlane;

    // One database per dialect, emptied before each run: creating a PostgreSQL database per run
    // costs a checkpoint's worth of I/O and would dominate the suite's time.
    beforeAllOrFail(async () => {
      t = await openTestControlPlane(dialect, { clock });
    });
    afterAll(disposeOpened);

    async function reset(): Promise<void> {
      await t
        .db()
        .transaction()
        .execute(async (trx) => {
          for (const table of [
            'work_dependencies',
            'work_items',
            'events',
            'actors',
            'domains',
            'work_types',
            'organization',
            'api_tokens',
          ] as const) {
            await trx.deleteFrom(table).execute();
          }
          await trx
            .updateTable('event_chain_head')
            .set({ seq: 0, hash: GENESIS_HASH })
            .where('id', '=', 1)
            .execute();
        });
      clock.set('2026-06-01T00:00:00.000Z');
      await t.cp.applyConfig(SYSTEM, ORG, 'property');
    }

    it(
      'keep ownership, capacity, log replay and the chain consistent',
      { timeout: 120_000 },
      async () => {
        const outcomes = new Map<string, number>();
        await fc.assert(
          fc.asyncProperty(
            fc.array(command, { minLength: 10, maxLength: 40, size: 'max' }),
            async (commands) => {
              await reset();
              // Two items to start with, so early commands have something to act on.
              const items: string[] = [];
              await run(t.cp, items, { kind: 'create', deps: [] });
              await run(t.cp, items, { kind: 'create', deps: [] });
              for (const cmd of commands) {
                clock.advance(1000);
                const outcome = await run(t.cp, items, cmd);
                outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
              }
              await checkInvariants(t.cp);
            },
          ),
          { numRuns: NUM_RUNS },
        );
        // The generator must reach both sides: successful moves and refused ones.
        expect(outcomes.get('ok') ?? 0).toBeGreaterThan(0);
        expect(outcomes.get('illegal_transition') ?? 0).toBeGreaterThan(0);
      },
    );
  });
}
