import { describe, expect, it } from 'vitest';
import type { StoredEvent, WorkTransitionPayload } from '../core/events.js';
import type { PolicyName } from './policy.js';
import { scenarioSchema, type ScenarioInput } from './scenario.js';
import { simulate } from './simulate.js';

const base: ScenarioInput = {
  apiVersion: 'autonomy/v1',
  kind: 'Scenario',
  metadata: { name: 'test' },
  duration: '1d',
  drain: '1d',
  actors: [{ group: 'agents', count: 3, kind: 'agent', skills: { work: 2 } }],
  workTypes: [
    {
      id: 'job',
      requiredSkills: { work: 1 },
      duration: { distribution: 'exponential', mean: '10m' },
      deadline: '1h',
      arrivals: { perHour: 10 },
    },
  ],
};

async function run(input: Partial<ScenarioInput>, policy: PolicyName = 'autonomy', seed = 1) {
  const events: StoredEvent[] = [];
  const report = await simulate(scenarioSchema.parse({ ...base, ...input }), {
    policy,
    seed,
    onEvent: (e) => events.push(e),
  });
  return { report, events };
}

const ofType = (events: StoredEvent[], type: string) => events.filter((e) => e.type === type);
const owner = (e: StoredEvent) => (e.payload as WorkTransitionPayload).ownerId;
const secondsOfDay = (iso: string) => (Date.parse(iso) / 1000) % 86_400;

describe('simulate', () => {
  it('gives the same result for the same seed, and another for another seed', async () => {
    const a = await run({});
    const b = await run({});
    const c = await run({}, 'autonomy', 2);
    const strip = ({ wallSeconds: _w, eventsPerSecond: _e, ...rest }: typeof a.report) => rest;
    expect(strip(a.report)).toEqual(strip(b.report));
    expect(c.report.items.arrived).not.toBe(a.report.items.arrived);
    expect(a.report.items).toMatchObject({ unfinished: 0 });
    expect(a.report.items.done).toBe(a.report.items.arrived);
  });

  it('runs every item through the engine: created, offered, assigned, started, completed', async () => {
    const { report, events } = await run({});
    const n = report.items.arrived;
    for (const type of ['created', 'offered', 'assigned', 'started', 'completed'])
      expect(ofType(events, `coordination.work.${type}`)).toHaveLength(n);
    expect(report.events.recorded).toBe(events.length);
  });

  it('starts a flow step only when the steps before it are done', async () => {
    const { report, events } = await run({
      workTypes: [
        {
          id: 'build',
          duration: { distribution: 'constant', mean: '20m' },
          deadline: '4h',
        },
        { id: 'test', duration: { distribution: 'constant', mean: '10m' }, deadline: '4h' },
      ],
      flows: [
        {
          id: 'release',
          deadline: '3h',
          arrivals: { perHour: 2 },
          steps: [
            { id: 'build', workType: 'build' },
            { id: 'unit', workType: 'test', after: ['build'] },
            { id: 'e2e', workType: 'test', after: ['build'] },
          ],
        },
      ],
    });
    expect(report.items.unfinished).toBe(0);
    const doneAt = new Map(
      ofType(events, 'coordination.work.completed').map((e) => [e.subject, e.time]),
    );
    const created = ofType(events, 'coordination.work.created');
    const dependents = created.filter(
      (e) => (e.payload as { dependsOn: string[] }).dependsOn.length > 0,
    );
    expect(dependents.length).toBe((created.length * 2) / 3);
    for (const d of dependents) {
      const [prerequisite] = (d.payload as { dependsOn: string[] }).dependsOn;
      const assigned = ofType(events, 'coordination.work.assigned').find(
        (e) => e.subject === d.subject,
      );
      expect((assigned?.time ?? '') >= (doneAt.get(prerequisite as string) ?? '~')).toBe(true);
    }
  });

  it('takes no new work outside working hours', async () => {
    const { events } = await run({
      duration: '3d',
      actors: [
        {
          group: 'staff',
          count: 2,
          kind: 'human',
          skills: { work: 2 },
          workingHours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' },
        },
      ],
    });
    const assigned = ofType(events, 'coordination.work.assigned');
    expect(assigned.length).toBeGreaterThan(0);
    for (const e of assigned) {
      expect(secondsOfDay(e.time)).toBeGreaterThanOrEqual(9 * 3600);
      expect(secondsOfDay(e.time)).toBeLessThan(17 * 3600);
    }
  });

  it('gives back the work of actors in an outage, and it is finished by others', async () => {
    const { report, events } = await run({
      actors: [
        {
          group: 'agents',
          count: 2,
          kind: 'agent',
          skills: { work: 2 },
          capacity: 3,
          outages: [{ at: '6h', for: '4h' }],
        },
        { group: 'staff', count: 2, kind: 'human', skills: { work: 2 } },
      ],
      workTypes: [
        {
          id: 'job',
          duration: { distribution: 'constant', mean: '1h' },
          deadline: '4h',
          arrivals: { perHour: 4 },
        },
      ],
    });
    const released = ofType(events, 'coordination.work.released');
    expect(released.length).toBeGreaterThan(0);
    expect(report.reassignments).toBeGreaterThanOrEqual(released.length);
    expect(report.items.unfinished).toBe(0);
    const during = ofType(events, 'coordination.work.assigned').filter((e) => {
      const t = secondsOfDay(e.time);
      return t >= 6 * 3600 && t < 10 * 3600 && e.time < '2026-01-06';
    });
    expect(during.every((e) => owner(e)?.startsWith('staff'))).toBe(true);
  });

  it('retries failed attempts on other actors', async () => {
    const { report, events } = await run({
      actors: [
        { group: 'flaky', count: 1, kind: 'agent', skills: { work: 2 }, failureRate: 1 },
        { group: 'steady', count: 1, kind: 'human', skills: { work: 2 } },
      ],
    });
    expect(ofType(events, 'coordination.work.failed').length).toBeGreaterThan(0);
    for (const done of ofType(events, 'coordination.work.completed'))
      expect(events.some((e) => e.subject === done.subject && owner(e) === 'steady-1')).toBe(true);
    expect(report.items.unfinished).toBe(0);
  });

  it('creates a burst at once and raises rates during a surge', async () => {
    const quiet = await run({});
    const { events } = await run({
      workTypes: [
        {
          id: 'job',
          duration: { distribution: 'exponential', mean: '10m' },
          deadline: '1h',
          arrivals: { perHour: 10, bursts: [{ at: '2h', count: 25 }] },
        },
      ],
      surges: [{ at: '12h', for: '6h', multiplier: 4 }],
    });
    const created = ofType(events, 'coordination.work.created');
    expect(created.filter((e) => e.time === '2026-01-05T02:00:00.000Z')).toHaveLength(25);
    const inSurge = created.filter((e) => e.time >= '2026-01-05T12' && e.time < '2026-01-05T18');
    expect(inSurge.length).toBeGreaterThan(4 * 6 * 10 * 0.7);
    expect(created.length).toBeGreaterThan(quiet.report.items.arrived);
  });

  it('routes as each baseline says', async () => {
    const scenario = {
      actors: [{ group: 'a', count: 3, kind: 'agent' as const, skills: { work: 2 }, capacity: 50 }],
      workTypes: [
        {
          id: 'job',
          duration: { distribution: 'constant' as const, mean: '30m' },
          deadline: '1h',
          arrivals: { perHour: 4 },
        },
      ],
    };
    const owners = async (policy: PolicyName) =>
      ofType((await run(scenario, policy)).events, 'coordination.work.assigned').map(owner);
    // FIFO: any eligible actor that has room, at random.
    expect(new Set(await owners('fifo')).size).toBe(3);
    // Round robin: in turn.
    expect((await owners('round-robin')).slice(0, 6)).toEqual([
      'a-1',
      'a-2',
      'a-3',
      'a-1',
      'a-2',
      'a-3',
    ]);
    // Least loaded and TaskRouter spread the work over all three.
    expect(new Set(await owners('least-loaded')).size).toBe(3);
    expect(new Set(await owners('taskrouter')).size).toBe(3);
  });
});

describe('simulate work in stages', () => {
  it('routes each stage by its own skills, in order, through the engine', async () => {
    const writer = { group: 'writers', count: 2, kind: 'human' as const, skills: { writing: 3 } };
    const editor = { group: 'editors', count: 1, kind: 'human' as const, skills: { editing: 4 } };
    for (const policy of ['autonomy', 'fifo'] as const) {
      const { report, events } = await run(
        {
          actors: [writer, editor],
          workTypes: [
            {
              id: 'article',
              deadline: '8h',
              stages: [
                {
                  id: 'draft',
                  requiredSkills: { writing: 2 },
                  duration: { distribution: 'constant', mean: '40m' },
                },
                {
                  id: 'edit',
                  requiredSkills: { editing: 3 },
                  duration: { distribution: 'constant', mean: '15m' },
                },
              ],
              arrivals: { perHour: 2 },
            },
          ],
        },
        policy,
      );
      expect(report.items.unfinished).toBe(0);
      const stageDone = ofType(events, 'coordination.work.stage_completed');
      expect(stageDone).toHaveLength(report.items.arrived);
      for (const e of stageDone)
        expect((e.payload as { completedBy: string }).completedBy).toMatch(/^writers-/);
      for (const done of ofType(events, 'coordination.work.completed')) {
        const last = ofType(events, 'coordination.work.assigned')
          .filter((e) => e.subject === done.subject)
          .at(-1);
        expect(last === undefined ? null : owner(last)).toBe('editors-1');
      }
    }
  });

  it('refuses a work type with both a duration and stages, naming the path', () => {
    const result = scenarioSchema.safeParse({
      ...base,
      workTypes: [
        {
          id: 'job',
          duration: { distribution: 'constant', mean: '1h' },
          stages: [{ id: 'a', duration: { distribution: 'constant', mean: '1h' } }],
          deadline: '1d',
        },
      ],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain('workTypes.0.stages');
  });
});
