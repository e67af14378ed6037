import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { WorkItem } from '../../src/core/model.js';
import type { TxStores } from '../../src/core/ports/store.js';
import { verifyAuditLog } from '../../src/supervision/verify-audit-log.js';
import {
  beforeAllOrFail,
  disposeOpened,
  openTestStore,
  type TestStore,
} from '../support/dialects.js';
import { handMadeItem, orgModel } from './fixtures.js';
import { applyOrgConfig } from '../../src/core/apply-org-config.js';

const clock = new ManualClock('2026-04-01T08:00:00.000Z');

const item = (title: string): WorkItem => handMadeItem(clock, title);

/** Resolves when both sides have arrived. */
function barrier(): () => Promise<void> {
  let arrived = 0;
  let release: () => void = () => undefined;
  const all = new Promise<void>((resolve) => {
    release = resolve;
  });
  return async () => {
    arrived += 1;
    if (arrived === 2) release();
    await all;
  };
}

// PostgreSQL only: SQLite transactions take the database's write lock up front and never deadlock.
describe('transactions that deadlock on PostgreSQL', () => {
  let t: TestStore;
  let a: WorkItem;
  let b: WorkItem;

  beforeAllOrFail(async () => {
    t = await openTestStore('postgres', clock);
    await t.store.transaction((tx) => applyOrgConfig(tx, clock, 'test', orgModel(), 'test'));
    a = item('a');
    b = item('b');
    await t.store.transaction(async (tx) => {
      await tx.work.insert(a);
      await tx.work.insert(b);
    });
  });
  afterAll(disposeOpened);

  it('are retried: one is aborted by the server, runs again, and both commit', async () => {
    const bothLockedFirst = barrier();
    const runs = { forward: 0, backward: 0 };
    // Each bumps both items' versions and records an event, locking them in opposite orders.
    const bump =
      (first: WorkItem, second: WorkItem, name: 'forward' | 'backward') => async (tx: TxStores) => {
        runs[name] += 1;
        const x = await tx.work.getForUpdate(first.id);
        if (runs[name] === 1) await bothLockedFirst();
        const y = await tx.work.getForUpdate(second.id);
        for (const current of [x, y]) {
          if (current === null) throw new Error('missing item');
          await tx.work.update({ ...current, version: current.version + 1 });
        }
        tx.events.append({
          type: 'coordination.work.dependency_added',
          actor: 'test',
          subject: first.id,
          payload: { dependsOn: second.id },
        });
      };
    await Promise.all([
      t.store.transaction(bump(a, b, 'forward')),
      t.store.transaction(bump(b, a, 'backward')),
    ]);
    // One of them deadlocked and ran a second time; both changes are in, once each.
    expect(runs.forward + runs.backward).toBe(3);
    const [storedA, storedB] = await Promise.all([
      t.store.read.work.get(a.id),
      t.store.read.work.get(b.id),
    ]);
    expect(storedA?.version).toBe(3);
    expect(storedB?.version).toBe(3);
    expect((await verifyAuditLog(t.store.read.events)).ok).toBe(true);
  });
});
