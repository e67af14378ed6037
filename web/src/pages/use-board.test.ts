import { describe, expect, it } from 'vitest';
import type { WorkItem, WorkState } from '../api/types';
import { placeItems, type Column, type Columns } from './use-board';

const item = (id: string, state: WorkState, extra: Partial<WorkItem> = {}): WorkItem => ({
  id,
  typeId: 'ticket',
  title: id,
  value: 1,
  dueAt: null,
  priorityClass: 'normal',
  priority: 0,
  dependsOn: [],
  stageId: null,
  attempts: 0,
  createdAt: '2026-03-02T09:00:00.000Z',
  updatedAt: '2026-03-02T09:00:00.000Z',
  state,
  ownerId: null,
  offeredTo: null,
  leaseExpiresAt: null,
  startedAt: null,
  version: 1,
  ...extra,
});
const column = (items: WorkItem[], complete = false): Column => ({
  items,
  cursor: items.at(-1)?.id ?? null,
  complete,
  loading: false,
});
const ids = (columns: Columns, state: WorkState) => columns[state]?.items.map((i) => i.id);
const ANY = { type: '', owner: '' };

describe('placeItems', () => {
  const board: Columns = {
    queued: column([item('w5', 'queued'), item('w3', 'queued')]),
    assigned: column([item('w4', 'assigned', { ownerId: 'ada' })], true),
  };

  it('puts a new item on top of its column', () => {
    expect(ids(placeItems(board, [item('w9', 'queued')], ANY), 'queued')).toEqual([
      'w9',
      'w5',
      'w3',
    ]);
  });

  it('moves a changed item from one column to the other, in id order', () => {
    const next = placeItems(board, [item('w5', 'assigned', { ownerId: 'ada' })], ANY);
    expect(ids(next, 'queued')).toEqual(['w3']);
    expect(ids(next, 'assigned')).toEqual(['w5', 'w4']);
  });

  it('leaves an item older than a partly loaded column to its later pages', () => {
    const next = placeItems(board, [item('w1', 'queued')], ANY);
    expect(ids(next, 'queued')).toEqual(['w5', 'w3']);
    // A column loaded to its end takes it at its place.
    const all = placeItems(board, [item('w1', 'assigned', { ownerId: 'ada' })], ANY);
    expect(ids(all, 'assigned')).toEqual(['w4', 'w1']);
  });

  it('drops an item that no longer passes the filter, and ignores states not shown', () => {
    const next = placeItems(board, [item('w4', 'assigned', { ownerId: 'bea' })], {
      type: '',
      owner: 'ada',
    });
    expect(ids(next, 'assigned')).toEqual([]);
    const done = placeItems(board, [item('w3', 'done')], ANY);
    expect(ids(done, 'queued')).toEqual(['w5']);
    expect(done.done).toBeUndefined();
  });
});
