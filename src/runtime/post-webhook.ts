import { createHmac } from 'node:crypto';
import type { WebhookDelivery } from '../core/exception.js';
import type { WebhookOutcome } from '../monitoring/record-webhook-attempt.js';

const TIMEOUT_MS = 10_000;

/**
 * The signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, as Stripe signs
 * its webhooks, so a receiver can check both who sent it and that it is not a replay.
 */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

export type PostOutcome =
  { ok: true; status: number } | { ok: false; status: number | null; error: string };

/** Posts one delivery, signed with the key from `env`; never throws. */
export async function postWebhook(
  delivery: WebhookDelivery,
  env: NodeJS.ProcessEnv,
  now: Date,
): Promise<WebhookOutcome> {
  const secret = env[delivery.secretEnv];
  if (secret === undefined || secret === '')
    return {
      ok: false,
      status: null,
      error: `environment variable ${delivery.secretEnv} is not set`,
    };
  try {
    const response = await fetch(delivery.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'autonomy-delivery': delivery.id,
        'autonomy-event': delivery.event,
        'autonomy-signature': signWebhook(secret, delivery.body, Math.floor(now.getTime() / 1000)),
      },
      body: delivery.body,
      redirect: 'error',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    // The body is not needed; reading it frees the connection.
    await response.arrayBuffer().catch(() => undefined);
    return response.ok
      ? { ok: true, status: response.status }
      : { ok: false, status: response.status, error: `HTTP ${response.status}` };
  } catch (error) {
    return {
      ok: false,
      status: null,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}
