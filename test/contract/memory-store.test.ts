import { describe, expect, it } from 'vitest';
import { claimWork } from '../../src/coordination/claim-work.js';
import { createWork } from '../../src/coordination/create-work.js';
import { transitionWork } from '../../src/coordination/transition-work.js';
import type { WorkContext } from '../../src/coordination/work-context.js';
import { allowAllWorkGuard } from '../../src/coordination/work-guard.js';
import { applyOrgConfig } from '../../src/core/apply-org-config.js';
import { ManualClock } from '../../src/core/clock.js';
import { verifyChain } from '../../src/core/hash-chain.js';
import { orgConfigSchema, toOrgModel } from '../../src/core/org-config.js';
import type { TxStores } from '../../src/core/ports/store.js';
import { SYSTEM } from '../../src/core/principal.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';

const ORG = toOrgModel(
  orgConfigSchema.parse({
    apiVersion: 'autonomy/v1',
    kind: 'Organization',
    metadata: { name: 'Acme' },
    domains: [{ id: 'ops', name: 'Ops' }],
    actors: [
      { id: 'ann', kind: 'human', name: 'Ann', skills: { triage: 3 }, capacity: 2 },
      { id: 'bob', kind: 'agent', name: 'Bob', skills: { triage: 2 }, capacity: 5 },
    ],
    workTypes: [
      {
        id: 'ticket',
        domain: 'ops',
        name: 'Ticket',
        requiredSkills: { triage: 2 },
        expectedDuration: '30m',
        sla: '4h',
      },
      { id: 'audit', domain: 'ops', name: 'Audit', expectedDuration: '1h', sla: '1d' },
    ],
  }),
);

async function setup() {
  const clock = new ManualClock('2026-03-02T09:00:00Z');
  const store = new MemoryStore(clock);
  await store.transaction((tx) => applyOrgConfig(tx, clock, 'test', ORG, 'test'));
  const ctx = (tx: TxStores): WorkContext => ({
    tx,
    clock,
    principal: SYSTEM,
    guard: allowAllWorkGuard,
    leaseSeconds: 300,
    offerSeconds: 120,
  });
  const run = async <T>(fn: (c: WorkContext) => Promise<T>) =>
    (await store.transaction((tx) => fn(ctx(tx)))).result;
  return { clock, store, run };
}

describe('MemoryStore', () => {
  it('runs the coordination engine: claims take the best item of the types the actor can do', async () => {
    const { clock, run } = await setup();
    const low = await run((c) =>
      createWork(c, { typeId: 'ticket', title: 'a', priorityClass: 'low' }),
    );
    clock.advance(1000);
    const high = await run((c) =>
      createWork(c, { typeId: 'audit', title: 'b', priorityClass: 'high' }),
    );
    const first = await run((c) => claimWork(c, 'bob'));
    expect(first.claimed?.id).toBe(high.id);
    const second = await run((c) => claimWork(c, 'bob'));
    expect(second.claimed?.id).toBe(low.id);
    const none = await run((c) => claimWork(c, 'bob'));
    expect(none).toMatchObject({ claimed: null, reason: 'no_queued_work' });
  });

  it('undoes every write of a transaction that throws, indexes included', async () => {
    const { store, run } = await setup();
    const item = await run((c) => createWork(c, { typeId: 'ticket', title: 'a' }));
    const before = await store.read.events.head();
    await expect(
      run(async (c) => {
        await transitionWork(c, item.id, 'assign', { actorId: 'ann' });
        await createWork(c, { typeId: 'ticket', title: 'never' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.read.work.get(item.id)).toMatchObject({ state: 'queued', version: 1 });
    expect(await store.read.work.countHeldBy('ann')).toBe(0);
    expect(await store.read.work.list({ limit: 10 })).toHaveLength(1);
    expect(await store.read.events.head()).toEqual(before);
    // The queue index was restored too: the item can still be claimed.
    expect((await run((c) => claimWork(c, 'ann'))).claimed?.id).toBe(item.id);
  });

  it('passes over items the actor failed, and refuses assignments beyond capacity', async () => {
    const { run } = await setup();
    const a = await run((c) => createWork(c, { typeId: 'ticket', title: 'a' }));
    await run(async (c) => {
      await transitionWork(c, a.id, 'assign', { actorId: 'ann' });
      await transitionWork(c, a.id, 'fail');
    });
    expect((await run((c) => claimWork(c, 'ann'))).claimed).toBeNull();
    expect((await run((c) => claimWork(c, 'bob'))).claimed?.id).toBe(a.id);
    const b = await run((c) => createWork(c, { typeId: 'audit', title: 'b' }));
    const d = await run((c) => createWork(c, { typeId: 'audit', title: 'd' }));
    const e = await run((c) => createWork(c, { typeId: 'audit', title: 'e' }));
    await run((c) => transitionWork(c, b.id, 'assign', { actorId: 'ann' }));
    await run((c) => transitionWork(c, d.id, 'assign', { actorId: 'ann' }));
    await expect(
      run((c) => transitionWork(c, e.id, 'assign', { actorId: 'ann' })),
    ).rejects.toMatchObject({ code: 'capacity_exceeded' });
  });

  it('chains its events as the SQL stores do, and they verify', async () => {
    const { store, run } = await setup();
    const item = await run((c) => createWork(c, { typeId: 'ticket', title: 'a' }));
    await run((c) => transitionWork(c, item.id, 'cancel'));
    const events = await store.read.events.list({ limit: 100 });
    const result = await verifyChain(events, await store.read.events.head());
    expect(result).toMatchObject({ ok: true, checked: events.length });
    expect(
      await store.read.events.list({ types: ['coordination.work.*'], limit: 10 }),
    ).toHaveLength(2);
  });

  it('unblocks dependents when their last prerequisite is done', async () => {
    const { store, run } = await setup();
    const a = await run((c) => createWork(c, { typeId: 'audit', title: 'a' }));
    const b = await run((c) => createWork(c, { typeId: 'audit', title: 'b', dependsOn: [a.id] }));
    expect(b.state).toBe('blocked');
    expect(await store.read.work.dependentsOf(a.id)).toEqual([b.id]);
    await run(async (c) => {
      await transitionWork(c, a.id, 'assign', { actorId: 'ann' });
      await transitionWork(c, a.id, 'start');
      await transitionWork(c, a.id, 'complete');
    });
    expect(await store.read.work.get(b.id)).toMatchObject({ state: 'queued' });
  });
});

describe('MemoryStore actors', () => {
  it('lists what is stored after a write and after a rollback (the sorted list is kept between writes)', async () => {
    const { store, run } = await setup();
    const statuses = async () =>
      (await store.read.actors.list()).map((a) => `${a.id}:${a.status}`).join(' ');
    expect(await statuses()).toBe('ann:available bob:available');
    await run((c) => c.tx.actors.setStatus('bob', 'away'));
    expect(await statuses()).toBe('ann:available bob:away');
    await expect(
      run(async (c) => {
        await c.tx.actors.setStatus('ann', 'offline');
        expect(await statuses()).toBe('ann:offline bob:away');
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await statuses()).toBe('ann:available bob:away');
    expect(await store.read.actors.list({ status: 'away' })).toMatchObject([{ id: 'bob' }]);
  });
});

describe('MemoryStore transactions', () => {
  it('run one at a time, in the order they were asked for', async () => {
    const { store } = await setup();
    const log: string[] = [];
    const step = (name: string) =>
      store.transaction(async () => {
        log.push(`${name} begins`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        log.push(`${name} ends`);
      });
    await Promise.all([step('a'), step('b'), step('c')]);
    expect(log).toEqual(['a begins', 'a ends', 'b begins', 'b ends', 'c begins', 'c ends']);
  });
});
