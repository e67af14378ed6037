import type { TrustKey } from '../core/events.js';
import type { TrustCounts, TrustEvidence, TrustMark, TrustRecord } from '../core/trust.js';
import { decayCounts, decayFactor } from './decay.js';

/** Reversals and incidents a record keeps to show, newest first. */
export const MARKS_KEPT = 20;

const DAY_SECONDS = 86_400;

export const trustKeyOf = (key: TrustKey): string =>
  `${key.actorId}\u0000${key.domainId}\u0000${key.class}`;

export function emptyRecord(key: TrustKey, at: string): TrustRecord {
  return {
    actorId: key.actorId,
    domainId: key.domainId,
    class: key.class,
    counts: { attempts: 0, successes: 0, reversals: 0, incidents: 0 },
    asOf: at,
    firstAt: at,
    lastReversalAt: null,
    lastIncidentAt: null,
    marks: [],
  };
}

/**
 * The record with something that happened at `at` added: the stored counts are decayed up to
 * `at` first, so they are always "as of the last event". Only event times enter the stored
 * values, so folding the same log again gives the very same numbers.
 */
export function addToRecord(
  record: TrustRecord,
  at: string,
  add: Partial<TrustCounts>,
  halfLifeSeconds: number,
  mark?: TrustMark,
): TrustRecord {
  const later = Date.parse(at) > Date.parse(record.asOf);
  const decayed = decayCounts(record.counts, decayFactor(halfLifeSeconds, record.asOf, at));
  return {
    ...record,
    counts: {
      attempts: decayed.attempts + (add.attempts ?? 0),
      successes: decayed.successes + (add.successes ?? 0),
      reversals: decayed.reversals + (add.reversals ?? 0),
      incidents: decayed.incidents + (add.incidents ?? 0),
    },
    asOf: later ? at : record.asOf,
    lastReversalAt:
      mark?.kind === 'reversal' ? latest(record.lastReversalAt, at) : record.lastReversalAt,
    lastIncidentAt:
      mark?.kind === 'incident' ? latest(record.lastIncidentAt, at) : record.lastIncidentAt,
    marks: mark === undefined ? record.marks : [mark, ...record.marks].slice(0, MARKS_KEPT),
  };
}

const latest = (a: string | null, b: string): string =>
  a !== null && Date.parse(a) > Date.parse(b) ? a : b;

/**
 * What a record shows at `now`: its counts decayed to then, the success rate (successes a
 * person did not undo, over attempts: (successes − reversals) / attempts, at least 0; null
 * without attempts) and the clean days (since the last incident or reversal, or since the
 * record's first event when there was none).
 */
export function readRecord(
  record: TrustRecord,
  now: string,
  halfLifeSeconds: number,
): Omit<TrustEvidence, 'rule'> {
  const counts = decayCounts(record.counts, decayFactor(halfLifeSeconds, record.asOf, now));
  const cleanSince = [record.firstAt, record.lastReversalAt, record.lastIncidentAt].reduce<string>(
    (a, b) => (b === null ? a : latest(a, b)),
    record.firstAt,
  );
  return {
    counts,
    successRate:
      counts.attempts > 0
        ? Math.max(0, counts.successes - counts.reversals) / counts.attempts
        : null,
    cleanDays: Math.max(0, (Date.parse(now) - Date.parse(cleanSince)) / 1000 / DAY_SECONDS),
  };
}
