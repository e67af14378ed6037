import { describe, expect, it } from 'vitest';
import type { Actor, WorkItem, WorkType } from '../core/model.js';
import type { WorkStats } from '../core/ports/work-stats-store.js';
import { estimateType } from './estimate-work.js';
import { costScore, matchActors, MATCH_WEIGHTS, skillFit, speedScore } from './match-actors.js';

const TYPE: WorkType = {
  id: 'ticket',
  domainId: 'ops',
  name: 'Ticket',
  description: '',
  requiredSkills: { triage: 2 },
  expectedDurationSeconds: 1800,
  slaSeconds: 4 * 3600,
  maxAttempts: 3,
  stages: [],
};

const actor = (id: string, over: Partial<Actor> = {}): Actor => ({
  id,
  kind: 'agent',
  name: id,
  domains: [],
  skills: { triage: 2 },
  capacity: 4,
  mode: 'push',
  costPerHour: 0,
  status: 'available',
  lastHeartbeatAt: null,
  ...over,
});

const ITEM = {
  id: 'w_1',
  typeId: 'ticket',
  failedBy: [],
  declinedBy: [],
} as unknown as WorkItem;

const stats = (actorId: string, over: Partial<WorkStats>): WorkStats => ({
  typeId: 'ticket',
  actorId,
  completions: 0,
  failures: 0,
  durationWeight: 0,
  durationSum: 0,
  successWeight: 0,
  failureWeight: 0,
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

const typical = { type: estimateType(TYPE, null), actors: new Map<string, WorkStats>() };

describe('score parts', () => {
  it('speed is 0.5 at the usual pace, higher faster, symmetric in the ratio', () => {
    expect(speedScore(1800, 1800)).toBe(0.5);
    expect(speedScore(1800, 900)).toBeCloseTo(2 / 3);
    expect(speedScore(1800, 3600)).toBeCloseTo(1 / 3);
    expect(speedScore(1800, 0)).toBe(1);
  });

  it('cost is 1 for the cheapest and for free work, cheapest / own otherwise', () => {
    expect(costScore(0, 0)).toBe(1);
    expect(costScore(10, 10)).toBe(1);
    expect(costScore(20, 10)).toBe(0.5);
  });

  it('fit is 1 for exactly the levels needed, a quarter less per idle level', () => {
    expect(skillFit(actor('a'), TYPE.requiredSkills)).toBe(1);
    expect(skillFit(actor('a', { skills: { triage: 4 } }), TYPE.requiredSkills)).toBe(0.5);
  });

  it('weights sum to 1', () => {
    expect(Object.values(MATCH_WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1);
  });
});

describe('matchActors', () => {
  const loads = (...actors: Actor[]) => actors.map((a) => ({ actor: a, held: 0, offered: 0 }));

  it('with nothing learned and no costs, only fit and free capacity tell actors apart', () => {
    const result = matchActors(
      ITEM,
      TYPE.requiredSkills,
      [
        { actor: actor('ann'), held: 2, offered: 0 },
        { actor: actor('bob', { skills: { triage: 3 } }), held: 0, offered: 0 },
      ],
      typical,
    );
    const [first, second] = result.candidates;
    expect(first).toMatchObject({ actorId: 'bob', speed: 0.5, cost: 1, fit: 0.75, free: 1 });
    expect(second).toMatchObject({ actorId: 'ann', speed: 0.5, cost: 1, fit: 1, free: 0.5 });
    expect(first?.success).toBe(second?.success);
  });

  it('prefers the actor learned to be faster on the type', () => {
    const learning = {
      type: typical.type,
      actors: new Map([
        [
          'ann',
          stats('ann', {
            completions: 5,
            durationWeight: 5,
            durationSum: 5 * 3600,
            successWeight: 5,
          }),
        ],
        [
          'bob',
          stats('bob', {
            completions: 5,
            durationWeight: 5,
            durationSum: 5 * 600,
            successWeight: 5,
          }),
        ],
      ]),
    };
    const result = matchActors(
      ITEM,
      TYPE.requiredSkills,
      loads(actor('ann'), actor('bob')),
      learning,
    );
    expect(result.chosen?.actorId).toBe('bob');
    const [bob, ann] = result.candidates;
    expect(bob?.speed).toBeGreaterThan(0.5);
    expect(ann?.speed).toBeLessThan(0.5);
    expect(bob?.learned.completions).toBe(5);
  });

  it('prefers the actor learned to be more reliable on the type', () => {
    const learning = {
      type: typical.type,
      actors: new Map([
        ['ann', stats('ann', { failures: 3, failureWeight: 3 })],
        ['bob', stats('bob', { completions: 3, successWeight: 3 })],
      ]),
    };
    const result = matchActors(
      ITEM,
      TYPE.requiredSkills,
      loads(actor('ann'), actor('bob')),
      learning,
    );
    expect(result.candidates.map((c) => c.actorId)).toEqual(['bob', 'ann']);
    expect(result.candidates[1]?.success).toBeLessThan(0.5);
  });

  it('prefers the cheaper actor when all else is equal, by expected cost of the item', () => {
    const result = matchActors(
      ITEM,
      TYPE.requiredSkills,
      loads(actor('ann', { costPerHour: 90 }), actor('bob', { costPerHour: 30 })),
      typical,
    );
    expect(result.candidates.map((c) => [c.actorId, c.cost])).toEqual([
      ['bob', 1],
      ['ann', 1 / 3],
    ]);
    // Half an hour at 30 an hour.
    expect(result.candidates[0]?.learned.expectedCost).toBe(15);
  });

  it('rejects push actors that cannot take the item, with reasons, and ignores pull actors', () => {
    const result = matchActors(
      { ...ITEM, failedBy: ['ann'] },
      TYPE.requiredSkills,
      [
        ...loads(actor('ann'), actor('cat', { mode: 'pull' }), actor('dan', { skills: {} })),
        { actor: actor('eve', { capacity: 1 }), held: 0, offered: 1 },
      ],
      typical,
    );
    expect(result.chosen).toBeNull();
    expect(result.rejected).toEqual([
      { actorId: 'ann', reasons: ['failed this item before'] },
      { actorId: 'dan', reasons: ['lacks triage ≥ 2 (has 0)'] },
      { actorId: 'eve', reasons: ['no free capacity (0 held, 1 offered of 1)'] },
    ]);
  });
});
