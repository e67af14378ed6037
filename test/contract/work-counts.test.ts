import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { WORK_STATES, type WorkItem } from '../../src/core/model.js';
import { SYSTEM } from '../../src/core/principal.js';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import {
  beforeAllOrFail,
  DIALECTS,
  disposeOpened,
  openTestControlPlane,
} from '../support/dialects.js';
import { handMadeItem, itemIn, seedOrg } from './fixtures.js';

/** What a board needs from the store: counts per state, and pages newest first. */
for (const dialect of DIALECTS) {
  describe(`work counts and newest-first pages [${dialect}]`, () => {
    let cp: ControlPlane;
    const made: WorkItem[] = [];

    beforeAllOrFail(async () => {
      cp = (await openTestControlPlane(dialect, { clock: new ManualClock() })).cp;
      await seedOrg(cp);
      for (const state of ['queued', 'queued', 'queued', 'assigned', 'done', 'cancelled'] as const)
        made.push(await itemIn(cp, state, state === 'assigned' ? 'bob' : 'ann'));
    });
    afterAll(disposeOpened);

    it('counts every state, zero included', async () => {
      const counts = await cp.countWork(SYSTEM, {});
      expect(Object.keys(counts).sort()).toEqual([...WORK_STATES].sort());
      expect(counts).toMatchObject({ queued: 3, assigned: 1, done: 1, cancelled: 1, failed: 0 });
    });

    it('counts only what the owner and type filters cover', async () => {
      expect(await cp.countWork(SYSTEM, { ownerId: 'bob' })).toMatchObject({
        assigned: 1,
        queued: 0,
      });
      expect(Object.values(await cp.countWork(SYSTEM, { typeId: 'nothing' }))).toEqual(
        WORK_STATES.map(() => 0),
      );
    });

    it('pages newest first, each page continuing after the last id of the one before', async () => {
      const queued = made.filter((item) => item.state === 'queued').map((item) => item.id);
      const first = await cp.listWork(SYSTEM, { state: 'queued', order: 'desc', limit: 2 });
      expect(first.map((item) => item.id)).toEqual([queued[2], queued[1]]);
      const next = await cp.listWork(SYSTEM, {
        state: 'queued',
        order: 'desc',
        after: first.at(-1)?.id,
        limit: 2,
      });
      expect(next.map((item) => item.id)).toEqual([queued[0]]);
      const oldest = await cp.listWork(SYSTEM, { state: 'queued', limit: 1 });
      expect(oldest.map((item) => item.id)).toEqual([queued[0]]);
    });
  });
}

describe('work counts and newest-first pages [memory]', () => {
  it('agree with the SQL stores', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore(clock);
    const base = handMadeItem(clock, 'by hand');
    await store.transaction(async (tx) => {
      await tx.work.insert({ ...base, id: 'w0', state: 'done' } as WorkItem);
      await tx.work.insert({ ...base, id: 'w1' });
      await tx.work.insert({ ...base, id: 'w2', typeId: 'other' });
    });
    expect(await store.read.work.countByState({})).toMatchObject({ queued: 2, done: 1 });
    expect(await store.read.work.countByState({ typeId: 'ticket' })).toMatchObject({
      queued: 1,
      done: 1,
    });
    const desc = await store.read.work.list({ order: 'desc', limit: 2 });
    expect(desc.map((item) => item.id)).toEqual(['w2', 'w1']);
    const after = await store.read.work.list({ order: 'desc', after: 'w1', limit: 2 });
    expect(after.map((item) => item.id)).toEqual(['w0']);
  });
});
