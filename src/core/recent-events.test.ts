import { describe, expect, it } from 'vitest';
import type { StoredEvent } from './events.js';
import type { EventFilter, EventLog } from './ports/event-log.js';
import { RecentEvents } from './recent-events.js';

const event = (seq: number) => ({ seq, type: 'core.test', payload: {} }) as unknown as StoredEvent;
const events = (...seqs: number[]) => seqs.map(event);

/** A log holding events 1…n that records the reads it served. */
function logOf(n: number): EventLog & { reads: EventFilter[] } {
  const reads: EventFilter[] = [];
  return {
    reads,
    list: (filter) => {
      reads.push(filter);
      const from = (filter.afterSeq ?? 0) + 1;
      return Promise.resolve(
        events(
          ...Array.from(
            { length: Math.max(0, Math.min(filter.limit, n - from + 1)) },
            (_, i) => from + i,
          ),
        ),
      );
    },
    head: () => Promise.resolve(null),
    scan: () => (async function* () {})(),
  };
}

const seqs = (list: readonly StoredEvent[]) => list.map((e) => e.seq);

describe('RecentEvents', () => {
  it('serves the run after the checkpoint from memory, and forgets what was folded', async () => {
    const recent = new RecentEvents();
    const log = logOf(10);
    recent.add(events(4, 5, 6));
    recent.add(events(7));
    expect(seqs(await recent.after(log, 3, 2))).toEqual([4, 5]);
    expect(seqs(await recent.after(log, 5, 10))).toEqual([6, 7]);
    expect(log.reads).toEqual([]);
    // Everything up to 7 was folded: the next read goes to the log.
    expect(seqs(await recent.after(log, 7, 10))).toEqual([8, 9, 10]);
    expect(log.reads).toHaveLength(1);
  });

  it('reads the log when the next event is not in memory (older, or another node’s)', async () => {
    const recent = new RecentEvents();
    const log = logOf(9);
    recent.add(events(5, 6, 8, 9));
    expect(seqs(await recent.after(log, 2, 10))).toEqual([3, 4, 5, 6, 7, 8, 9]);
    // From 4 on, memory has 5 and 6, then a gap where 7 belongs: the run stops before it.
    expect(seqs(await recent.after(log, 4, 10))).toEqual([5, 6]);
    expect(seqs(await recent.after(log, 6, 10))).toEqual([7, 8, 9]);
    expect(seqs(await recent.after(log, 7, 10))).toEqual([8, 9]);
  });

  it('orders events announced out of order and ignores repeats', async () => {
    const recent = new RecentEvents();
    const log = logOf(0);
    recent.add(events(2, 4));
    recent.add(events(1, 3, 3));
    expect(seqs(await recent.after(log, 0, 10))).toEqual([1, 2, 3, 4]);
  });

  it('keeps its capacity of the newest, forgetting older ones when twice over', async () => {
    const recent = new RecentEvents(3);
    const log = logOf(7);
    recent.add(events(1, 2, 3, 4, 5, 6));
    recent.add(events(7));
    expect(seqs(await recent.after(log, 4, 10))).toEqual([5, 6, 7]);
    expect(log.reads).toEqual([]);
    expect(seqs(await recent.after(log, 0, 2))).toEqual([1, 2]);
    expect(log.reads).toHaveLength(1);
  });
});
