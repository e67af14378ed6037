import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../core/events.js';
import type { MetricSeries } from '../core/metric.js';
import {
  BUILTIN_CATCH_UP_MINUTES,
  builtinSeriesPoints,
  countBuiltinEvents,
} from './builtin-series-points.js';

const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const MINUTE = 60_000;

const event = (type: string, atMs: number, payload: unknown): StoredEvent => ({
  seq: 0,
  time: new Date(atMs).toISOString(),
  type,
  actor: 'system',
  subject: 'w',
  payload,
  prevHash: '',
  hash: '',
});

const scored = (key: string, name: string, lastAtMs: number): MetricSeries => ({
  key,
  name,
  kind: 'counter',
  labels: { domain: 'ops' },
  origin: 'builtin',
  points: 10,
  lastValue: 0,
  lastAt: new Date(lastAtMs).toISOString(),
  lastScore: 0,
  quietPoints: 10,
  detector: null,
  createdAt: '',
  updatedAt: '',
});

describe('builtinSeriesPoints', () => {
  const types = new Map([['ticket', 'ops']]);

  it('counts arrivals, completions and failures per domain and minute, zero where none', () => {
    const counts = new Map<string, number>();
    countBuiltinEvents(
      counts,
      [
        event('coordination.work.created', T0 + 1_000, { typeId: 'ticket' }),
        event('coordination.work.created', T0 + 59_000, { typeId: 'ticket' }),
        event('coordination.work.completed', T0 + MINUTE, { attempt: { typeId: 'ticket' } }),
        event('coordination.work.failed', T0 + MINUTE, { attempt: { typeId: 'ticket' } }),
        // A type no longer configured belongs to no domain: not counted.
        event('coordination.work.created', T0, { typeId: 'gone' }),
      ],
      types,
    );
    const key = 'work_arrived_total{domain="ops"}';
    const points = builtinSeriesPoints(
      counts,
      ['ops'],
      new Map([
        [key, scored(key, 'work_arrived_total', T0 - MINUTE)],
        [
          'work_completed_total{domain="ops"}',
          scored('work_completed_total{domain="ops"}', 'work_completed_total', T0 - MINUTE),
        ],
      ]),
      T0 + MINUTE,
    );
    expect(points.map((p) => `${p.name} ${p.at?.slice(11, 16) ?? ''} ${p.value}`)).toEqual([
      'work_arrived_total 10:00 2',
      'work_arrived_total 10:01 0',
      'work_completed_total 10:00 0',
      'work_completed_total 10:01 1',
      // Never scored before: starts with the minute just closed.
      'work_failed_total 10:01 1',
    ]);
  });

  it('catches up on an hour at most after a pause', () => {
    const key = 'work_arrived_total{domain="ops"}';
    const points = builtinSeriesPoints(
      new Map(),
      ['ops'],
      new Map([[key, scored(key, 'work_arrived_total', T0 - 5 * 3600_000)]]),
      T0,
    ).filter((p) => p.name === 'work_arrived_total');
    expect(points).toHaveLength(BUILTIN_CATCH_UP_MINUTES);
    expect(points.at(-1)?.at).toBe(new Date(T0).toISOString());
  });
});
