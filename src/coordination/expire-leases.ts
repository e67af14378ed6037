import { releaseWork } from './transition-work.js';
import type { WorkContext } from './work-context.js';

/**
 * Re-queues held items whose lease ran out (no heartbeat from their owner) and offers nobody
 * answered in time (the item then goes to the next candidate), oldest deadline first, at most `limit` per call. Returns the ids released. Run on the clock by the runtime;
 * on several nodes at once each item is still released once (the transitions are versioned).
 */
export async function expireLeases(ctx: WorkContext, limit: number): Promise<string[]> {
  const now = ctx.clock.now().toISOString();
  const expired = await ctx.tx.work.listLeaseExpired(now, limit);
  const released: string[] = [];
  for (const item of expired) {
    const locked = await ctx.tx.work.getForUpdate(item.id);
    // Renewed or moved since it was listed: nothing to do.
    if (locked === null || locked.leaseExpiresAt === null || locked.leaseExpiresAt >= now) continue;
    await releaseWork(
      ctx,
      locked,
      locked.state === 'offered'
        ? `offer to '${locked.offeredTo}' timed out at ${locked.leaseExpiresAt}`
        : `lease expired at ${locked.leaseExpiresAt} without a heartbeat from '${locked.ownerId}'`,
    );
    released.push(item.id);
  }
  return released;
}
