import { describe, expect, it } from 'vitest';
import type { WebhookDelivery } from '../core/exception.js';
import { MAX_WEBHOOK_ATTEMPTS, recordWebhookAttempt } from './record-webhook-attempt.js';

const NOW = new Date('2026-03-02T09:00:00.000Z');
const pending: WebhookDelivery = {
  id: 'whd_1',
  exceptionId: 'exc_1',
  receiver: 'r',
  url: 'https://example.com',
  format: 'json',
  secretEnv: 'KEY',
  event: 'opened',
  body: '{}',
  status: 'pending',
  attempts: 0,
  nextAttemptAt: NOW.toISOString(),
  lastStatus: null,
  lastError: null,
  createdAt: NOW.toISOString(),
  deliveredAt: null,
};

describe('webhook attempts', () => {
  it('backs off 30 s, doubling, at most an hour, then gives up', () => {
    let d = pending;
    const waits: number[] = [];
    for (let i = 0; i < MAX_WEBHOOK_ATTEMPTS; i++) {
      d = recordWebhookAttempt(d, { ok: false, status: 503, error: 'HTTP 503' }, NOW);
      if (d.nextAttemptAt !== null)
        waits.push((Date.parse(d.nextAttemptAt) - NOW.getTime()) / 1000);
    }
    expect(waits).toEqual([30, 60, 120, 240, 480, 960, 1920]);
    expect(d).toMatchObject({
      status: 'failed',
      attempts: 8,
      nextAttemptAt: null,
      lastStatus: 503,
    });
  });

  it('records a success with its status and time', () => {
    expect(recordWebhookAttempt(pending, { ok: true, status: 204 }, NOW)).toMatchObject({
      status: 'delivered',
      attempts: 1,
      lastStatus: 204,
      deliveredAt: NOW.toISOString(),
      nextAttemptAt: null,
    });
  });
});
