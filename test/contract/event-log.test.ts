import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { NewEvent, StoredEvent } from '../../src/core/events.js';
import type { EventFilter } from '../../src/core/ports/event-log.js';
import {
  beforeAllOrFail,
  DIALECTS,
  disposeOpened,
  openTestStore,
  type TestStore,
} from '../support/dialects.js';

const clock = new ManualClock('2026-07-01T00:00:00.000Z');

/** Appended one per transaction, a minute apart, so times differ. */
const LOG: NewEvent[] = [
  {
    type: 'core.domain.upserted',
    actor: 'cli:ann',
    subject: 'ops',
    payload: { name: 'Ops', owners: [], description: '', preemption: false },
  },
  {
    type: 'core.work_type.upserted',
    actor: 'cli:ann',
    subject: 'ticket',
    payload: {
      domainId: 'ops',
      name: 'Ticket',
      requiredSkills: {},
      expectedDurationSeconds: 60,
      slaSeconds: 600,
      maxAttempts: 3,
      stages: [],
    },
  },
  {
    type: 'coordination.work.created',
    actor: 'system',
    subject: 'w_1',
    payload: {
      typeId: 'ticket',
      title: 'One',
      value: 1,
      dueAt: null,
      priorityClass: 'normal',
      dependsOn: [],
      state: 'queued',
    },
  },
  {
    type: 'coordination.work.dependency_added',
    actor: 'bob',
    subject: 'w_1',
    payload: { dependsOn: 'w_0' },
  },
  {
    type: 'coordination.work.offered',
    actor: 'system',
    subject: 'w_1',
    payload: { action: 'offer', from: 'queued', to: 'offered', ownerId: null, offeredTo: 'bob' },
  },
  {
    type: 'coordination.actor.status_changed',
    actor: 'bob',
    subject: 'bob',
    payload: { from: 'available', to: 'away' },
  },
  { type: 'core.work_type.removed', actor: 'cli:ann', subject: 'ticket', payload: {} },
];

for (const dialect of DIALECTS) {
  describe(`event log reads [${dialect}]`, () => {
    let t: TestStore;
    let stored: StoredEvent[];

    beforeAllOrFail(async () => {
      t = await openTestStore(dialect, clock);
      stored = [];
      for (const event of LOG) {
        clock.advance(60_000);
        const { events } = await t.store.transaction(async (tx) => {
          tx.events.append(event);
          return Promise.resolve();
        });
        stored.push(...events);
      }
    });
    afterAll(disposeOpened);

    const seqs = async (filter: Partial<EventFilter>) =>
      (await t.store.read.events.list({ limit: 100, ...filter })).map((e) => e.seq);

    it('returns what was appended, in order, payloads intact', async () => {
      expect(stored.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(await t.store.read.events.list({ limit: 100 })).toEqual(stored);
      expect(stored.map((e) => e.payload)).toEqual(LOG.map((e) => e.payload));
      expect(await t.store.read.events.head()).toEqual({ seq: 7, hash: stored[6]?.hash });
    });

    it('pages with afterSeq and limit', async () => {
      expect(await seqs({ limit: 3 })).toEqual([1, 2, 3]);
      expect(await seqs({ afterSeq: 3, limit: 3 })).toEqual([4, 5, 6]);
      expect(await seqs({ afterSeq: 7 })).toEqual([]);
    });

    it('reads newest first when asked, with the same filters', async () => {
      expect(await seqs({ order: 'desc', limit: 3 })).toEqual([7, 6, 5]);
      expect(await seqs({ order: 'desc', afterSeq: 5 })).toEqual([7, 6]);
    });

    it('filters by exact type, several types, and type prefix', async () => {
      expect(await seqs({ types: ['coordination.work.offered'] })).toEqual([5]);
      expect(await seqs({ types: ['coordination.work.offered', 'core.domain.upserted'] })).toEqual([
        1, 5,
      ]);
      expect(await seqs({ types: ['coordination.work.*'] })).toEqual([3, 4, 5]);
      expect(await seqs({ types: ['coordination.*'] })).toEqual([3, 4, 5, 6]);
    });

    it('treats _ and % in a type prefix literally', async () => {
      // `work_type` must not match `workXtype`, and must match itself.
      expect(await seqs({ types: ['core.work_type.*'] })).toEqual([2, 7]);
      expect(await seqs({ types: ['coordination.work.dependency_*'] })).toEqual([4]);
      expect(await seqs({ types: ['core.%'] })).toEqual([]);
    });

    it('matches type prefixes case-sensitively, as it matches exact types', async () => {
      expect(await seqs({ types: ['CORE.DOMAIN.UPSERTED'] })).toEqual([]);
      expect(await seqs({ types: ['CORE.*'] })).toEqual([]);
    });

    it('filters by subject, actor and time window', async () => {
      expect(await seqs({ subject: 'w_1' })).toEqual([3, 4, 5]);
      expect(await seqs({ actor: 'bob' })).toEqual([4, 6]);
      const [since, until] = [stored[2]?.time, stored[4]?.time];
      expect(await seqs({ since, until })).toEqual([3, 4]);
      expect(
        await seqs({
          subject: 'w_1',
          actor: 'system',
          types: ['coordination.work.*'],
          afterSeq: 3,
        }),
      ).toEqual([5]);
    });

    it('scans the whole log across pages', async () => {
      const scanned: number[] = [];
      for await (const event of t.store.read.events.scan(3)) scanned.push(event.seq);
      expect(scanned).toEqual([1, 2, 3, 4, 5, 6, 7]);
    });
  });
}
