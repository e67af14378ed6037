import { describe, expect, it } from 'vitest';
import type { Approval, Me } from './api/types';
import { canDecide, whoMayDecide } from './can-decide';

const approval = (over: Partial<Approval> = {}): Approval => ({
  id: 'apr_1',
  state: 'pending',
  actorId: 'ada',
  requestedBy: 'ada',
  action: 'complete',
  actionClass: 'work',
  resource: { type: 'WorkItem', id: 'wrk_1' },
  domainId: 'support',
  arguments: {},
  argumentsHash: 'h',
  approvedArguments: null,
  approvedHash: 'h',
  changes: [],
  justification: '',
  policies: [],
  approvers: ['hana'],
  exceptionId: null,
  createdAt: '2026-03-02T09:00:00.000Z',
  expiresAt: '2026-03-03T09:00:00.000Z',
  decidedAt: null,
  decidedBy: null,
  decisionReason: null,
  usedAt: null,
  ...over,
});
const me = (role: Me['role'], actorId: string | null = null): Me => ({
  tokenId: 'tok_1',
  role,
  actorId,
  name: role,
  canWrite: role !== 'viewer',
});

describe('canDecide', () => {
  it('lets admins and the approvers decide', () => {
    expect(canDecide(me('admin'), approval())).toBe(true);
    expect(canDecide(me('operator', 'hana'), approval())).toBe(true);
  });

  it('refuses viewers, agents, other people and whoever asked or would act', () => {
    expect(canDecide(me('viewer', 'hana'), approval())).toBe(false);
    expect(canDecide(me('agent', 'bea'), approval())).toBe(false);
    expect(canDecide(me('operator'), approval())).toBe(false);
    expect(canDecide(me('operator', 'hugo'), approval())).toBe(false);
    expect(canDecide(me('admin', 'ada'), approval())).toBe(false);
    expect(canDecide(me('admin', 'hana'), approval({ requestedBy: 'hana' }))).toBe(false);
    expect(canDecide(me('admin'), approval({ requestedBy: 'token:tok_1' }))).toBe(false);
  });
});

describe('whoMayDecide', () => {
  it('names the approvers, and admins besides', () => {
    expect(whoMayDecide(approval({ approvers: ['hana', 'hugo'] }))).toBe('hana, hugo, or an admin');
    expect(whoMayDecide(approval({ approvers: [] }))).toBe('an admin');
  });
});
