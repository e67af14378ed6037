import type { Clock } from '../core/clock.js';
import type { TxStores } from '../core/ports/store.js';
import type { Principal } from '../core/principal.js';
import type { MonitoringPolicy } from '../monitoring/monitoring-policy.js';
import type { Authority } from './build-authority.js';

/**
 * What an approval use case runs with: one transaction, the time, who asks, the authority in
 * force (with the trust levels and the pauses the transaction reads: a paused class is denied),
 * and monitoring's routing (pending approvals reach people as exceptions).
 */
export interface ApprovalContext {
  tx: TxStores;
  clock: Clock;
  principal: Principal;
  authority: Authority;
  routing: MonitoringPolicy;
}
