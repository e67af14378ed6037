import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import {
  flushGroup,
  insertAlert,
  isFlushDue,
  newAggregationGroup,
  resolveAlert,
  type AggregationGroup,
  type FlushOptions,
  type GroupNotification,
} from './aggregation-group.js';
import { compileRouteTree } from './route-tree.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

const ROUTE = compileRouteTree({
  receiver: 'oncall',
  group_by: ['alertname'],
  group_wait: '30s',
  group_interval: '5m',
  repeat_interval: '1h',
});

/**
 * A group driven the way the engine and the simulator drive it: alerts arrive at clock times,
 * and the group is flushed whenever the clock reaches its nextFlushAt.
 */
class Driver {
  readonly clock = new ManualClock('2026-03-02T08:00:00.000Z');
  group: AggregationGroup | null = null;
  readonly sent: (GroupNotification & { offsetMs: number })[] = [];
  readonly #start = this.clock.now().getTime();

  constructor(readonly options: FlushOptions = {}) {}

  get offset(): number {
    return this.clock.now().getTime() - this.#start;
  }

  fire(id: string, startedAgoMs = 0): void {
    const now = this.clock.now();
    this.group ??= newAggregationGroup(ROUTE, { alertname: 'Stall' }, now);
    this.group = insertAlert(
      this.group,
      {
        id,
        labels: { alertname: 'Stall', id },
        startsAt: new Date(now.getTime() - startedAgoMs).toISOString(),
      },
      now,
    );
  }

  resolve(id: string): void {
    if (this.group !== null) this.group = resolveAlert(this.group, id, this.clock.now());
  }

  /** Moves the clock to `offsetMs`, flushing at every due time on the way. */
  runUntil(offsetMs: number): void {
    for (;;) {
      const due = this.group?.nextFlushAt;
      if (due === undefined || due === null || Date.parse(due) - this.#start > offsetMs) break;
      this.clock.set(due);
      this.flush();
    }
    this.clock.set(this.#start + offsetMs);
  }

  flush(): void {
    if (this.group === null) return;
    const { group, notification } = flushGroup(this.group, this.clock.now(), this.options);
    this.group = group;
    if (notification !== null) this.sent.push({ ...notification, offsetMs: this.offset });
  }

  log(): string[] {
    return this.sent.map(
      (n) =>
        `${n.offsetMs / SECOND}s ${n.reason} firing=${n.firing.map((a) => a.id).join('+')}` +
        (n.resolved.length > 0 ? ` resolved=${n.resolved.map((a) => a.id).join('+')}` : ''),
    );
  }
}

describe('aggregation groups with the clock', () => {
  it('waits group_wait before the first notification, batching what arrives meanwhile', () => {
    const d = new Driver();
    d.fire('a');
    expect(d.group?.nextFlushAt).toBe('2026-03-02T08:00:30.000Z');
    expect(d.group?.groupKey).toBe('{}:{alertname="Stall"}');
    d.runUntil(10 * SECOND);
    d.fire('b');
    d.runUntil(29 * SECOND);
    expect(d.sent).toEqual([]);
    d.runUntil(30 * SECOND);
    expect(d.log()).toEqual(['30s first firing=a+b']);
    expect(d.sent[0]).toMatchObject({ receiver: 'oncall', groupLabels: { alertname: 'Stall' } });
  });

  it('tells new alerts at the next group_interval, not before', () => {
    const d = new Driver();
    d.fire('a');
    d.runUntil(MINUTE);
    d.fire('b');
    d.runUntil(5 * MINUTE);
    expect(d.log()).toEqual(['30s first firing=a']);
    d.runUntil(5 * MINUTE + 30 * SECOND);
    expect(d.log()).toEqual(['30s first firing=a', '330s new_alerts firing=a+b']);
  });

  it('stays quiet while nothing changes, then repeats after repeat_interval', () => {
    const d = new Driver();
    d.fire('a');
    d.runUntil(HOUR);
    expect(d.log()).toEqual(['30s first firing=a']);
    d.runUntil(HOUR + 30 * SECOND);
    expect(d.log()).toEqual(['30s first firing=a', '3630s repeat firing=a']);
    d.runUntil(2 * HOUR + 30 * SECOND);
    expect(d.sent).toHaveLength(3);
  });

  it('tells resolutions, drops resolved alerts, and ends empty once all are told', () => {
    const d = new Driver();
    d.fire('a');
    d.fire('b');
    d.runUntil(MINUTE);
    d.resolve('a');
    d.runUntil(5 * MINUTE + 30 * SECOND);
    expect(d.log()).toEqual(['30s first firing=a+b', '330s resolved firing=b resolved=a']);
    expect(d.group?.alerts.map((a) => a.id)).toEqual(['b']);
    d.resolve('b');
    d.runUntil(10 * MINUTE + 30 * SECOND);
    expect(d.log().at(-1)).toBe('630s all_resolved firing= resolved=b');
    expect(d.group).toBeNull();
  });

  it('without sendResolved, a partial resolution waits for the repeat, and the last is silent', () => {
    const d = new Driver({ sendResolved: false });
    d.fire('a');
    d.fire('b');
    d.runUntil(MINUTE);
    d.resolve('a');
    d.runUntil(HOUR);
    expect(d.log()).toEqual(['30s first firing=a+b']);
    d.runUntil(HOUR + 30 * SECOND);
    expect(d.log()).toEqual(['30s first firing=a+b', '3630s repeat firing=b']);
    d.resolve('b');
    d.runUntil(2 * HOUR);
    expect(d.sent).toHaveLength(2);
    expect(d.group).toBeNull();
  });

  it('does not notify about alerts that fired and resolved between two flushes', () => {
    const d = new Driver();
    d.fire('a');
    d.runUntil(10 * SECOND);
    d.resolve('a');
    d.runUntil(HOUR);
    expect(d.sent).toEqual([]);
    expect(d.group).toBeNull();
  });

  it('flushes at once an alert that started more than group_wait ago', () => {
    const d = new Driver();
    d.fire('old', 10 * MINUTE);
    expect(d.group?.nextFlushAt).toBe('2026-03-02T08:00:00.000Z');
    d.runUntil(0);
    expect(d.log()).toEqual(['0s first firing=old']);
  });

  it('an alert that fires again after resolving is new again', () => {
    const d = new Driver();
    d.fire('a');
    d.fire('b');
    d.runUntil(MINUTE);
    d.resolve('a');
    d.runUntil(6 * MINUTE);
    d.fire('a');
    d.runUntil(10 * MINUTE + 30 * SECOND);
    expect(d.log().at(-1)).toBe('630s new_alerts firing=b+a');
  });

  it('a muted flush sends nothing and records nothing, so the first unmuted one tells all', () => {
    const d = new Driver({ muted: true });
    d.fire('a');
    d.runUntil(10 * MINUTE);
    expect(d.sent).toEqual([]);
    const { notification } = flushGroup(
      d.group as AggregationGroup,
      new Date(Date.parse(d.group?.nextFlushAt ?? '')),
    );
    expect(notification?.reason).toBe('first');
  });

  it('does nothing before it is due, and the state is plain data', () => {
    const d = new Driver();
    d.fire('a');
    const group = d.group as AggregationGroup;
    expect(isFlushDue(group, d.clock.now())).toBe(false);
    expect(flushGroup(group, d.clock.now())).toEqual({ group, notification: null });
    expect(JSON.parse(JSON.stringify(group))).toEqual(group);
  });
});

describe('aggregation group timing, for any sequence of events', () => {
  type Step = { kind: 'fire' | 'resolve'; id: number } | { kind: 'wait'; ms: number };
  const step = fc.oneof(
    fc.record({ kind: fc.constant('fire' as const), id: fc.integer({ min: 0, max: 4 }) }),
    fc.record({ kind: fc.constant('resolve' as const), id: fc.integer({ min: 0, max: 4 }) }),
    fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 3 * HOUR }) }),
  );

  it('never notifies before group_wait, nor twice within group_interval, and tells every firing alert', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps: Step[]) => {
        const d = new Driver();
        let offset = 0;
        const createdAt: number[] = [];
        const firingSince = new Map<string, number>();
        const told = new Set<string>();
        for (const s of steps) {
          if (s.kind === 'wait') {
            offset += s.ms;
            d.runUntil(offset);
          } else if (s.kind === 'fire') {
            if (d.group === null) createdAt.push(offset);
            d.fire(String(s.id));
            if (!firingSince.has(String(s.id))) firingSince.set(String(s.id), offset);
          } else {
            d.resolve(String(s.id));
            firingSince.delete(String(s.id));
          }
          for (const n of d.sent) for (const a of n.firing) told.add(a.id);
        }
        // Within one group (a group emptied by its flushes is gone; the next alert starts another).
        const generation = (at: number) => createdAt.filter((c) => c < at).length;
        d.sent.forEach((n, i) => {
          const previous = d.sent[i - 1];
          if (previous !== undefined && generation(previous.offsetMs) === generation(n.offsetMs))
            expect(n.offsetMs - previous.offsetMs).toBeGreaterThanOrEqual(5 * MINUTE);
        });
        // A group's first notification comes group_wait after the group was created.
        for (const n of d.sent.filter((n) => n.reason === 'first')) {
          const created = Math.max(...createdAt.filter((c) => c <= n.offsetMs));
          expect(n.offsetMs - created).toBeGreaterThanOrEqual(30 * SECOND);
        }
        for (const n of d.sent) expect(n.firing.every((a) => a.resolvedAt === null)).toBe(true);
        // An alert firing for a group_wait and a group_interval has been told.
        for (const [id, since] of firingSince)
          if (offset - since >= 30 * SECOND + 5 * MINUTE) expect(told.has(id)).toBe(true);
      }),
    );
  });
});
