import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDependency } from '../../src/coordination/add-dependency.js';
import { createWork } from '../../src/coordination/create-work.js';
import { transitionWork } from '../../src/coordination/transition-work.js';
import type { WorkContext } from '../../src/coordination/work-context.js';
import { allowAllWorkGuard } from '../../src/coordination/work-guard.js';
import { applyOrgConfig } from '../../src/core/apply-org-config.js';
import { ManualClock } from '../../src/core/clock.js';
import type { WorkItem } from '../../src/core/model.js';
import type { TxStores } from '../../src/core/ports/store.js';
import { SYSTEM } from '../../src/core/principal.js';
import { DIALECTS, disposeOpened, openTestStore, type TestStore } from '../support/dialects.js';
import { orgModel } from './fixtures.js';

/**
 * A dependency decided in one transaction while its prerequisite completes in another. The
 * waiting transaction is held open at a gate, the completing one runs meanwhile; the gate opens
 * once the completion commits, or after a pause if the completion has to wait for a lock (which
 * is the correct behaviour). Whatever the interleaving, an item must never stay blocked on
 * prerequisites that are all done: nothing would ever unblock it again.
 */
for (const dialect of DIALECTS) {
  describe(`dependencies under concurrent completion [${dialect}]`, () => {
    const clock = new ManualClock();
    let t: TestStore;

    beforeEach(async () => {
      t = await openTestStore(dialect, clock);
      await t.store.transaction((tx) => applyOrgConfig(tx, clock, 'test', orgModel(), 'test'));
    });
    afterEach(disposeOpened);

    const ctx = (tx: TxStores): WorkContext => ({
      tx,
      clock,
      principal: SYSTEM,
      guard: allowAllWorkGuard,
      leaseSeconds: 300,
      offerSeconds: 120,
    });
    const write = async <T>(fn: (c: WorkContext) => Promise<T>): Promise<T> =>
      (await t.store.transaction((tx) => fn(ctx(tx)))).result;

    const inProgress = async (): Promise<WorkItem> => {
      const item = await write((c) => createWork(c, { typeId: 'ticket', title: 'prerequisite' }));
      await write((c) => transitionWork(c, item.id, 'assign', { actorId: 'ann' }));
      return write((c) => transitionWork(c, item.id, 'start'));
    };

    /** Runs `decide` in a transaction held open while `prerequisite` is completed alongside. */
    async function race(
      prerequisite: WorkItem,
      decide: (c: WorkContext) => Promise<WorkItem>,
    ): Promise<WorkItem> {
      let reached!: () => void;
      const atGate = new Promise<void>((resolve) => (reached = resolve));
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const deciding = write(async (c) => {
        const item = await decide(c);
        reached();
        await gate;
        return item;
      });
      await atGate;
      const completing = write((c) => transitionWork(c, prerequisite.id, 'complete'));
      await Promise.race([completing.catch(() => undefined), sleep(300)]);
      open();
      const [decided] = await Promise.all([deciding, completing]);
      return decided;
    }

    it('does not leave an item created on a completing prerequisite blocked for ever', async () => {
      const prerequisite = await inProgress();
      const created = await race(prerequisite, (c) =>
        createWork(c, { typeId: 'ticket', title: 'waiting', dependsOn: [prerequisite.id] }),
      );
      expect((await t.store.read.work.get(prerequisite.id))?.state).toBe('done');
      expect(
        (await t.store.read.work.get(created.id))?.state,
        'blocked although its only dependency is done',
      ).toBe('queued');
    });

    it('does not leave an item that gained a completing prerequisite blocked for ever', async () => {
      const prerequisite = await inProgress();
      const item = await write((c) => createWork(c, { typeId: 'ticket', title: 'waiting' }));
      await race(prerequisite, (c) => addDependency(c, item.id, prerequisite.id));
      expect((await t.store.read.work.get(prerequisite.id))?.state).toBe('done');
      expect(
        (await t.store.read.work.get(item.id))?.state,
        'blocked although its only dependency is done',
      ).toBe('queued');
    });
  });
}
