import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExceptionRecord, InboxNotification, Silence } from '../../src/core/exception.js';
import { HTTP_ORG, json, openHttpFixture, type HttpFixture } from '../support/http-fixture.js';

let fx: HttpFixture;

interface Problem {
  status: number;
  code: string;
  errors?: { path: string; message: string }[];
}

beforeAll(async () => {
  fx = await openHttpFixture();
  const applied = await fx.call('POST', '/v1/config/apply', {
    as: 'admin',
    body: {
      ...HTTP_ORG,
      receivers: [
        {
          name: 'support-oncall',
          escalation: { steps: [{ notify: ['@domain-owners'], escalate_after: '15m' }] },
        },
      ],
      route: { receiver: 'support-oncall', group_wait: '0s', group_by: ['domain'] },
    },
  });
  expect(applied.statusCode, applied.body).toBe(200);
});
afterAll(async () => {
  await fx.close();
});

const raise = (labels: Record<string, string>, as: 'operator' | 'viewer' = 'operator') =>
  fx.call('POST', '/v1/exceptions', {
    as,
    body: { labels: { alertname: 'CustomerEscalation', ...labels }, summary: 'VIP is angry' },
  });

describe('exceptions over HTTP', () => {
  it('raises once per labels, routes to the owner, acknowledges and resolves', async () => {
    const opened = await raise({ domain: 'support', customer: 'acme' });
    expect(opened.statusCode, opened.body).toBe(201);
    const exception = json<ExceptionRecord>(opened);
    expect(exception).toMatchObject({
      state: 'open',
      source: 'manual',
      labels: { alertname: 'CustomerEscalation', severity: 'warning', domain: 'support' },
      receivers: ['support-oncall'],
      group: '{}:{domain="support"}',
      escalations: [{ receiver: 'support-oncall', step: 0, notified: ['hana'] }],
    });
    const again = await raise({ domain: 'support', customer: 'acme' });
    expect(again.statusCode).toBe(200);
    expect(json<ExceptionRecord>(again).id).toBe(exception.id);

    const inbox = json<{ items: InboxNotification[] }>(
      await fx.call('GET', '/v1/actors/hana/inbox?unread=true', { as: 'operator' }),
    );
    expect(inbox.items.map((n) => [n.exceptionId, n.reason])).toEqual([[exception.id, 'opened']]);
    const read = await fx.call('POST', '/v1/actors/hana/inbox/read', {
      as: 'operator',
      body: { ids: inbox.items.map((n) => n.id) },
    });
    expect(json<{ marked: number }>(read).marked).toBe(1);

    const listed = json<{ items: ExceptionRecord[] }>(
      await fx.call('GET', '/v1/exceptions?active=true&alertname=CustomerEscalation', {
        as: 'viewer',
      }),
    );
    expect(listed.items.map((e) => e.id)).toEqual([exception.id]);
    // Grouped as Alertmanager groups: by the route's group_by labels.
    const other = json<ExceptionRecord>(await raise({ domain: 'billing', customer: 'acme' }));
    expect(other.group).toBe('{}:{domain="billing"}');
    const group = json<{ items: ExceptionRecord[] }>(
      await fx.call('GET', `/v1/exceptions?group=${encodeURIComponent(exception.group)}`, {
        as: 'viewer',
      }),
    );
    expect(group.items.map((e) => e.id)).toEqual([exception.id]);

    const acked = await fx.call('POST', `/v1/exceptions/${exception.id}/acknowledge`, {
      as: 'operator',
      body: { comment: 'calling them' },
    });
    expect(json<ExceptionRecord>(acked).state).toBe('acknowledged');
    const twice = await fx.call('POST', `/v1/exceptions/${exception.id}/acknowledge`, {
      as: 'operator',
    });
    expect(twice.statusCode).toBe(409);

    const resolved = await fx.call('POST', `/v1/exceptions/${exception.id}/resolve`, {
      as: 'operator',
      body: { reason: 'refunded' },
    });
    expect(json<ExceptionRecord>(resolved)).toMatchObject({
      state: 'resolved',
      resolution: 'manual',
    });
    const detail = json<ExceptionRecord & { history: { type: string }[] }>(
      await fx.call('GET', `/v1/exceptions/${exception.id}`, { as: 'viewer' }),
    );
    expect(detail.history.map((e) => e.type)).toEqual([
      'monitoring.exception.opened',
      'monitoring.exception.notified',
      'monitoring.exception.acknowledged',
      'monitoring.exception.resolved',
    ]);
  });

  it('refuses bad input with the field named, and changes nothing', async () => {
    const before = await fx.head();
    const noName = await fx.call('POST', '/v1/exceptions', {
      as: 'operator',
      body: { labels: { domain: 'support' }, summary: 'x' },
    });
    expect(noName.statusCode).toBe(400);
    expect(json<Problem>(noName).errors?.[0]?.path).toBe('labels');
    const viewer = await raise({ domain: 'support' }, 'viewer');
    expect(viewer.statusCode).toBe(403);
    const badMatcher = await fx.call('POST', '/v1/silences', {
      as: 'operator',
      body: { matchers: ['actor=~"("'], duration: '1h', comment: 'x' },
    });
    expect(badMatcher.statusCode).toBe(400);
    expect(json<Problem>(badMatcher).errors?.[0]?.path).toBe('matchers.0');
    const badDuration = await fx.call('POST', '/v1/silences', {
      as: 'operator',
      body: { matchers: ['actor="ada"'], duration: 'soon', comment: 'x' },
    });
    expect(json<Problem>(badDuration).errors?.[0]?.path).toBe('duration');
    const both = await fx.call('POST', '/v1/silences', {
      as: 'operator',
      body: { matchers: ['actor="ada"'], comment: 'x' },
    });
    expect(json<Problem>(both).errors?.[0]?.path).toBe('endsAt');
    const unknown = await fx.call('POST', '/v1/exceptions/exc_nope/acknowledge', {
      as: 'operator',
    });
    expect(unknown.statusCode).toBe(404);
    // The viewer's forbidden attempt is audited; nothing else was written.
    expect((await fx.eventsAfter(before)).map((e) => e.type)).toEqual([
      'supervision.access.refused',
    ]);
  });

  it('silences mute matching exceptions until they expire', async () => {
    const created = await fx.call('POST', '/v1/silences', {
      as: 'operator',
      body: { matchers: ['customer="globex"'], duration: '2h', comment: 'known outage' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const silence = json<Silence>(created);
    const muted = json<ExceptionRecord>(await raise({ domain: 'support', customer: 'globex' }));
    expect(muted.silencedBy).toBe(silence.id);
    expect(muted.escalations[0]?.notified).toEqual([]);
    const list = json<{ items: Silence[] }>(await fx.call('GET', '/v1/silences', { as: 'viewer' }));
    expect(list.items.map((s) => s.id)).toContain(silence.id);
    const expired = await fx.call('DELETE', `/v1/silences/${silence.id}`, { as: 'operator' });
    expect(json<Silence>(expired).expiredAt).not.toBeNull();
    expect(
      (await fx.call('DELETE', `/v1/silences/${silence.id}`, { as: 'operator' })).statusCode,
    ).toBe(409);
  });
});

describe("Alertmanager's webhook", () => {
  const payload = (status: 'firing' | 'resolved') => ({
    version: '4',
    groupKey: '{}:{alertname="DiskFull"}',
    status,
    receiver: 'autonomy',
    groupLabels: { alertname: 'DiskFull' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: [
      {
        status,
        labels: { alertname: 'DiskFull', severity: 'page', domain: 'billing', instance: 'db1' },
        annotations: { summary: 'db1 disk 97% full' },
        startsAt: '2026-03-02T09:00:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus/graph',
        fingerprint: 'abc',
      },
    ],
  });

  it('turns firing alerts into exceptions and resolved ones into their end', async () => {
    const fired = await fx.call('POST', '/v1/alerts/alertmanager', {
      as: 'operator',
      body: payload('firing'),
    });
    expect(fired.statusCode, fired.body).toBe(200);
    const { opened } = json<{ opened: string[] }>(fired);
    expect(opened).toHaveLength(1);
    const exception = json<ExceptionRecord>(
      await fx.call('GET', `/v1/exceptions/${opened[0] ?? ''}`, { as: 'viewer' }),
    );
    expect(exception).toMatchObject({
      source: 'external:alertmanager',
      summary: 'db1 disk 97% full',
      labels: { alertname: 'DiskFull', severity: 'warning', instance: 'db1' },
      details: { givenSeverity: 'page' },
      escalations: [{ notified: ['hugo'] }],
    });
    // Alertmanager repeats itself: still one exception.
    const repeated = await fx.call('POST', '/v1/alerts/alertmanager', {
      as: 'operator',
      body: payload('firing'),
    });
    expect(json<{ unchanged: number }>(repeated).unchanged).toBe(1);
    const resolved = await fx.call('POST', '/v1/alerts/alertmanager', {
      as: 'operator',
      body: payload('resolved'),
    });
    expect(json<{ resolved: string[] }>(resolved).resolved).toEqual(opened);
    const after = json<ExceptionRecord>(
      await fx.call('GET', `/v1/exceptions/${opened[0] ?? ''}`, { as: 'viewer' }),
    );
    expect(after).toMatchObject({ state: 'resolved', resolution: 'external' });
  });

  it('refuses a payload without alerts, naming the field', async () => {
    const bad = await fx.call('POST', '/v1/alerts/alertmanager', {
      as: 'operator',
      body: { version: '4', alerts: [{ status: 'burning', labels: {} }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(json<Problem>(bad).errors?.[0]?.path).toBe('alerts.0.status');
  });
});
