import { dispatchOffers } from '../coordination/dispatch-offers.js';
import type { Dispatcher, Policy } from './policy.js';

/** At most this many offers per dispatch; the loop runs again while offers are made. */
const BATCH = 1000;

/**
 * The engine itself: every simulated actor works in push mode, `dispatchOffers` — the code the
 * live coordination timer runs — picks the work and the actor (priority across types, then skill
 * fit and load), and the actor accepts at once.
 */
export function autonomyPolicy(): Policy {
  return {
    name: 'autonomy',
    // The engine's own queue order is the store's.
    ordersQueue: false,
    queued: () => undefined,
    dequeued: () => undefined,
    async dispatch(d: Dispatcher): Promise<void> {
      for (;;) {
        const offered = await d.run((ctx) => dispatchOffers(ctx, BATCH));
        for (const item of offered) {
          if (item.state === 'offered') await d.assign(item.id, item.offeredTo);
        }
        if (offered.length < BATCH) return;
      }
    },
  };
}
