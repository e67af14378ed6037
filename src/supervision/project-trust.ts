import type { Clock } from '../core/clock.js';
import type { StoredEvent } from '../core/events.js';
import type { OrganizationReader } from '../core/ports/organization-store.js';
import type { Store } from '../core/ports/store.js';
import type { RecentEvents } from '../core/recent-events.js';
import { DEFAULT_TRUST_CONFIG, type TrustConfig } from '../core/trust.js';
import { demoteForIncident, evaluateRecords } from './trust-changes.js';
import { TrustFold } from './trust-fold.js';

/** Another node folded the same events first: the batch rolled back and is read again. */
class CheckpointMoved extends Error {}

/** Events folded per transaction. */
export const TRUST_BATCH = 2000;

/** The trust rules in force (the defaults when the organization has none). */
export async function trustConfigOf(organization: OrganizationReader): Promise<TrustConfig> {
  return (await organization.get())?.authority?.trust ?? DEFAULT_TRUST_CONFIG;
}

export interface TrustFoldOptions {
  /** Apply promotions and incident demotions (not when rebuilding). */
  evaluate: boolean;
  limit?: number;
  /** What this process committed lately, folded without reading it back (see RecentEvents). */
  recent?: RecentEvents;
}

/**
 * Folds the next batch of events after the trust checkpoint into the records, in one
 * transaction with the new checkpoint; and, unless rebuilding, applies in it what the new
 * records call for: promotions earned (automatic, or proposed) and the circuit breaker for
 * incidents that exceptions brought. Returns the events folded and the events it wrote.
 */
export async function projectTrustBatch(
  store: Store,
  clock: Clock,
  options: TrustFoldOptions,
): Promise<{ folded: number; through: number; written: StoredEvent[] }> {
  const limit = options.limit ?? TRUST_BATCH;
  const from = await store.read.trust.checkpoint();
  const events =
    options.recent === undefined
      ? await store.read.events.list({ afterSeq: from, limit })
      : await options.recent.after(store.read.events, from, limit);
  const last = events.at(-1);
  if (last === undefined) return { folded: 0, through: from, written: [] };
  const { events: written } = await store.transaction(async (tx) => {
    const config = await trustConfigOf(tx.organization);
    const fold = new TrustFold(tx.trust, config);
    for (const event of events) await fold.fold(event);
    if (!(await tx.trust.advance(from, last.seq))) throw new CheckpointMoved();
    const records = fold.changedRecords();
    await tx.trust.putRecords(records);
    await tx.trust.putStates(fold.dirtyStates());
    if (!options.evaluate) return;
    const ctx = { tx, now: clock.now(), by: 'system', config };
    for (const incident of fold.exceptionIncidents)
      await demoteForIncident(ctx, incident.key, incident.reason, true);
    await evaluateRecords(ctx, records);
  });
  return { folded: events.length, through: last.seq, written };
}

/** Folds until the records have caught up with the log as it was when called; returns the events written. */
export async function catchUpTrust(
  store: Store,
  clock: Clock,
  options: TrustFoldOptions,
): Promise<StoredEvent[]> {
  const head = (await store.read.events.head())?.seq ?? 0;
  const written: StoredEvent[] = [];
  for (let moved = 0; ;) {
    try {
      const batch = await projectTrustBatch(store, clock, options);
      written.push(...batch.written);
      // Up to the log as it was when called: what commits meanwhile waits for the next call.
      if (batch.folded === 0 || batch.through >= head) return written;
    } catch (error) {
      // Another node is folding too: let it, and read from its checkpoint.
      if (!(error instanceof CheckpointMoved) || ++moved > 100) throw error;
    }
  }
}
