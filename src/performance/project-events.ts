import type { StoredEvent } from '../core/events.js';
import type { Store } from '../core/ports/store.js';
import type { RecentEvents } from '../core/recent-events.js';
import { emptyFoldState, loadStateRows, RollupFold, stateKeys } from './rollup-fold.js';

/** Another node folded the same events first: the batch rolled back and is read again. */
export class CheckpointMoved extends Error {
  constructor() {
    super('the rollup checkpoint moved while a batch was folded');
  }
}

/**
 * Events folded per transaction by default: big enough that a commit serves thousands, and that
 * a catch-up writes each hour and day bucket of a series a few times rather than once per batch.
 */
export const DEFAULT_BATCH = 5000;

/**
 * Folds the next batch of events after the checkpoint into the rollups, in one transaction
 * with the fold state it changed and the new checkpoint, so a crash loses nothing and folds
 * nothing twice. Returns how many events it folded (0 when there was nothing new) and the
 * sequence number folded through. With `recent`, the events this process just committed are
 * folded from memory, not read back.
 */
export async function projectBatch(
  store: Store,
  limit = DEFAULT_BATCH,
  recent?: RecentEvents,
): Promise<{ folded: number; through: number }> {
  const from = await store.read.rollups.checkpoint();
  const events: StoredEvent[] =
    recent === undefined
      ? await store.read.events.list({ afterSeq: from, limit })
      : await recent.after(store.read.events, from, limit);
  const last = events.at(-1);
  if (last === undefined) return { folded: 0, through: from };
  await store.transaction(async (tx) => {
    const rollups = tx.rollups;
    const state = emptyFoldState();
    // Actors, types and levels are few: loaded whole. Items and exceptions: those the batch names.
    for (const kind of ['actor', 'type', 'level']) loadStateRows(state, await rollups.states(kind));
    const keys = stateKeys(events);
    if (keys.items.length > 0) loadStateRows(state, await rollups.states('item', keys.items));
    if (keys.exceptions.length > 0)
      loadStateRows(state, await rollups.states('exception', keys.exceptions));
    const fold = new RollupFold(state);
    for (const event of events) fold.fold(event);
    if (!(await rollups.advance(from, last.seq))) throw new CheckpointMoved();
    await rollups.add(fold.deltas());
    await rollups.putStates(fold.dirtyRows());
    for (const [kind, ids] of fold.droppedRows()) await rollups.dropStates(kind, ids);
  });
  return { folded: events.length, through: last.seq };
}

/**
 * Folds until the rollups have caught up with the log as it was when called. What commits
 * meanwhile waits for the next call, so a fold racing a busy writer ends, and the commits of
 * its time are folded together. Returns the number of events folded.
 */
export async function catchUp(
  store: Store,
  limit = DEFAULT_BATCH,
  recent?: RecentEvents,
): Promise<number> {
  const head = (await store.read.events.head())?.seq ?? 0;
  let total = 0;
  for (let moved = 0; ;) {
    try {
      const { folded, through } = await projectBatch(store, limit, recent);
      total += folded;
      if (folded === 0 || through >= head) return total;
    } catch (error) {
      // Another node is folding too: let it, and read from its checkpoint.
      if (!(error instanceof CheckpointMoved) || ++moved > 100) throw error;
    }
  }
}

/** Forgets the rollups and folds the whole log again from its first event. */
export async function rebuild(store: Store, limit = DEFAULT_BATCH): Promise<number> {
  await store.transaction((tx) => tx.rollups.reset());
  return catchUp(store, limit);
}
