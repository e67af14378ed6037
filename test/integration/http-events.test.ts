import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { StoredEvent } from '../../src/core/events.js';
import {
  act,
  AGENT_A,
  createWork,
  expectIssue,
  expectRefusedWithoutChange,
  json,
  openHttpFixture,
  type HttpFixture,
  type Role,
} from '../support/http-fixture.js';

const START = '2026-03-01T09:00:00.000Z';
const clock = new ManualClock(START);
let fx: HttpFixture;
/** The whole log after setup, as the control plane reads it. */
let all: StoredEvent[];
/** Work items created during setup, one a minute from START + 1 min. */
const items: string[] = [];

const minute = (n: number): string => new Date(Date.parse(START) + n * 60_000).toISOString();

interface Page {
  items: StoredEvent[];
  nextCursor: string | null;
}

async function page(query: string, as: Role = 'viewer'): Promise<Page> {
  const response = await fx.call('GET', `/v1/events${query}`, { as });
  expect(response.statusCode, response.body).toBe(200);
  return json<Page>(response);
}

/** Follows nextCursor from the start to the end; returns every event and the number of pages. */
async function walk(
  query: string,
  limit: number,
): Promise<{ events: StoredEvent[]; pages: number }> {
  const events: StoredEvent[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const next: Page = await page(
      `?limit=${limit}${cursor === null ? '' : `&after=${cursor}`}${query}`,
    );
    pages += 1;
    if (next.nextCursor !== null) expect(next.nextCursor).toBe(String(next.items.at(-1)?.seq));
    events.push(...next.items);
    cursor = next.nextCursor;
  } while (cursor !== null && pages < 1000);
  return { events, pages };
}

beforeAll(async () => {
  fx = await openHttpFixture({ clock });
  // Minute n (1…6): work item n is created, by the operator or agent A in turn; items 1 and 2 are then
  // assigned, and at minute 7 Hana goes away.
  for (let n = 1; n <= 6; n += 1) {
    clock.set(minute(n));
    items.push(
      (await createWork(fx, { title: `item ${n}` }, n % 2 === 0 ? 'agentA' : 'operator')).id,
    );
  }
  clock.set(minute(6));
  clock.advance(30_000);
  expect((await act(fx, items[0] ?? '', 'assign', { actorId: 'hana' })).statusCode).toBe(200);
  expect((await act(fx, items[1] ?? '', 'assign', { actorId: AGENT_A }, 'agentA')).statusCode).toBe(
    200,
  );
  clock.set(minute(7));
  expect(
    (await fx.call('PUT', '/v1/actors/hana/status', { as: 'operator', body: { status: 'away' } }))
      .statusCode,
  ).toBe(200);
  all = await fx.eventsAfter(0);
});
afterAll(async () => {
  await fx.close();
});

describe('GET /v1/events paging', () => {
  it('starts at seq 1 and holds the whole log in order', async () => {
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
    expect(all.length).toBe(await fx.head());
    const first = await page('?limit=1000');
    expect(first).toEqual({ items: all, nextCursor: null });
  });

  it.each([1, 3, 7, 10])(
    'limit=%i: following nextCursor returns every event exactly once, in order',
    async (limit) => {
      const { events, pages } = await walk('', limit);
      expect(events).toEqual(all);
      // A full last page still has a cursor; the page after it is empty and ends the walk.
      expect(pages).toBe(Math.floor(all.length / limit) + 1);
    },
  );

  it('after=<seq> starts right after that event', async () => {
    const from = all[9]?.seq ?? 0;
    expect((await page(`?after=${from}&limit=3`)).items).toEqual(all.slice(10, 13));
    expect(await page(`?after=${all.length}`)).toEqual({ items: [], nextCursor: null });
  });

  it('defaults to 100 items', async () => {
    expect((await page('')).items).toEqual(all.slice(0, 100));
  });

  it.each<Role>(['admin', 'operator', 'agentA', 'viewer'])(
    'is readable with a %s token',
    async (role) => {
      expect((await page('?limit=2', role)).items).toEqual(all.slice(0, 2));
    },
  );

  it.each([
    ['querystring.limit', '?limit=0'],
    ['querystring.limit', '?limit=1001'],
    ['querystring.limit', '?limit=ten'],
    ['querystring.after', '?after=-1'],
    ['querystring.after', '?after=abc'],
    ['querystring.since', '?since=yesterday'],
    ['querystring.until', '?until=2026-13-01'],
    ['querystring.order', '?order=desc'],
  ])('refuses a bad query with 400 naming %s', async (path, query) => {
    expectIssue(
      await expectRefusedWithoutChange(
        fx,
        () => fx.call('GET', `/v1/events${query}`, { as: 'viewer' }),
        400,
        'validation_failed',
      ),
      path,
    );
  });
});

describe('GET /v1/events filters', () => {
  const only = (predicate: (e: StoredEvent) => boolean) => all.filter(predicate);

  it('by exact type', async () => {
    const created = only((e) => e.type === 'coordination.work.created');
    expect(created).toHaveLength(6);
    expect((await page('?type=coordination.work.created')).items).toEqual(created);
  });

  it('by prefix (coordination.work.*)', async () => {
    const work = only((e) => e.type.startsWith('coordination.work.'));
    expect(work).toHaveLength(8);
    expect((await page('?type=coordination.work.*')).items).toEqual(work);
    expect((await page('?type=coordination.*')).items).toEqual(
      only((e) => e.type.startsWith('coordination.')),
    );
  });

  it('by a prefix containing an underscore (core.work_type.*)', async () => {
    const workTypes = only((e) => e.type.startsWith('core.work_type.'));
    expect(workTypes).toHaveLength(3);
    expect((await page('?type=core.work_type.*')).items).toEqual(workTypes);
  });

  it('by several types, comma-separated or repeated', async () => {
    const expected = only(
      (e) => e.type === 'coordination.work.assigned' || e.type === 'core.token.created',
    );
    expect((await page('?type=coordination.work.assigned,core.token.created')).items).toEqual(
      expected,
    );
    expect((await page('?type=coordination.work.assigned&type=core.token.created')).items).toEqual(
      expected,
    );
  });

  it('by subject', async () => {
    const about = only((e) => e.subject === items[0]);
    expect(about.map((e) => e.type)).toEqual([
      'coordination.work.created',
      'coordination.work.assigned',
    ]);
    expect((await page(`?subject=${items[0] ?? ''}`)).items).toEqual(about);
  });

  it('by actor', async () => {
    const byAda = only((e) => e.actor === AGENT_A);
    expect(byAda).toHaveLength(4);
    expect((await page(`?actor=${AGENT_A}`)).items).toEqual(byAda);
    expect((await page('?actor=nobody')).items).toEqual([]);
  });

  it('by time: since is inclusive, until exclusive', async () => {
    const between = only((e) => e.time >= minute(2) && e.time < minute(4));
    expect(between.map((e) => e.subject)).toEqual([items[1], items[2]]);
    expect((await page(`?since=${minute(2)}&until=${minute(4)}`)).items).toEqual(between);
    expect((await page(`?since=${minute(7)}`)).items).toEqual(
      only((e) => e.type === 'coordination.actor.status_changed'),
    );
    expect((await page(`?until=${minute(1)}`)).items).toEqual(only((e) => e.time < minute(1)));
  });

  it('by time given in any offset or precision: the instant counts, not the spelling', async () => {
    const between = only((e) => e.time >= minute(2) && e.time < minute(4));
    // 09:02:00.000Z written without milliseconds, and 09:04Z as 11:04 at +02:00.
    const since = minute(2).replace('.000Z', 'Z');
    const until = encodeURIComponent('2026-03-01T11:04:00+02:00');
    expect((await page(`?since=${since}&until=${until}`)).items).toEqual(between);
  });

  it('combines filters with paging: every match exactly once', async () => {
    const query = `&type=coordination.work.*&since=${minute(2)}`;
    const expected = only((e) => e.type.startsWith('coordination.work.') && e.time >= minute(2));
    expect(expected.length).toBeGreaterThan(3);
    const { events } = await walk(query, 2);
    expect(events).toEqual(expected);
  });
});

describe('GET /v1/audit/verify', () => {
  it.each<Role>(['admin', 'operator', 'viewer'])(
    'reports an intact chain to a %s token',
    async (role) => {
      const response = await fx.call('GET', '/v1/audit/verify', { as: role });
      expect(response.statusCode).toBe(200);
      const head = await fx.head();
      expect(json(response)).toEqual({ ok: true, checked: head, lastSeq: head, problem: null });
    },
  );

  it('refuses an agent token with 403', async () => {
    await expectRefusedWithoutChange(
      fx,
      () => fx.call('GET', '/v1/audit/verify', { as: 'agentA' }),
      403,
      'forbidden',
    );
  });

  it('links every event to the one before it', () => {
    for (const [i, event] of all.entries()) {
      if (i > 0) expect(event.prevHash).toBe(all[i - 1]?.hash);
      expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});
