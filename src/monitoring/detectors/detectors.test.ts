import { describe, expect, it } from 'vitest';
import type { Actor, WorkItem, WorkType } from '../../core/model.js';
import type { WorkStats } from '../../core/ports/work-stats-store.js';
import {
  DEFAULT_DETECTOR_SETTINGS as SETTINGS,
  type DetectorSettings,
} from '../detector-settings.js';
import { statsKey, type MonitoringSnapshot } from '../monitoring-snapshot.js';
import type { Signal } from '../signal.js';
import { earliestWake, NO_WAKE, type Wake } from '../wake.js';
import { detectBacklogGrowth } from './backlog-growth.js';
import { detectDependencyDeadlock } from './dependency-deadlock.js';
import { detectFailureSpike } from './failure-spike.js';
import { detectHeartbeatLost } from './heartbeat-lost.js';
import { detectRetriesExhausted } from './retries-exhausted.js';
import { detectSaturation } from './saturation.js';
import { detectSlaRisk } from './sla-risk.js';
import { detectStalledWork } from './stalled-work.js';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

const TICKET: WorkType = {
  id: 'ticket',
  domainId: 'ops',
  name: 'Ticket',
  description: '',
  requiredSkills: { triage: 2 },
  expectedDurationSeconds: 20 * 60,
  slaSeconds: 8 * 3600,
  maxAttempts: 2,
  stages: [],
};

const actor = (id: string, over: Partial<Actor> = {}): Actor => ({
  id,
  kind: 'agent',
  name: id,
  domains: ['ops'],
  skills: { triage: 3 },
  capacity: 2,
  mode: 'pull',
  costPerHour: 0,
  status: 'available',
  lastHeartbeatAt: null,
  ...over,
});

const item = (id: string, over: Partial<WorkItem> = {}): WorkItem =>
  ({
    id,
    typeId: 'ticket',
    title: `Item ${id}`,
    payload: {},
    value: 1,
    dueAt: null,
    priorityClass: 'normal',
    dependsOn: [],
    stageId: null,
    priority: 0,
    attempts: 0,
    failedBy: [],
    declinedBy: [],
    startedAt: null,
    version: 1,
    createdAt: at(0),
    updatedAt: at(0),
    state: 'queued',
    ownerId: null,
    offeredTo: null,
    leaseExpiresAt: null,
    ...over,
  }) as WorkItem;

const held = (id: string, owner: string, startedMinute: number | null): WorkItem =>
  item(id, {
    state: startedMinute === null ? 'assigned' : 'in_progress',
    ownerId: owner,
    leaseExpiresAt: at(600),
    startedAt: startedMinute === null ? null : at(startedMinute),
    updatedAt: at(startedMinute ?? 0),
  });

function snapshot(minute: number, over: Partial<MonitoringSnapshot> = {}): MonitoringSnapshot {
  const actors = over.actors ?? new Map([['bot', actor('bot')]]);
  const heldItems = over.held ?? [];
  const heldBy = new Map<string, number>();
  for (const h of heldItems)
    if (h.ownerId !== null) heldBy.set(h.ownerId, (heldBy.get(h.ownerId) ?? 0) + 1);
  return {
    now: new Date(T0 + minute * 60_000),
    actors,
    domains: new Map(),
    types: new Map([['ticket', TICKET]]),
    stats: new Map(),
    held: heldItems,
    blocked: [],
    exhausted: [],
    dueSoon: [],
    queueHeads: [],
    heldBy,
    prerequisites: new Map(),
    recentAttempts: [],
    backlog: [],
    ...over,
  };
}

/** Learned figures: `n` completions averaging `minutes` each. */
const learned = (actorId: string | null, n: number, minutes: number, failures = 0): WorkStats => ({
  typeId: 'ticket',
  actorId,
  completions: n,
  failures,
  durationWeight: n,
  durationSum: n * minutes * 60,
  successWeight: n,
  failureWeight: failures,
  updatedAt: at(0),
});

describe('stalled work', () => {
  const beat = (minute: number) =>
    new Map([['bot', actor('bot', { lastHeartbeatAt: at(minute) })]]);

  it('fires when the holder is quiet for a quarter of the expected duration, says why, and clears', () => {
    const work = [held('w1', 'bot', 0)];
    expect(detectStalledWork(snapshot(5, { held: work, actors: beat(0) }), SETTINGS)).toEqual([]);
    const [signal] = detectStalledWork(snapshot(6, { held: work, actors: beat(0) }), SETTINGS);
    expect(signal?.labels).toEqual({
      alertname: 'WorkStalled',
      severity: 'warning',
      domain: 'ops',
      work_type: 'ticket',
      actor: 'bot',
      work: 'w1',
    });
    expect(signal?.summary).toMatch(
      /no sign of life from bot for 6m \(limit 5m, 25% of the expected 20m, as configured\)/,
    );
    // A heartbeat clears it.
    expect(detectStalledWork(snapshot(6, { held: work, actors: beat(5.5) }), SETTINGS)).toEqual([]);
  });

  it('judges each actor by what it was learned to take, not a fixed timeout', () => {
    const work = [held('w1', 'bot', 0)];
    // bot has been seen to take 60 minutes on tickets: 6 minutes of quiet is normal for it.
    const stats = new Map([
      [statsKey('ticket', null), learned(null, 30, 60)],
      [statsKey('ticket', 'bot'), learned('bot', 30, 60)],
    ]);
    expect(
      detectStalledWork(snapshot(6, { held: work, actors: beat(0), stats }), SETTINGS),
    ).toEqual([]);
    const [signal] = detectStalledWork(
      snapshot(16, { held: work, actors: beat(0), stats }),
      SETTINGS,
    );
    expect(signal?.summary).toMatch(/learned from 30 completed attempts/);
  });

  it('fires on an overrun even while heartbeats arrive', () => {
    const work = [held('w1', 'bot', 0)];
    expect(detectStalledWork(snapshot(39, { held: work, actors: beat(38) }), SETTINGS)).toEqual([]);
    const [signal] = detectStalledWork(snapshot(41, { held: work, actors: beat(40) }), SETTINGS);
    expect(signal?.summary).toMatch(/in progress for 41m, over 2× the expected 20m/);
  });
});

describe('lost heartbeats', () => {
  it('fires for a silent agent holding work, and not for one that never sent any or went offline', () => {
    const work = [held('w1', 'bot', 0)];
    const quiet = new Map([['bot', actor('bot', { lastHeartbeatAt: at(0) })]]);
    expect(detectHeartbeatLost(snapshot(5, { held: work, actors: quiet }), SETTINGS)).toEqual([]);
    const [signal] = detectHeartbeatLost(snapshot(6, { held: work, actors: quiet }), SETTINGS);
    expect(signal?.labels).toMatchObject({
      alertname: 'HeartbeatLost',
      actor: 'bot',
      severity: 'critical',
    });
    expect(signal?.summary).toMatch(/no heartbeat for 6m \(limit 5m\) while holding 1 work item/);
    const never = new Map([['bot', actor('bot')]]);
    expect(detectHeartbeatLost(snapshot(60, { held: work, actors: never }), SETTINGS)).toEqual([]);
    const offline = new Map([['bot', actor('bot', { lastHeartbeatAt: at(0), status: 'offline' })]]);
    expect(detectHeartbeatLost(snapshot(60, { held: work, actors: offline }), SETTINGS)).toEqual(
      [],
    );
    expect(detectHeartbeatLost(snapshot(60, { held: [], actors: quiet }), SETTINGS)).toEqual([]);
  });
});

describe('SLA risk', () => {
  it('fires before the breach when the remaining work cannot fit, then reports the breach', () => {
    // 20 minutes of work, due in 30: fine; due in 15: at risk; past due: breached.
    const due = (minute: number) => [item('w1', { dueAt: at(minute) })];
    expect(detectSlaRisk(snapshot(0, { dueSoon: due(30) }))).toEqual([]);
    const [risk] = detectSlaRisk(snapshot(0, { dueSoon: due(15) }));
    expect(risk?.labels).toMatchObject({ alertname: 'SlaAtRisk', severity: 'warning', work: 'w1' });
    expect(risk?.summary).toMatch(
      /predicted to finish 5m after its deadline: 20m of work left \(queued\), due in 15m/,
    );
    const [breach] = detectSlaRisk(snapshot(20, { dueSoon: due(15) }));
    expect(breach?.labels).toMatchObject({ alertname: 'SlaBreached', severity: 'critical' });
  });

  it('counts what an item in progress has done already', () => {
    const started = held('w1', 'bot', 0);
    const work = [{ ...started, dueAt: at(25) } as WorkItem];
    expect(detectSlaRisk(snapshot(10, { dueSoon: work }))).toEqual([]);
  });
});

describe('exhausted retries and dependency deadlock', () => {
  it('raises failed work nobody will retry, and blocked work waiting on it', () => {
    const failed = item('w1', {
      state: 'failed',
      attempts: 2,
      failedBy: ['bot', 'bob'],
    });
    const [exhausted] = detectRetriesExhausted(snapshot(0, { exhausted: [failed] }));
    expect(exhausted?.summary).toMatch(/failed 2 times \(bot, bob\); retry or cancel it/);

    const blocked = item('w2', { state: 'blocked', dependsOn: ['w1', 'w3'] });
    const fine = item('w3', { state: 'in_progress' });
    const prerequisites = new Map([
      ['w1', failed],
      ['w3', fine],
    ]);
    const [deadlock] = detectDependencyDeadlock(snapshot(0, { blocked: [blocked], prerequisites }));
    expect(deadlock?.labels).toMatchObject({ alertname: 'DependencyDeadlock', work: 'w2' });
    expect(deadlock?.summary).toMatch(/waits on w1 \(failed\), which will not complete/);
    // Once the prerequisite is retried, the deadlock clears.
    const retried = new Map([
      ['w1', item('w1', { state: 'queued' })],
      ['w3', fine],
    ]);
    expect(
      detectDependencyDeadlock(snapshot(0, { blocked: [blocked], prerequisites: retried })),
    ).toEqual([]);
  });
});

describe('saturation', () => {
  const queued = (minute: number) => [{ item: item('w1', { updatedAt: at(minute) }), queued: 7 }];

  it('fires when the oldest item waited its expected duration and every eligible actor is full', () => {
    const full = [held('a', 'bot', 0), held('b', 'bot', 0)];
    expect(detectSaturation(snapshot(19, { queueHeads: queued(0), held: full }), SETTINGS)).toEqual(
      [],
    );
    const [signal] = detectSaturation(
      snapshot(21, { queueHeads: queued(0), held: full }),
      SETTINGS,
    );
    expect(signal?.labels).toMatchObject({
      alertname: 'NoEligibleCapacity',
      severity: 'warning',
      work_type: 'ticket',
    });
    expect(signal?.summary).toMatch(
      /7 queued, the oldest for 21m, and all 1 eligible actors are full or unavailable \(bot 2\/2\)/,
    );
    // Room frees up: cleared.
    expect(
      detectSaturation(snapshot(21, { queueHeads: queued(0), held: full.slice(1) }), SETTINGS),
    ).toEqual([]);
  });

  it('is critical when nobody has the skills at all', () => {
    const actors = new Map([['bot', actor('bot', { skills: { triage: 1 } })]]);
    const [signal] = detectSaturation(snapshot(30, { queueHeads: queued(0), actors }), SETTINGS);
    expect(signal?.labels.severity).toBe('critical');
    expect(signal?.summary).toMatch(/nobody has the skills \(triage 2\)/);
  });
});

describe('failure spikes', () => {
  const attempts = (actorId: string, failed: number, ok: number) => [
    ...Array.from({ length: failed }, () => ({ typeId: 'ticket', actorId, failed: true })),
    ...Array.from({ length: ok }, () => ({ typeId: 'ticket', actorId, failed: false })),
  ];

  it('fires per actor and per work type well above the learned rate, not on one bad attempt', () => {
    expect(
      detectFailureSpike(snapshot(0, { recentAttempts: attempts('bot', 1, 1) }), SETTINGS),
    ).toEqual([]);
    const signals = detectFailureSpike(
      snapshot(0, { recentAttempts: attempts('bot', 3, 3) }),
      SETTINGS,
    );
    expect(signals.map((s) => s.labels)).toEqual([
      { alertname: 'FailureRateSpike', severity: 'warning', domain: 'ops', work_type: 'ticket' },
      { alertname: 'FailureRateSpike', severity: 'warning', actor: 'bot', domain: 'ops' },
    ]);
    expect(signals[1]?.summary).toMatch(
      /bot: 3 of 6 attempts failed in the last 1h \(50%; learned 10%\)/,
    );
  });

  it('does not fire where failing this often is what was learned', () => {
    const stats = new Map([
      [statsKey('ticket', null), learned(null, 50, 20, 50)],
      [statsKey('ticket', 'bot'), learned('bot', 50, 20, 50)],
    ]);
    expect(
      detectFailureSpike(snapshot(0, { recentAttempts: attempts('bot', 3, 3), stats }), SETTINGS),
    ).toEqual([]);
  });
});

describe('backlog growth', () => {
  const sample = (minute: number, open: number) => ({
    at: T0 + minute * 60_000,
    open: new Map([['ticket', open]]),
  });

  it('fires when open work grows by enough items and share over the window', () => {
    const [signal] = detectBacklogGrowth(
      snapshot(30, { backlog: [sample(0, 10), sample(30, 40)] }),
      SETTINGS,
    );
    expect(signal?.summary).toMatch(
      /open work grew from 10 to 40 in 30m; arrivals outpace completions by about 60 an hour/,
    );
    expect(
      detectBacklogGrowth(snapshot(30, { backlog: [sample(0, 100), sample(30, 130)] }), SETTINGS),
    ).toEqual([]);
    expect(
      detectBacklogGrowth(snapshot(30, { backlog: [sample(0, 10), sample(30, 15)] }), SETTINGS),
    ).toEqual([]);
  });

  it('waits until the samples cover half the window', () => {
    expect(
      detectBacklogGrowth(snapshot(10, { backlog: [sample(0, 0), sample(10, 100)] }), SETTINGS),
    ).toEqual([]);
  });
});

describe('the moment to look again', () => {
  type Detect = (s: MonitoringSnapshot, settings: DetectorSettings, wake: Wake) => Signal[];

  /** The earliest wake a detector names, and that it fires then and not a millisecond before. */
  function expectFlipAt(detect: Detect, s: MonitoringSnapshot): number {
    const earliest = earliestWake(s.now.getTime());
    expect(detect(s, SETTINGS, earliest.wake)).toEqual([]);
    const wakeAt = earliest.at;
    if (wakeAt === null) throw new Error('no wake named');
    expect(detect({ ...s, now: new Date(wakeAt - 1) }, SETTINGS, NO_WAKE)).toEqual([]);
    expect(detect({ ...s, now: new Date(wakeAt) }, SETTINGS, NO_WAKE)).not.toEqual([]);
    return wakeAt;
  }

  it('names when a quiet holder becomes a stall', () => {
    const actors = new Map([['bot', actor('bot', { lastHeartbeatAt: at(0) })]]);
    const wakeAt = expectFlipAt(
      detectStalledWork,
      snapshot(1, { held: [held('w1', 'bot', 0)], actors }),
    );
    expect(wakeAt).toBe(T0 + 5 * 60_000 + 1);
  });

  it('names when a silent agent is lost', () => {
    const actors = new Map([['bot', actor('bot', { lastHeartbeatAt: at(0) })]]);
    expectFlipAt(detectHeartbeatLost, snapshot(1, { held: [held('w1', 'bot', 0)], actors }));
  });

  it('names when the remaining work stops fitting before the deadline, queued or in progress', () => {
    const queued = expectFlipAt(
      detectSlaRisk,
      snapshot(0, { dueSoon: [item('w1', { dueAt: at(30) })] }),
    );
    // 20 minutes of work due at 30: at risk from the 10th minute on.
    expect(queued).toBe(T0 + 10 * 60_000 + 1);
    const started = { ...held('w1', 'bot', 0), dueAt: at(25) } as WorkItem;
    // Started at 0 with 20 minutes expected: the prediction holds until it overruns at 25.
    expect(expectFlipAt(detectSlaRisk, snapshot(10, { dueSoon: [started] }))).toBe(
      T0 + 25 * 60_000 + 1,
    );
  });
});
