import { describe, expect, it } from 'vitest';
import type { Actor, Halt, HaltScope } from './api/types';
import { haltOf } from './halts';

const agent = (id: string, domains: string[], kind: Actor['kind'] = 'agent'): Actor => ({
  id,
  kind,
  name: id,
  domains,
  skills: {},
  capacity: 1,
  mode: 'pull',
  status: 'available',
  lastHeartbeatAt: null,
});
const halt = (id: string, scope: HaltScope): Halt => ({
  id,
  scope,
  reason: id,
  haltedBy: 'op',
  haltedAt: '2026-03-02T09:00:00.000Z',
  liftedAt: null,
});

describe('haltOf', () => {
  const halts = [
    halt('h-all', { kind: 'all' }),
    halt('h-billing', { kind: 'domain', id: 'billing' }),
    halt('h-ada', { kind: 'actor', id: 'ada' }),
  ];

  it("names the agent's own halt first, then its domain's, then everyone's", () => {
    expect(haltOf(agent('ada', ['billing']), halts)?.id).toBe('h-ada');
    expect(haltOf(agent('bea', ['support', 'billing']), halts)?.id).toBe('h-billing');
    expect(haltOf(agent('cat', ['support']), halts)?.id).toBe('h-all');
    expect(haltOf(agent('cat', ['support']), halts.slice(1))).toBeNull();
  });

  it('never halts a person', () => {
    expect(haltOf(agent('hana', ['billing'], 'human'), halts)).toBeNull();
  });
});
