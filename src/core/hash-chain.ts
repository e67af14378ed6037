import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { StoredEvent } from './events.js';

/** The `prev_hash` of the first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** The hashed content of an event: everything but the hashes themselves. */
export type HashedFields = Omit<StoredEvent, 'prevHash' | 'hash'>;

/**
 * `sha256(prev_hash ‖ canonical JSON)`, canonical JSON being RFC 8785 (JCS), so any
 * implementation in any language recomputes the same hash from the same event.
 */
export function hashEvent(prevHash: string, fields: HashedFields): string {
  const canonical = canonicalJson({
    seq: fields.seq,
    time: fields.time,
    type: fields.type,
    actor: fields.actor,
    subject: fields.subject,
    payload: fields.payload,
  });
  return createHash('sha256').update(prevHash).update(canonical).digest('hex');
}

export type ChainProblemKind =
  | 'missing' // a sequence number is absent: an event was deleted
  | 'prev_hash_mismatch' // an event does not point at the one before it
  | 'hash_mismatch' // an event's content does not match its hash: it was edited
  | 'head_mismatch'; // the log goes past the recorded head, or its last hash differs from it

export interface ChainProblem {
  kind: ChainProblemKind;
  seq: number;
  message: string;
}

export interface ChainVerification {
  ok: boolean;
  checked: number;
  lastSeq: number;
  problem: ChainProblem | null;
}

/**
 * Recomputes the chain over events in sequence order and reports the first broken or missing
 * link. `head`, when given, is the separately recorded last (seq, hash), which catches deletion
 * of the newest events.
 */
export async function verifyChain(
  events: AsyncIterable<StoredEvent> | Iterable<StoredEvent>,
  head: { seq: number; hash: string } | null = null,
): Promise<ChainVerification> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  const fail = (kind: ChainProblemKind, seq: number, message: string): ChainVerification => ({
    ok: false,
    checked,
    lastSeq: expectedSeq - 1,
    problem: { kind, seq, message },
  });
  for await (const event of events) {
    if (event.seq !== expectedSeq) {
      return fail(
        'missing',
        expectedSeq,
        event.seq > expectedSeq
          ? `event ${expectedSeq} is missing (next stored event is ${event.seq})`
          : `event ${event.seq} appears out of order after ${expectedSeq - 1}`,
      );
    }
    if (event.prevHash !== prevHash) {
      return fail(
        'prev_hash_mismatch',
        event.seq,
        `event ${event.seq} does not link to event ${event.seq - 1}`,
      );
    }
    if (hashEvent(prevHash, event) !== event.hash) {
      return fail(
        'hash_mismatch',
        event.seq,
        `event ${event.seq} was altered: its hash does not match its content`,
      );
    }
    prevHash = event.hash;
    expectedSeq += 1;
    checked += 1;
  }
  if (head !== null && (head.seq !== expectedSeq - 1 || (head.seq > 0 && head.hash !== prevHash))) {
    return fail(
      head.seq > expectedSeq - 1 ? 'missing' : 'head_mismatch',
      Math.min(head.seq, expectedSeq - 1) + 1,
      `the recorded head is event ${head.seq} but the log ends at event ${expectedSeq - 1}`,
    );
  }
  return { ok: true, checked, lastSeq: expectedSeq - 1, problem: null };
}
