import { describe, expect, it } from 'vitest';
import type { EventType, StoredEvent } from '../core/events.js';
import { emptyFoldState, RollupFold } from './rollup-fold.js';

let seq = 0;
const event = (type: EventType, time: string, payload: unknown): StoredEvent => ({
  seq: ++seq,
  time,
  type,
  actor: 'hana',
  subject: 'apr_1',
  payload,
  prevHash: '',
  hash: '',
});

const end = (action: string, requestedAt?: string) => ({
  actorId: 'bot',
  action,
  resource: { type: 'WorkItem', id: 'w1' },
  ...(requestedAt === undefined ? {} : { domainId: 'billing', requestedAt }),
  reason: '',
});

describe('RollupFold: approval waits', () => {
  it('observes request to decision per domain, action and decision, in the decision’s bucket', () => {
    const fold = new RollupFold(emptyFoldState());
    fold.fold(
      event('supervision.approval.approved', '2026-03-02T10:05:00.000Z', {
        ...end('refund', '2026-03-02T10:00:00.000Z'),
        approvedHash: 'h',
        changes: [],
      }),
    );
    fold.fold(
      event('supervision.approval.rejected', '2026-03-02T10:30:00.000Z', {
        ...end('refund', '2026-03-02T10:00:00.000Z'),
      }),
    );
    // Written before waits were measured: no request time, nothing observed.
    fold.fold(event('supervision.approval.expired', '2026-03-02T11:00:00.000Z', end('refund')));
    const hours = fold.deltas().flatMap((d) => {
      const wait = d.metrics.approval_wait_seconds;
      return wait === undefined || d.resolution !== 'hour' ? [] : [{ ...d, ...wait }];
    });
    expect(
      hours.map((d) => [d.bucket, JSON.parse(d.labels) as Record<string, string>, d.count, d.sum]),
    ).toEqual([
      ['2026-03-02T10', { action: 'refund', decision: 'approved', domain: 'billing' }, 1, 300],
      // The domain view adds up the domain's label sets.
      ['2026-03-02T10', { '@view': 'domain', domain: 'billing' }, 2, 2100],
      ['2026-03-02T10', { action: 'refund', decision: 'rejected', domain: 'billing' }, 1, 1800],
    ]);
  });
});
