import type { Clock } from '../core/clock.js';
import type { TxStores } from '../core/ports/store.js';
import type { Principal } from '../core/principal.js';
import type { MonitoringPolicy } from './monitoring-policy.js';

/** What a monitoring use case runs with: one transaction, the time, who asks, the policy. */
export interface MonitoringContext {
  tx: TxStores;
  clock: Clock;
  principal: Principal;
  policy: MonitoringPolicy;
}
