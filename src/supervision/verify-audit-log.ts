import { verifyChain, type ChainVerification } from '../core/hash-chain.js';
import type { EventLog } from '../core/ports/event-log.js';

/**
 * Recomputes the whole hash chain from the stored log and checks it against the recorded head:
 * an edited, deleted, inserted or reordered event is reported at the first link it breaks.
 */
export async function verifyAuditLog(log: EventLog): Promise<ChainVerification> {
  return verifyChain(log.scan(), await log.head());
}
