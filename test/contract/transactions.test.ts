import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyOrgConfig } from '../../src/core/apply-org-config.js';
import { ManualClock } from '../../src/core/clock.js';
import type { EventType, NewEvent } from '../../src/core/events.js';
import type { WorkItem } from '../../src/core/model.js';
import { verifyAuditLog } from '../../src/supervision/verify-audit-log.js';
import { DIALECTS, disposeOpened, openTestStore, type TestStore } from '../support/dialects.js';
import { handMadeItem, orgModel } from './fixtures.js';

const clock = new ManualClock('2026-02-01T12:00:00.000Z');

const queuedItem = (): WorkItem => handMadeItem(clock, 'Written by hand');

/** The same item, paused, with the version a writer would give it. */
const pausedAs = (item: WorkItem, version: number): WorkItem => ({
  ...item,
  state: 'paused',
  ownerId: null,
  offeredTo: null,
  leaseExpiresAt: null,
  version,
});

const createdEvent = (item: WorkItem): NewEvent => ({
  type: 'coordination.work.created',
  actor: 'test',
  subject: item.id,
  payload: {
    typeId: item.typeId,
    title: item.title,
    value: item.value,
    dueAt: item.dueAt,
    priorityClass: item.priorityClass,
    dependsOn: [],
    state: item.state,
  },
});

for (const dialect of DIALECTS) {
  describe(`transactions [${dialect}]`, () => {
    let t: TestStore;

    beforeEach(async () => {
      t = await openTestStore(dialect, clock);
      await t.store.transaction((tx) => applyOrgConfig(tx, clock, 'test', orgModel(), 'test'));
    });
    afterEach(disposeOpened);

    const countRows = async (table: 'events' | 'work_items' | 'work_dependencies') =>
      Number(
        (
          await t.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    /** Everything a rolled-back transaction could have left behind. */
    const observe = async () => ({
      head: await t.store.read.events.head(),
      events: await countRows('events'),
      items: await countRows('work_items'),
      dependencies: await countRows('work_dependencies'),
      actors: await t.store.read.actors.list(),
    });

    it('commits a state change and its events together, returning the stored events', async () => {
      const item = queuedItem();
      const head = await t.store.read.events.head();
      const { result, events } = await t.store.transaction(async (tx) => {
        await tx.work.insert(item);
        tx.events.append(createdEvent(item));
        return 'ok';
      });
      expect(result).toBe('ok');
      expect(await t.store.read.work.get(item.id)).toEqual(item);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        seq: (head?.seq ?? 0) + 1,
        prevHash: head?.hash,
        subject: item.id,
      });
      expect(await t.store.read.events.list({ subject: item.id, limit: 10 })).toEqual(events);
      expect(await t.store.read.events.head()).toEqual({
        seq: events[0]?.seq,
        hash: events[0]?.hash,
      });
    });

    it('leaves neither the row nor the event when the use case throws after appending', async () => {
      const before = await observe();
      const item = queuedItem();
      await expect(
        t.store.transaction(async (tx) => {
          await tx.work.insert({ ...item, dependsOn: ['w_other'] });
          await tx.actors.setStatus('ann', 'offline');
          tx.events.append(createdEvent(item));
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await t.store.read.work.get(item.id)).toBeNull();
      expect(await t.store.read.events.list({ subject: item.id, limit: 10 })).toEqual([]);
      expect(await observe()).toEqual(before);
    });

    it('commits transactions that run at once, and fails each failing one alone', async () => {
      const before = await observe();
      const items = Array.from({ length: 12 }, (_, i) => handMadeItem(clock, `At once ${i}`));
      const outcomes = await Promise.allSettled(
        items.map((item, i) =>
          t.store.transaction(async (tx) => {
            await tx.work.insert(item);
            tx.events.append(createdEvent(item));
            // Every third one fails after writing: its row and event must go, the others stay.
            if (i % 3 === 1) throw new Error(`refused ${i}`);
            return i;
          }),
        ),
      );
      const seqs: number[] = [];
      for (const [i, outcome] of outcomes.entries()) {
        const item = items[i] as WorkItem;
        if (i % 3 === 1) {
          expect(outcome).toMatchObject({
            status: 'rejected',
            reason: { message: `refused ${i}` },
          });
          expect(await t.store.read.work.get(item.id)).toBeNull();
          expect(await t.store.read.events.list({ subject: item.id, limit: 10 })).toEqual([]);
        } else {
          expect(outcome).toMatchObject({ status: 'fulfilled', value: { result: i } });
          if (outcome.status === 'fulfilled') seqs.push(...outcome.value.events.map((e) => e.seq));
          expect(await t.store.read.work.get(item.id)).toEqual(item);
        }
      }
      // One gapless run of sequence numbers after the head, in a chain that verifies.
      const first = (before.head?.seq ?? 0) + 1;
      expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: 8 }, (_, k) => first + k));
      expect(await verifyAuditLog(t.store.read.events)).toMatchObject({ ok: true });
    });

    it('never shows a read outside a transaction what it has not committed yet', async () => {
      const item = queuedItem();
      let release = (): void => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      let written = (): void => undefined;
      const inserted = new Promise<void>((resolve) => (written = resolve));
      const open = t.store.transaction(async (tx) => {
        await tx.work.insert(item);
        tx.events.append(createdEvent(item));
        written();
        await held;
      });
      await inserted;
      // The transaction is open with the row written: a read sees the state before it.
      expect(await t.store.read.work.get(item.id)).toBeNull();
      release();
      await open;
      expect(await t.store.read.work.get(item.id)).toEqual(item);
    });

    it('leaves no state change when the event insert itself fails', async () => {
      const before = await observe();
      const item = queuedItem();
      await expect(
        t.store.transaction(async (tx) => {
          await tx.work.insert(item);
          await tx.actors.setStatus('ann', 'away');
          tx.events.append(createdEvent(item));
          // The type column is NOT NULL: the database refuses the second event at append time.
          tx.events.append({ ...createdEvent(item), type: null as unknown as EventType });
        }),
      ).rejects.toThrow(/not.?null/i);
      expect(await t.store.read.work.get(item.id)).toBeNull();
      expect(await observe()).toEqual(before);
    });

    it('leaves no state change when an event cannot be hashed', async () => {
      const before = await observe();
      const item = queuedItem();
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      await expect(
        t.store.transaction(async (tx) => {
          await tx.work.insert(item);
          tx.events.append({ ...createdEvent(item), payload: circular });
        }),
      ).rejects.toThrow(/circular|call stack/i);
      expect(await observe()).toEqual(before);
    });

    it('rolls back an update of an existing item, keeping its version', async () => {
      const item = queuedItem();
      await t.store.transaction(async (tx) => {
        await tx.work.insert(item);
        tx.events.append(createdEvent(item));
      });
      const before = await observe();
      await expect(
        t.store.transaction(async (tx) => {
          const current = await tx.work.getForUpdate(item.id);
          expect(current).toEqual(item);
          const updated = await tx.work.update(pausedAs(item, 2));
          expect(updated).toBe(true);
          await tx.work.addDependency(item.id, 'w_other');
          tx.events.append({
            type: 'coordination.work.paused',
            actor: 'test',
            subject: item.id,
            payload: {
              action: 'pause',
              from: 'queued',
              to: 'paused',
              ownerId: null,
              offeredTo: null,
            },
          });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await t.store.read.work.get(item.id)).toEqual(item);
      expect(await observe()).toEqual(before);
    });

    it('refuses a stale update (optimistic version check) without writing', async () => {
      const item = queuedItem();
      await t.store.transaction(async (tx) => {
        await tx.work.insert(item);
        tx.events.append(createdEvent(item));
      });
      const { result } = await t.store.transaction((tx) => tx.work.update(pausedAs(item, 3)));
      expect(result).toBe(false);
      expect(await t.store.read.work.get(item.id)).toEqual(item);
    });

    it('writes every change of an item read for update, and a priority rewritten in between', async () => {
      const item = queuedItem();
      await t.store.transaction(async (tx) => {
        await tx.work.insert(item);
        tx.events.append(createdEvent(item));
      });
      // An update sets only the columns that changed since the read; each step must still land.
      const { result } = await t.store.transaction(async (tx) => {
        const read = (await tx.work.getForUpdate(item.id)) as WorkItem;
        const paused: WorkItem = { ...pausedAs(read, 2), title: 'Renamed', value: 7 };
        expect(await tx.work.update(paused)).toBe(true);
        // A stale version fails even though the columns it names are unchanged.
        expect(await tx.work.update({ ...paused, title: 'Stale' })).toBe(false);
        await tx.work.setPriority(item.id, 123.5);
        const queued: WorkItem = {
          ...paused,
          state: 'queued',
          ownerId: null,
          offeredTo: null,
          leaseExpiresAt: null,
          version: 3,
          priority: 123.5,
        };
        expect(await tx.work.update(queued)).toBe(true);
        return queued;
      });
      expect(await t.store.read.work.get(item.id)).toEqual(result);
    });

    it('continues the chain without a gap after rolled-back transactions', async () => {
      const before = await t.store.read.events.head();
      for (let i = 0; i < 3; i += 1) {
        await expect(
          t.store.transaction(async (tx) => {
            tx.events.append(createdEvent(queuedItem()));
            await Promise.resolve();
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
      }
      const item = queuedItem();
      const { events } = await t.store.transaction(async (tx) => {
        await tx.work.insert(item);
        tx.events.append(createdEvent(item));
      });
      expect(events[0]).toMatchObject({ seq: (before?.seq ?? 0) + 1, prevHash: before?.hash });
      expect(await verifyAuditLog(t.store.read.events)).toMatchObject({
        ok: true,
        lastSeq: (before?.seq ?? 0) + 1,
      });
    });

    it('leaves the head alone when a transaction appends nothing', async () => {
      const before = await t.store.read.events.head();
      const { events } = await t.store.transaction(async (tx) => {
        await tx.actors.heartbeat('ann', clock.now().toISOString());
      });
      expect(events).toEqual([]);
      expect(await t.store.read.events.head()).toEqual(before);
      expect((await t.store.read.actors.get('ann'))?.lastHeartbeatAt).toBe(
        clock.now().toISOString(),
      );
    });
  });
}
