import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { newEvent } from '../../src/core/events.js';
import { orgConfigSchema, toOrgModel, type OrgConfigInput } from '../../src/core/org-config.js';
import type { RollupRow } from '../../src/core/ports/rollup-store.js';
import { SYSTEM, type Principal } from '../../src/core/principal.js';
import { RELATIVE_ERROR } from '../../src/performance/log-histogram.js';
import { catchUp, rebuild } from '../../src/performance/project-events.js';
import { readKpis, RollupMetricReader } from '../../src/performance/read-kpis.js';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import { EventBus } from '../../src/runtime/event-bus.js';
import { PerformanceService } from '../../src/runtime/performance-service.js';
import type { Store } from '../../src/core/ports/store.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { openStore } from '../../src/store/open-store.js';
import {
  beforeAllOrFail,
  DIALECTS,
  disposeOpened,
  openTestControlPlane,
  openTestStore,
} from '../support/dialects.js';

const MINUTE = 60_000;

const ORG: OrgConfigInput = {
  apiVersion: 'autonomy/v1',
  kind: 'Organization',
  metadata: { name: 'Performance' },
  domains: [
    { id: 'ops', name: 'Operations', owners: ['ann'] },
    { id: 'eng', name: 'Engineering', owners: ['ann'] },
  ],
  actors: [
    {
      id: 'ann',
      kind: 'human',
      name: 'Ann',
      domains: ['ops'],
      skills: { triage: 3 },
      capacity: 5,
      costPerHour: 60,
    },
    {
      id: 'bot',
      kind: 'agent',
      name: 'Bot',
      domains: ['ops'],
      skills: { triage: 3 },
      capacity: 5,
      costPerHour: 6,
    },
    {
      id: 'bot2',
      kind: 'agent',
      name: 'Bot 2',
      domains: ['ops'],
      skills: { triage: 3 },
      capacity: 5,
      costPerHour: 12,
    },
  ],
  workTypes: [
    {
      id: 'ticket',
      domain: 'ops',
      name: 'Ticket',
      requiredSkills: { triage: 2 },
      expectedDuration: '20m',
      sla: '1h',
    },
    {
      id: 'bug',
      domain: 'eng',
      name: 'Bug',
      requiredSkills: { triage: 2 },
      expectedDuration: '1h',
      sla: '8h',
    },
  ],
};

const olga: Principal = { kind: 'cli', user: 'olga' };

/** Within the histograms' documented relative error (percentiles are read from log bins). */
const near = (actual: number | null | undefined, expected: number) => {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual ?? 0) - expected)).toBeLessThanOrEqual(expected * RELATIVE_ERROR);
};

/** Sums added in different batches may round differently; everything else is exact. */
const comparable = (rows: RollupRow[]) =>
  rows.map((r) => ({ ...r, sum: Math.round(r.sum * 1e6) / 1e6 }));

for (const dialect of DIALECTS) {
  describe(`performance: built-in metrics folded from the log [${dialect}]`, () => {
    const clock = new ManualClock('2026-03-02T09:00:00.000Z');
    let cp: ControlPlane;
    let url: string;
    let incremental: RollupRow[] = [];

    beforeAllOrFail(async () => {
      ({ cp, url } = await openTestControlPlane(dialect, { clock }));
      await cp.applyConfig(SYSTEM, toOrgModel(orgConfigSchema.parse(ORG)), 'test');
      // Fold after every step, as the server does after commits.
      const step = async (fn: () => Promise<unknown>) => {
        await fn();
        await cp.performance.catchUp();
      };
      // 09:00 three items arrive: two tickets (due 10:00) and a bug (due 17:00).
      const a = await cp.createWork(SYSTEM, { typeId: 'ticket', title: 'A' });
      const b = await cp.createWork(SYSTEM, { typeId: 'ticket', title: 'B' });
      await step(() => cp.createWork(SYSTEM, { typeId: 'bug', title: 'C' }));
      clock.advance(10 * MINUTE); // 09:10
      await step(() => cp.transitionWork(SYSTEM, a.id, 'assign', { actorId: 'bot' }));
      clock.advance(10 * MINUTE); // 09:20
      await step(() => cp.transitionWork(SYSTEM, a.id, 'start'));
      clock.advance(10 * MINUTE); // 09:30
      await step(() => cp.transitionWork(SYSTEM, b.id, 'assign', { actorId: 'bot2' }));
      await step(() => cp.transitionWork(SYSTEM, b.id, 'start'));
      clock.advance(20 * MINUTE); // 09:50: A done by the agent alone, on time, first time.
      await step(() => cp.transitionWork(SYSTEM, a.id, 'complete'));
      clock.advance(10 * MINUTE); // 10:00: B fails with bot2 and is retried; an exception opens.
      await step(() => cp.transitionWork(SYSTEM, b.id, 'fail'));
      const raised = await cp.monitoring.raise(olga, 'manual', {
        labels: { alertname: 'Backlog', domain: 'ops', severity: 'warning' },
        summary: 'too much',
        details: {},
      });
      clock.advance(5 * MINUTE); // 10:05 acknowledged
      await step(() => cp.monitoring.acknowledge(olga, raised.exception.id));
      clock.advance(5 * MINUTE); // 10:10: a person hands B to Ann, who starts it.
      await step(() => cp.transitionWork(olga, b.id, 'assign', { actorId: 'ann' }));
      await step(() => cp.transitionWork(olga, b.id, 'start'));
      clock.advance(10 * MINUTE); // 10:20 resolved
      await step(() => cp.monitoring.resolve(olga, raised.exception.id, 'fixed'));
      clock.advance(20 * MINUTE); // 10:40: Ann completes B, late.
      await step(() => cp.transitionWork(olga, b.id, 'complete'));
      incremental = comparable(await rowsOf(cp));
    });
    afterAll(disposeOpened);

    const rowsOf = async (plane: ControlPlane) => {
      await plane.performance.catchUp();
      return plane.performance.rollupRows(SYSTEM);
    };

    it('gives exact counts, ratios and costs per domain', async () => {
      const report = await cp.performance.kpis(SYSTEM, {
        from: '2026-03-02T09:00:00.000Z',
        to: '2026-03-02T11:00:00.000Z',
        by: ['domain'],
      });
      expect(report.rows.map((r) => r.labels)).toEqual([{ domain: 'eng' }, { domain: 'ops' }]);
      const [eng, ops] = report.rows.map((r) => r.values);
      expect(eng).toMatchObject({
        work_arrived_total: 1,
        work_completed_total: 0,
        work_in_progress: 1,
        sla_attainment: null,
        autonomy_ratio: null,
      });
      expect(ops).toMatchObject({
        work_arrived_total: 2,
        work_completed_total: 2,
        throughput_per_hour: 1,
        work_in_progress: 0,
        sla_attainment: 0.5,
        first_time_right_ratio: 0.5,
        rework_rate: 0.5,
        work_failed_total: 1,
        failure_rate: 1 / 3,
        exceptions_opened_total: 1,
        exception_rate: 0.5,
        mtta_seconds: 300,
        mttr_seconds: 1200,
        // bot 6/h × 30 min + bot2 12/h × 30 min + Ann 60/h × 30 min
        work_cost_total: 39,
        cost_per_completion: 19.5,
        autonomy_ratio: 0.5,
        lead_time_mean_seconds: 4500,
        cycle_time_mean_seconds: 3000,
        queue_time_mean_seconds: 1200,
      });
      // Nearest rank of two values: p50 the smaller, p90 the larger.
      near(ops?.lead_time_p50_seconds ?? null, 3000);
      near(ops?.lead_time_p90_seconds ?? null, 6000);
      near(ops?.cycle_time_p50_seconds ?? null, 1800);
      near(ops?.cycle_time_p90_seconds ?? null, 4200);
      near(ops?.queue_time_p50_seconds ?? null, 600);
      near(ops?.queue_time_p90_seconds ?? null, 1800);
    });

    it('reads the same from the domain view as from the folded label sets', async () => {
      await cp.performance.catchUp();
      const { store } = await openStore(url, clock);
      try {
        const windows = [
          ['2026-03-02T09:00:00.000Z', '2026-03-02T11:00:00.000Z'],
          ['2026-03-02T09:51:00.000Z', '2026-03-02T10:39:30.000Z'],
          ['2026-03-01T00:00:00.000Z', '2026-03-03T00:00:00.000Z'],
        ] as const;
        const queries = [{ by: ['domain'] as const }, {}, { filter: { domain: 'ops' } }];
        let views = 0;
        for (const [from, to] of windows)
          for (const query of queries) {
            const window = { from, to, ...query };
            const viewed = await readKpis(store.read.rollups, window);
            expect(viewed.rows.length).toBeGreaterThan(0);
            expect(viewed).toEqual(await readKpis(store.read.rollups, window, -Infinity, false));
            views++;
          }
        expect(views).toBe(9);
        const viewRows = (await store.read.rollups.rows()).filter((r) =>
          r.labels.includes('@view'),
        );
        expect(new Set(viewRows.map((r) => r.labels))).toEqual(
          new Set(['{"@view":"domain","domain":"eng"}', '{"@view":"domain","domain":"ops"}']),
        );
        // Filtered by domain, a built-in counter reads the view too; the view is never read twice.
        const reader = new RollupMetricReader(store.read.rollups);
        const arrived = (labels: Record<string, string>) =>
          reader.value({ name: 'work_arrived_total', labels }, windows[0][0], windows[0][1]);
        expect(await arrived({ domain: 'ops' })).toBe(2);
        expect(await arrived({})).toBe(3);
        expect(await arrived({ work_type: 'bug' })).toBe(1);
      } finally {
        await store.close();
      }
    });

    it('keeps the fold state of open items only: a finished item’s goes', async () => {
      await cp.performance.catchUp();
      const { store } = await openStore(url, clock);
      try {
        const items = await store.read.rollups.states('item');
        // A and B were completed; C, the bug, is still open.
        expect(items.map((i) => (JSON.parse(i.state) as { typeId: string }).typeId)).toEqual([
          'bug',
        ]);
      } finally {
        await store.close();
      }
    });

    it('breaks down by actor and kind, and windows cut at the minute', async () => {
      const byActor = await cp.performance.kpis(SYSTEM, {
        from: '2026-03-02T09:00:00.000Z',
        to: '2026-03-02T11:00:00.000Z',
        by: ['actor_kind', 'actor'],
        filter: { domain: 'ops' },
      });
      const completed = Object.fromEntries(
        byActor.rows.map((r) => [
          `${r.labels.actor_kind}/${r.labels.actor}`,
          r.values.work_completed_total,
        ]),
      );
      expect(completed).toMatchObject({ 'agent/bot': 1, 'human/ann': 1, 'agent/bot2': 0 });
      // 09:30–10:30: B's failure and the exception, no completion.
      const edge = await cp.performance.kpis(SYSTEM, {
        from: '2026-03-02T09:51:00.000Z',
        to: '2026-03-02T10:39:30.000Z',
      });
      expect(edge.rows[0]?.values).toMatchObject({
        work_arrived_total: 0,
        work_completed_total: 0,
        work_failed_total: 1,
        exceptions_opened_total: 1,
        mtta_seconds: 300,
      });
    });

    it('answers MetricReader selectors', async () => {
      const m = cp.performance.metrics;
      const from = '2026-03-02T09:00:00.000Z';
      const to = '2026-03-02T11:00:00.000Z';
      const v = (name: string, labels: Record<string, string> = {}) =>
        m.value({ name, labels }, from, to);
      expect(await v('work_arrived_total')).toBe(3);
      expect(await v('work_arrived_total', { domain: 'eng' })).toBe(1);
      expect(await v('work_completed_total', { actor_kind: 'human' })).toBe(1);
      expect(await v('work_failed_total', { actor: 'bot2' })).toBe(1);
      expect(await v('work_completed_within_sla_total')).toBe(1);
      expect(await v('work_completed_with_due_total')).toBe(2);
      expect(await v('exceptions_opened_total', { domain: 'ops' })).toBe(1);
      expect(await v('sla_attainment', { work_type: 'ticket' })).toBe(0.5);
      expect(await v('autonomy_ratio')).toBe(0.5);
      expect(await v('work_in_progress')).toBe(1);
      near(await v('lead_time_p90_seconds', { domain: 'ops' }), 6000);
      // No data is not zero.
      expect(await v('work_completed_total', { domain: 'nowhere' })).toBeNull();
      expect(
        await m.value(
          { name: 'work_arrived_total', labels: {} },
          '2026-03-01T00:00:00.000Z',
          '2026-03-02T00:00:00.000Z',
        ),
      ).toBeNull();
    });

    it('rebuilt from the log equals what was folded incrementally', async () => {
      expect(incremental.length).toBeGreaterThan(50);
      expect(await cp.performance.rebuild(SYSTEM)).toBeGreaterThan(0);
      expect(comparable(await rowsOf(cp))).toEqual(incremental);
    });
  });
}

// The memory store (the simulator's) implements the same port with the same arithmetic.
for (const dialect of [...DIALECTS, 'memory'] as const) {
  describe(`performance: custom series and the checkpoint [${dialect}]`, () => {
    let store: Store;
    beforeAllOrFail(async () => {
      const clock = new ManualClock('2026-03-02T12:00:00.000Z');
      store =
        dialect === 'memory' ? new MemoryStore(clock) : (await openTestStore(dialect, clock)).store;
    });
    afterAll(disposeOpened);

    it('sums counter points, keeps the last gauge point, and folds each event once', async () => {
      const point = (name: string, kind: 'counter' | 'gauge', value: number, at: string) =>
        newEvent('monitoring.metric.recorded', 'system', null, {
          name,
          kind,
          value,
          labels: { region: 'eu' },
          at,
        });
      await store.transaction((tx) => {
        tx.events.append(point('orders_total', 'counter', 3, '2026-03-02T10:00:10.000Z'));
        tx.events.append(point('orders_total', 'counter', 4, '2026-03-02T10:59:59.000Z'));
        tx.events.append(point('nps', 'gauge', 40, '2026-03-02T10:00:00.000Z'));
        tx.events.append(point('nps', 'gauge', 42, '2026-03-02T10:30:00.000Z'));
        tx.events.append(point('nps', 'gauge', 41, '2026-03-02T10:10:00.000Z'));
        return Promise.resolve();
      });
      expect(await catchUp(store, 2)).toBe(5);
      expect(await catchUp(store, 2)).toBe(0);
      expect(await store.read.rollups.checkpoint()).toBe(5);
      const reader = new RollupMetricReader(store.read.rollups);
      const from = '2026-03-02T10:00:00.000Z';
      expect(
        await reader.value({ name: 'orders_total', labels: {} }, from, '2026-03-02T11:00:00.000Z'),
      ).toBe(7);
      expect(
        await reader.value(
          { name: 'orders_total', labels: { region: 'eu' } },
          from,
          '2026-03-02T10:30:00.000Z',
        ),
      ).toBe(3);
      expect(
        await reader.value(
          { name: 'orders_total', labels: { region: 'us' } },
          from,
          '2026-03-02T11:00:00.000Z',
        ),
      ).toBeNull();
      expect(
        await reader.value({ name: 'nps', labels: {} }, from, '2026-03-02T11:00:00.000Z'),
      ).toBe(42);
      expect(
        await reader.value({ name: 'nps', labels: {} }, from, '2026-03-02T10:20:00.000Z'),
      ).toBe(41);
      const before = await store.read.rollups.rows();
      expect(await rebuild(store, 3)).toBe(5);
      expect(await store.read.rollups.rows()).toEqual(before);
    });

    it('interns a series again after the transaction that first named it rolled back', async () => {
      const entry = { bins: null, count: 1, sum: 2, lastValue: null, lastAt: null };
      const key = {
        resolution: 'minute' as const,
        bucket: '2026-03-02T11:00',
        labels: '{"region":"eu"}',
      };
      const delta = { ...key, metrics: { refunds_total: entry } };
      await expect(
        store.transaction(async (tx) => {
          await tx.rollups.add([delta]);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      await store.transaction((tx) => tx.rollups.add([delta]));
      const rows = await store.read.rollups.rows();
      expect(rows.filter((r) => r.name === 'refunds_total')).toEqual([
        { name: 'refunds_total', ...key, ...entry },
      ]);
      expect(
        await new RollupMetricReader(store.read.rollups).value(
          { name: 'refunds_total', labels: {} },
          '2026-03-02T11:00:00.000Z',
          '2026-03-02T11:01:00.000Z',
        ),
      ).toBe(2);
    });

    it('refuses to move a checkpoint another node moved', async () => {
      await expect(store.transaction((tx) => tx.rollups.advance(0, 99))).resolves.toMatchObject({
        result: false,
      });
    });
  });

  describe(`performance: minute buckets kept for a horizon [${dialect}]`, () => {
    const clock = new ManualClock('2026-03-02T12:00:00.000Z');
    let store: Store;
    beforeAllOrFail(async () => {
      store =
        dialect === 'memory' ? new MemoryStore(clock) : (await openTestStore(dialect, clock)).store;
      const point = (value: number, at: string) =>
        newEvent('monitoring.metric.recorded', 'system', null, {
          name: 'orders_total',
          kind: 'counter',
          value,
          labels: {},
          at,
        });
      await store.transaction((tx) => {
        tx.events.append(point(3, '2026-03-02T09:10:00.000Z'));
        tx.events.append(point(4, '2026-03-02T09:40:00.000Z'));
        tx.events.append(point(5, '2026-03-02T11:30:00.000Z'));
        return Promise.resolve();
      });
    });
    afterAll(disposeOpened);

    it('prunes minutes older than the horizon, keeps hours and days, and reads old edges from hours', async () => {
      // Two hours kept at 12:00: minutes from 10:00 on.
      const service = new PerformanceService(store, clock, new EventBus(), {
        minuteRetentionMs: 2 * 3_600_000,
      });
      const orders = { name: 'orders_total', labels: {} };
      // [11:00, 11:45): minutes still there.
      expect(
        await service.value(SYSTEM, orders, '2026-03-02T11:00:00.000Z', '2026-03-02T11:45:00.000Z'),
      ).toBe(5);
      const rows = await store.read.rollups.rows();
      expect(rows.filter((r) => r.resolution === 'minute').map((r) => r.bucket)).toEqual([
        '2026-03-02T11:30',
      ]);
      expect(rows.filter((r) => r.resolution === 'hour').map((r) => [r.bucket, r.sum])).toEqual([
        ['2026-03-02T09', 7],
        ['2026-03-02T11', 5],
      ]);
      expect(rows.filter((r) => r.resolution === 'day').map((r) => r.sum)).toEqual([12]);
      // [09:30, 12:00) starts before the horizon: read from 09:00, the hour it falls in.
      expect(
        await service.value(SYSTEM, orders, '2026-03-02T09:30:00.000Z', '2026-03-02T12:00:00.000Z'),
      ).toBe(12);
      // Where minutes are kept for ever, the same window starts at 09:30.
      const keepAll = new RollupMetricReader(store.read.rollups);
      expect(
        await keepAll.value(orders, '2026-03-02T09:30:00.000Z', '2026-03-02T12:00:00.000Z'),
      ).toBe(5);
      // Nothing more to prune within the same hour; the next hour prunes the 11:30 minute.
      expect(await service.prune()).toBe(0);
      clock.advance(2 * 3_600_000);
      expect(await service.prune()).toBe(1);
      expect((await store.read.rollups.rows()).filter((r) => r.resolution === 'minute')).toEqual(
        [],
      );
      // A window whose edges are both before the horizon reads the hours it falls in.
      expect(
        await service.value(SYSTEM, orders, '2026-03-02T11:10:00.000Z', '2026-03-02T11:20:00.000Z'),
      ).toBe(5);
      expect(
        await service.value(SYSTEM, orders, '2026-03-02T10:10:00.000Z', '2026-03-02T10:50:00.000Z'),
      ).toBeNull();
    });
  });
}
