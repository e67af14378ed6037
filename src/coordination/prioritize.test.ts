import { describe, expect, it } from 'vitest';
import { priorityKey, priorityParts, type PriorityInput } from './prioritize.js';

const item = (over: Partial<PriorityInput> = {}): PriorityInput => ({
  priorityClass: 'normal',
  value: 1,
  blocks: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  dueAt: '2026-01-01T08:00:00.000Z',
  expectedSeconds: 3600,
  ...over,
});

describe('priority', () => {
  it('shows each part: class, value, blocks, age and slack', () => {
    const parts = priorityParts(item({ blocks: 2 }), new Date('2026-01-01T02:00:00.000Z'));
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

  it('orders by the stored key exactly as by the full score, at any time', () => {
    const items = [
      item(),
      item({ priorityClass: 'high' }),
      item({ value: 1000 }),
      item({ dueAt: '2026-01-01T02:00:00.000Z' }),
      item({ createdAt: '2025-12-31T13:00:00.000Z' }),
      item({ blocks: 4, priorityClass: 'low' }),
      item({ dueAt: null }),
    ];
    const keyOf = (i: number) => priorityKey(items[i] as PriorityInput);
    const byKey = [...items.keys()].sort((a, b) => keyOf(b) - keyOf(a));
    for (const now of ['2026-01-01T00:00:00Z', '2026-01-01T05:00:00Z', '2026-02-01T00:00:00Z']) {
      const scoreOf = (i: number) => priorityParts(items[i] as PriorityInput, new Date(now)).total;
      const byScore = [...items.keys()].sort((a, b) => scoreOf(b) - scoreOf(a));
      expect(byScore).toEqual(byKey);
    }
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
