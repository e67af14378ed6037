import type { WebhookDelivery } from '../core/exception.js';

/** Attempts before a delivery is given up (about an hour of retries in all). */
export const MAX_WEBHOOK_ATTEMPTS = 8;

/** Seconds to wait after the `attempts`-th failed attempt: 30 s, doubling, at most an hour. */
export function webhookBackoffSeconds(attempts: number): number {
  return Math.min(30 * 2 ** (attempts - 1), 3600);
}

/** What one attempt to post a delivery came to. */
export type WebhookOutcome =
  { ok: true; status: number } | { ok: false; status: number | null; error: string };

/**
 * The delivery after one more attempt: delivered on success; else pending again after its
 * backoff, or failed for good once MAX_WEBHOOK_ATTEMPTS are used up.
 */
export function recordWebhookAttempt(
  delivery: WebhookDelivery,
  outcome: WebhookOutcome,
  now: Date,
): WebhookDelivery {
  const attempts = delivery.attempts + 1;
  if (outcome.ok)
    return {
      ...delivery,
      status: 'delivered',
      attempts,
      nextAttemptAt: null,
      lastStatus: outcome.status,
      lastError: null,
      deliveredAt: now.toISOString(),
    };
  const exhausted = attempts >= MAX_WEBHOOK_ATTEMPTS;
  return {
    ...delivery,
    status: exhausted ? 'failed' : 'pending',
    attempts,
    nextAttemptAt: exhausted
      ? null
      : new Date(now.getTime() + webhookBackoffSeconds(attempts) * 1000).toISOString(),
    lastStatus: outcome.status,
    lastError: outcome.error,
  };
}
