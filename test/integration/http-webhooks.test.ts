import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { ExceptionRecord, WebhookDelivery } from '../../src/core/exception.js';
import { HTTP_ORG, json, openHttpFixture, type HttpFixture } from '../support/http-fixture.js';

/* Receivers' webhooks: posted from an outbox, signed, retried with backoff, logged. */

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

const SECRET_ENV = 'AUTONOMY_TEST_WEBHOOK_KEY';
const SECRET = 'k3y-for-tests';
const clock = new ManualClock('2026-03-02T09:00:00.000Z');
const received: Received[] = [];
/** The status the test server answers with, next. */
const answers: number[] = [];
let server: Server;
let url = '';
let fx: HttpFixture;

beforeAll(async () => {
  process.env[SECRET_ENV] = SECRET;
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.statusCode = answers.shift() ?? 200;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  fx = await openHttpFixture({ clock });
  const applied = await fx.call('POST', '/v1/config/apply', {
    as: 'admin',
    body: {
      ...HTTP_ORG,
      receivers: [
        {
          name: 'support-channel',
          webhooks: [
            { url, secret_env: SECRET_ENV },
            { url: `${url}/slack`, format: 'slack', send_resolved: false, secret_env: SECRET_ENV },
          ],
        },
      ],
      route: { receiver: 'support-channel', group_wait: '0s' },
    },
  });
  expect(applied.statusCode, applied.body).toBe(200);
});
afterAll(async () => {
  process.env[SECRET_ENV] = '';
  await fx.close();
  await new Promise((resolve) => server.close(resolve));
});

const deliveries = async () =>
  json<{ items: WebhookDelivery[] }>(
    await fx.call('GET', '/v1/webhook-deliveries', { as: 'viewer' }),
  ).items;

describe('webhooks', () => {
  it('posts signed JSON and Slack payloads, retries failures with backoff, and logs every attempt', async () => {
    const exception = json<ExceptionRecord>(
      await fx.call('POST', '/v1/exceptions', {
        as: 'operator',
        body: {
          labels: { alertname: 'CustomerEscalation', domain: 'support' },
          summary: 'VIP angry',
        },
      }),
    );
    // Written with the exception, posted by the runtime: the JSON one fails once.
    expect((await deliveries()).map((d) => d.status)).toEqual(['pending', 'pending']);
    answers.push(500);
    await fx.cp.monitoring.deliverWebhooks();
    expect(received).toHaveLength(2);
    const log = await deliveries();
    const jsonDelivery = log.find((d) => d.format === 'json');
    expect(jsonDelivery).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastStatus: 500,
      lastError: 'HTTP 500',
      nextAttemptAt: new Date(clock.now().getTime() + 30_000).toISOString(),
    });
    expect(log.find((d) => d.format === 'slack')).toMatchObject({
      status: 'delivered',
      attempts: 1,
    });

    // Not before its backoff; then delivered with the same bytes and a valid signature.
    clock.advance(29_000);
    expect(await fx.cp.monitoring.deliverWebhooks()).toEqual([]);
    clock.advance(1_000);
    expect((await fx.cp.monitoring.deliverWebhooks()).map((d) => d.status)).toEqual(['delivered']);
    const [first, slack, retried] = received;
    expect(retried?.body).toBe(first?.body);
    for (const r of [slack, retried]) {
      const header = String(r?.headers['autonomy-signature']);
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) ?? [];
      const expected = createHmac('sha256', SECRET)
        .update(`${t ?? ''}.${r?.body ?? ''}`)
        .digest('hex');
      expect(v1).toBe(expected);
    }
    expect(JSON.parse(retried?.body ?? '{}')).toMatchObject({
      event: 'opened',
      receiver: 'support-channel',
      exception: {
        id: exception.id,
        labels: { alertname: 'CustomerEscalation' },
        summary: 'VIP angry',
      },
    });
    expect(JSON.parse(slack?.body ?? '{}')).toEqual({
      text: `[WARNING] CustomerEscalation opened: VIP angry (${exception.id}, receiver support-channel)`,
    });
    expect(retried?.headers['autonomy-delivery']).toBe(jsonDelivery?.id);

    // Resolution: only the webhook that asks for it.
    await fx.call('POST', `/v1/exceptions/${exception.id}/resolve`, {
      as: 'operator',
      body: { reason: 'called back' },
    });
    await fx.cp.monitoring.deliverWebhooks();
    expect(received).toHaveLength(4);
    expect(JSON.parse(received[3]?.body ?? '{}')).toMatchObject({
      event: 'resolved',
      exception: { state: 'resolved' },
    });
  });

  it('gives up after eight attempts, and says why when the key is missing', async () => {
    process.env[SECRET_ENV] = '';
    const exception = json<ExceptionRecord>(
      await fx.call('POST', '/v1/exceptions', {
        as: 'operator',
        body: { labels: { alertname: 'NoKey', domain: 'support' }, summary: 'x' },
      }),
    );
    for (let attempt = 0; attempt < 8; attempt++) {
      await fx.cp.monitoring.deliverWebhooks();
      clock.advance(3600_000);
    }
    const log = json<{ items: WebhookDelivery[] }>(
      await fx.call('GET', `/v1/webhook-deliveries?exception=${exception.id}`, { as: 'operator' }),
    ).items;
    expect(log.map((d) => [d.status, d.attempts, d.lastError])).toEqual([
      ['failed', 8, `environment variable ${SECRET_ENV} is not set`],
      ['failed', 8, `environment variable ${SECRET_ENV} is not set`],
    ]);
    process.env[SECRET_ENV] = SECRET;
  });
});
