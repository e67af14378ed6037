import { beforeEach, describe, expect, it } from 'vitest';
import { applyOrgConfig } from '../../src/core/apply-org-config.js';
import { ManualClock } from '../../src/core/clock.js';
import type { ExceptionRecord } from '../../src/core/exception.js';
import { orgConfigSchema, toOrgModel, type OrgConfigInput } from '../../src/core/org-config.js';
import { SYSTEM } from '../../src/core/principal.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { advanceEscalations } from '../../src/monitoring/advance-escalations.js';
import { acknowledgeException } from '../../src/monitoring/close-exception.js';
import type { MonitoringContext } from '../../src/monitoring/monitoring-context.js';
import { monitoringPolicyOf } from '../../src/monitoring/monitoring-policy-of.js';
import { raiseException } from '../../src/monitoring/raise-exception.js';
import type { Signal } from '../../src/monitoring/signal.js';

const MINUTE = 60_000;

const org = (routing: Partial<OrgConfigInput>): OrgConfigInput => ({
  apiVersion: 'autonomy/v1',
  kind: 'Organization',
  metadata: { name: 'Escalation' },
  domains: [{ id: 'ops', name: 'Ops', owners: ['olga'] }],
  actors: ['olga', 'pete', 'quinn'].map((id) => ({
    id,
    kind: 'human' as const,
    name: id,
    domains: ['ops'],
    capacity: 1,
  })),
  ...routing,
});

const ONCALL: OrgConfigInput['receivers'] = [
  {
    name: 'oncall',
    escalation: {
      steps: [
        { notify: ['@domain-owners'], escalate_after: '10m' },
        { notify: ['pete', 'quinn'], escalate_after: '5m' },
      ],
      repeat: 1,
    },
  },
];

const stall = (work = 'w1'): Signal => ({
  labels: { alertname: 'WorkStalled', severity: 'warning', domain: 'ops', actor: 'bot', work },
  summary: 'stalled',
  details: {},
});

describe('escalation', () => {
  let clock: ManualClock;
  let store: MemoryStore;

  async function setup(routing: Partial<OrgConfigInput>): Promise<void> {
    clock = new ManualClock('2026-03-02T09:00:00.000Z');
    store = new MemoryStore(clock);
    const config = orgConfigSchema.parse(org(routing));
    await store.transaction((tx) => applyOrgConfig(tx, clock, 'test', toOrgModel(config), 'test'));
  }

  async function run<T>(fn: (ctx: MonitoringContext) => Promise<T>): Promise<T> {
    const policy = monitoringPolicyOf((await store.read.organization.get())?.routing);
    return (await store.transaction((tx) => fn({ tx, clock, principal: SYSTEM, policy }))).result;
  }

  const raise = (signal = stall()) =>
    run(async (ctx) => (await raiseException(ctx, 'detector:test', signal)).exception);
  const tick = (e: ExceptionRecord) =>
    run(async (ctx) => advanceEscalations(ctx, (await ctx.tx.exceptions.get(e.id)) ?? e));
  const notified = (e: ExceptionRecord) =>
    e.escalations.map((x) => `${x.receiver}:${x.loop}.${x.step}:${x.notified.join('+')}`);
  const setStatus = (id: string, status: 'offline' | 'available') =>
    store.transaction((tx) => tx.actors.setStatus(id, status));

  beforeEach(() => setup({ receivers: ONCALL, route: { receiver: 'oncall', group_wait: '0s' } }));

  it('runs the steps after their delays and loops through them again', async () => {
    let e = await raise();
    expect(notified(e)).toEqual(['oncall:0.0:olga']);
    clock.advance(10 * MINUTE - 1);
    e = await tick(e);
    expect(notified(e)).toEqual(['oncall:0.0:olga']);
    clock.advance(1);
    e = await tick(e);
    expect(notified(e)).toEqual(['oncall:0.1:pete+quinn']);
    clock.advance(5 * MINUTE);
    e = await tick(e);
    expect(notified(e)).toEqual(['oncall:1.0:olga']);
    clock.advance(10 * MINUTE);
    e = await tick(e);
    // The last step of the last loop: nothing further is due.
    expect(notified(e)).toEqual(['oncall:1.1:pete+quinn']);
    expect(e.escalations[0]?.nextAt).toBeNull();
    clock.advance(60 * MINUTE);
    expect(await tick(e)).toEqual(e);
  });

  it('stops when someone acknowledges', async () => {
    const e = await raise();
    await run((ctx) => acknowledgeException(ctx, e.id));
    clock.advance(60 * MINUTE);
    expect(
      await run((ctx) => ctx.tx.exceptions.listEscalationDue(clock.now().toISOString(), 10)),
    ).toEqual([]);
    const after = await tick(e);
    expect(after.state).toBe('acknowledged');
    expect(notified(after)).toEqual(['oncall:0.0:olga']);
  });

  it('passes over offline people, and a step with nobody left', async () => {
    await setStatus('olga', 'offline');
    await setStatus('pete', 'offline');
    const e = await raise();
    // Step 0 had only olga: moved on at once to step 1, where quinn is the one reachable.
    expect(notified(e)).toEqual(['oncall:0.1:quinn']);
    const events = store.read.events;
    const steps = (await events.list({ subject: e.id, limit: 10 }))
      .filter((x) => x.type === 'monitoring.exception.notified')
      .map((x) => x.payload);
    expect(steps).toEqual([
      expect.objectContaining({
        step: 0,
        targets: [],
        skipped: [{ actorId: 'olga', reason: 'offline' }],
      }),
      expect.objectContaining({
        step: 1,
        targets: ['quinn'],
        skipped: [{ actorId: 'pete', reason: 'offline' }],
      }),
    ]);
  });

  it('ends the policy when nobody at all can be reached', async () => {
    for (const id of ['olga', 'pete', 'quinn']) await setStatus(id, 'offline');
    const e = await raise();
    expect(e.escalations[0]).toMatchObject({ notified: [], nextAt: null });
  });

  it('waits for the group wait before the first step', async () => {
    await setup({ receivers: ONCALL, route: { receiver: 'oncall', group_wait: '30s' } });
    let e = await raise();
    expect(notified(e)).toEqual(['oncall:0.0:']);
    clock.advance(30_000);
    e = await tick(e);
    expect(notified(e)).toEqual(['oncall:0.0:olga']);
  });

  it('tells nobody while a silence matches, and runs the due step when it ends', async () => {
    await run(async (ctx) => {
      await ctx.tx.exceptions.insertSilence({
        id: 'sil_1',
        matchers: ['alertname="WorkStalled"', 'actor=~"b.t"'],
        startsAt: clock.now().toISOString(),
        endsAt: new Date(clock.now().getTime() + 20 * MINUTE).toISOString(),
        createdBy: 'test',
        comment: 'maintenance',
        createdAt: clock.now().toISOString(),
        expiredAt: null,
      });
    });
    let e = await raise();
    expect(e.silencedBy).toBe('sil_1');
    expect(notified(e)).toEqual(['oncall:0.0:']);
    clock.advance(20 * MINUTE);
    e = await tick(e);
    expect(e.silencedBy).toBeNull();
    expect(notified(e)).toEqual(['oncall:0.0:olga']);
  });

  it('tells nobody about an exception another one inhibits', async () => {
    await setup({
      receivers: ONCALL,
      route: { receiver: 'oncall', group_wait: '0s' },
      inhibit_rules: [
        {
          source_matchers: ['alertname="HeartbeatLost"'],
          target_matchers: ['alertname="WorkStalled"'],
          equal: ['actor'],
        },
      ],
    });
    await raise({
      labels: { alertname: 'HeartbeatLost', severity: 'critical', domain: 'ops', actor: 'bot' },
      summary: 'gone',
      details: {},
    });
    const inhibited = await raise(stall());
    expect(notified(inhibited)).toEqual(['oncall:0.0:']);
    // Another actor's stall is not inhibited (the `equal` label differs).
    const other = await raise({ ...stall('w2'), labels: { ...stall('w2').labels, actor: 'bob' } });
    expect(notified(other)).toEqual(['oncall:0.0:olga']);
  });

  it('routes by the tree: an actor named directly is told once', async () => {
    await setup({
      receivers: ONCALL,
      route: {
        receiver: 'oncall',
        group_wait: '0s',
        routes: [{ matchers: ['severity="critical"'], receiver: 'quinn', continue: true }],
      },
    });
    const e = await raise({ ...stall(), labels: { ...stall().labels, severity: 'critical' } });
    expect(e.receivers).toEqual(['quinn']);
    expect(notified(e)).toEqual(['quinn:0.0:quinn']);
    expect(e.escalations[0]?.nextAt).toBeNull();
  });

  it('dedups by labels: raising the same condition again changes nothing', async () => {
    const first = await raise();
    clock.advance(MINUTE);
    const again = await run((ctx) => raiseException(ctx, 'detector:test', stall()));
    expect(again.opened).toBe(false);
    expect(again.exception.id).toBe(first.id);
    expect(again.exception.lastSeenAt).toBe(clock.now().toISOString());
  });
});
