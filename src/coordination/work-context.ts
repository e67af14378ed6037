import type { Clock } from '../core/clock.js';
import type { TxStores } from '../core/ports/store.js';
import type { Principal } from '../core/principal.js';
import type { WorkGuard } from './work-guard.js';

/** What a coordination use case runs with: one transaction, the time, who asks, who decides access. */
export interface WorkContext {
  tx: TxStores;
  clock: Clock;
  principal: Principal;
  guard: WorkGuard;
  /** How long an assignment holds without a heartbeat. */
  leaseSeconds: number;
  /** How long an offer waits for its actor to accept or reject it. */
  offerSeconds: number;
}
