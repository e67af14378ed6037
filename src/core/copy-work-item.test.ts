import { describe, expect, it } from 'vitest';
import { copyWorkItem } from './copy-work-item.js';
import type { WorkItem } from './model.js';

const item: WorkItem = {
  id: 'w_1',
  typeId: 'ticket',
  title: 'A ticket',
  payload: { a: 1 },
  value: 3,
  dueAt: '2026-01-01T04:00:00.000Z',
  priorityClass: 'high',
  dependsOn: ['w_0'],
  stageId: null,
  priority: 12.5,
  attempts: 1,
  failedBy: ['ann'],
  declinedBy: [],
  startedAt: '2026-01-01T00:10:00.000Z',
  version: 4,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:10:00.000Z',
  state: 'in_progress',
  ownerId: 'bob',
  offeredTo: null,
  leaseExpiresAt: '2026-01-01T00:15:00.000Z',
};

describe('copyWorkItem', () => {
  it('copies every field into a new object, leaving the original alone when the copy changes', () => {
    const copy = copyWorkItem(item);
    expect(copy).toEqual(item);
    expect(Object.keys(copy).sort()).toEqual(Object.keys(item).sort());
    copy.state = 'done';
    copy.version = 5;
    expect(item).toMatchObject({ state: 'in_progress', version: 4 });
  });
});
