import { describe, expect, it } from 'vitest';
import { priorityKey, priorityParts, queueOffset, type PriorityInput } from './prioritize.js';

const item = (over: Partial<PriorityInput> = {}): PriorityInput => ({
  priorityClass: 'normal',
  value: 1,
  blocks: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  dueAt: '2026-01-01T08:00:00.000Z',
  ...over,
});

describe('priority', () => {
  it('shows each part: class, value, blocks, age and slack', () => {
    const parts = priorityParts(item({ blocks: 2 }), 3600, new Date('2026-01-01T02:00:00.000Z'));
    expect(parts.class).toBe(0);
    expect(parts.value).toBeCloseTo(10 * Math.log(2));
    expect(parts.blocks).toBe(10);
    expect(parts.age).toBeCloseTo(2);
    // 8h due − 2h now − 1h expected = 5h of slack, at 2 points an hour.
    expect(parts.slack).toBeCloseTo(-10);
    expect(parts.total).toBeCloseTo(
      parts.class + parts.value + parts.blocks + parts.age + parts.slack,
    );
  });

  it('orders by stored key plus the queue offset exactly as by the full score, at any time', () => {
    // Items of types with different expected durations (seconds).
    const items: [PriorityInput, number][] = [
      [item(), 3600],
      [item({ priorityClass: 'high' }), 600],
      [item({ value: 1000 }), 7200],
      [item({ dueAt: '2026-01-01T02:00:00.000Z' }), 3600],
      [item({ createdAt: '2025-12-31T13:00:00.000Z' }), 60],
      [item({ blocks: 4, priorityClass: 'low' }), 36_000],
      [item({ dueAt: null }), 3600],
      [item({ dueAt: '2026-01-01T06:00:00.000Z' }), 4 * 3600],
    ];
    const at = (i: number) => items[i] as [PriorityInput, number];
    const keyOf = (i: number) => priorityKey(at(i)[0]) + queueOffset(at(i)[1]);
    const byKey = [...items.keys()].sort((a, b) => keyOf(b) - keyOf(a));
    for (const now of ['2026-01-01T00:00:00Z', '2026-01-01T05:00:00Z', '2026-02-01T00:00:00Z']) {
      const scoreOf = (i: number) => priorityParts(at(i)[0], at(i)[1], new Date(now)).total;
      const byScore = [...items.keys()].sort((a, b) => scoreOf(b) - scoreOf(a));
      expect(byScore).toEqual(byKey);
    }
  });

  it('leaves the expected duration out of the stored key: a new estimate needs no rescoring', () => {
    const now = new Date('2026-01-01T03:00:00.000Z');
    const a = item();
    const b = item({ dueAt: '2026-01-01T07:00:00.000Z' });
    // b is due an hour sooner: ahead while both types expect the same…
    expect(priorityKey(b) + queueOffset(3600)).toBeGreaterThan(priorityKey(a) + queueOffset(3600));
    // …behind once a's type is learned to take 2 hours more: only the offsets changed.
    expect(priorityKey(a) + queueOffset(3 * 3600)).toBeGreaterThan(
      priorityKey(b) + queueOffset(3600),
    );
    expect(priorityParts(a, 3 * 3600, now).total).toBeGreaterThan(
      priorityParts(b, 3600, now).total,
    );
    expect(queueOffset(3600)).toBe(2);
  });

  it('puts less slack, more value, more blockers and older items first', () => {
    expect(priorityKey(item({ dueAt: '2026-01-01T02:00:00.000Z' }))).toBeGreaterThan(
      priorityKey(item()),
    );
    expect(priorityKey(item({ value: 50 }))).toBeGreaterThan(priorityKey(item()));
    expect(priorityKey(item({ blocks: 1 }))).toBeGreaterThan(priorityKey(item()));
    expect(priorityKey(item({ createdAt: '2025-12-31T23:00:00.000Z' }))).toBeGreaterThan(
      priorityKey(item()),
    );
    expect(priorityKey(item({ priorityClass: 'critical' }))).toBeGreaterThan(
      priorityKey(item({ value: 1e9 })),
    );
  });
});
