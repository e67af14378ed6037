import { describe, expect, it } from 'vitest';
import type { EventType, StoredEvent } from '../core/events.js';
import { DEFAULT_TRUST_CONFIG } from '../core/trust.js';
import { TrustFold } from './trust-fold.js';

let seq = 0;
const event = (
  type: EventType,
  subject: string,
  payload: unknown,
  actor = 'system',
  time = '2026-01-01T00:00:00.000Z',
): StoredEvent => ({ seq: ++seq, time, type, actor, subject, payload, prevHash: '', hash: '' });

const empty = { records: () => Promise.resolve([]), states: () => Promise.resolve([]) };

const setup = [
  event('core.actor.upserted', 'bot', { kind: 'agent', domains: ['ops'] }),
  event('core.actor.upserted', 'ann', { kind: 'human', domains: ['ops'] }),
  event('core.work_type.upserted', 'draft', { domainId: 'ops' }),
];

async function folded(events: StoredEvent[], config = DEFAULT_TRUST_CONFIG) {
  const fold = new TrustFold(empty, config);
  for (const e of [...setup, ...events]) await fold.fold(e);
  return fold;
}

describe('TrustFold', () => {
  it('counts an agent’s stages and completions, not a person’s', async () => {
    const fold = await folded([
      event('coordination.work.created', 'w1', { typeId: 'draft', stageId: 'write' }),
      event('coordination.work.stage_completed', 'w1', { completedBy: 'bot' }),
      event('coordination.work.completed', 'w1', { attempt: { actorId: 'ann', typeId: 'draft' } }),
      event('coordination.work.failed', 'w2', { attempt: { actorId: 'bot', typeId: 'draft' } }),
    ]);
    expect(fold.changedRecords().map((r) => [r.actorId, r.domainId, r.class, r.counts])).toEqual([
      ['bot', 'ops', 'work', { attempts: 2, successes: 1, reversals: 0, incidents: 0 }],
    ]);
  });

  it('counts the custom actions an agent took, in their own class and domain', async () => {
    const performed = (actorId: string, action: string) =>
      event('supervision.action.performed', 'w9', {
        actorId,
        action,
        class: 'refund',
        resource: { type: 'WorkItem', id: 'w9' },
        domainId: 'ops',
        argumentsHash: 'h',
        approvalId: null,
      });
    const fold = await folded([
      performed('bot', 'refund'),
      performed('bot', 'refund'),
      performed('ann', 'refund'),
    ]);
    expect(fold.changedRecords().map((r) => [r.actorId, r.domainId, r.class, r.counts])).toEqual([
      ['bot', 'ops', 'refund', { attempts: 2, successes: 2, reversals: 0, incidents: 0 }],
    ]);
  });

  it('makes a person’s cancellation of an item an agent worked on a reversal of that agent', async () => {
    const fold = await folded([
      event('coordination.work.created', 'w1', { typeId: 'draft', stageId: 'write' }),
      event('coordination.work.stage_completed', 'w1', { completedBy: 'bot' }),
      event('coordination.work.cancelled', 'w1', { reason: 'wrong customer' }, 'ann'),
      event('coordination.work.created', 'w2', { typeId: 'draft', stageId: 'write' }),
      event('coordination.work.stage_completed', 'w2', { completedBy: 'bot' }),
      // The engine or the agent itself cancelling undoes nobody's judgement.
      event('coordination.work.cancelled', 'w2', {}, 'bot'),
    ]);
    const [record] = fold.changedRecords();
    expect(record?.counts.reversals).toBe(1);
    expect(record?.marks).toEqual([
      {
        kind: 'reversal',
        at: '2026-01-01T00:00:00.000Z',
        reason: 'ann cancelled the item: wrong customer',
        ref: 'w1',
        by: 'ann',
      },
    ]);
  });

  it('takes exceptions the rules select, about an agent, as incidents', async () => {
    const opened = (labels: Record<string, string>) =>
      event('monitoring.exception.opened', `exc_${String(seq)}`, { labels, summary: 'stalled' });
    const config = {
      ...DEFAULT_TRUST_CONFIG,
      incidents: { demoteTo: 0, fromExceptions: ['severity="critical"'] },
    };
    const fold = await folded(
      [
        opened({ severity: 'critical', actor: 'bot' }),
        opened({ severity: 'warning', actor: 'bot' }),
        opened({ severity: 'critical', actor: 'ann' }),
        opened({ severity: 'critical' }),
      ],
      config,
    );
    expect(fold.changedRecords().map((r) => [r.actorId, r.counts.incidents])).toEqual([['bot', 1]]);
    expect(fold.exceptionIncidents).toEqual([
      { key: { actorId: 'bot', domainId: 'ops', class: 'work' }, reason: 'stalled' },
    ]);
    // Without matchers, no exception is an incident.
    const none = await folded([opened({ severity: 'critical', actor: 'bot' })]);
    expect(none.changedRecords()).toEqual([]);
  });
});
