import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/core/events.js';
import { SYSTEM } from '../../src/core/principal.js';
import {
  createWork,
  expectProblem,
  openHttpFixture,
  type HttpFixture,
  type Role,
} from '../support/http-fixture.js';

let fx: HttpFixture;
let base: string;

beforeAll(async () => {
  fx = await openHttpFixture();
  await fx.app.listen({ port: 0, host: '127.0.0.1' });
  const address = fx.app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  base = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  await fx.close();
});

interface StreamOptions {
  as?: Role;
  token?: string;
  headers?: Record<string, string>;
}

interface SseMessage {
  id: string;
  event: string;
  data: string;
}

/** A minimal Server-Sent Events reader over node:http, enough to check framing and order. */
class SseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  /** Whether the server ended the response. */
  ended = false;
  #buffer = '';
  #waiters: { check: () => boolean; resolve: () => void }[] = [];

  private constructor(
    private readonly req: ClientRequest,
    readonly response: IncomingMessage,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      this.#buffer += chunk;
      this.#parse();
    });
    const end = () => {
      this.ended = true;
      this.#notify();
    };
    response.on('end', end);
    response.on('close', end);
  }

  static async open(path: string, options: StreamOptions = {}): Promise<SseClient> {
    const headers: Record<string, string> = { accept: 'text/event-stream', ...options.headers };
    headers.authorization = `Bearer ${options.token ?? fx.tokens[options.as ?? 'viewer'].secret}`;
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${base}${path}`, { headers, agent: false });
      req.on('response', (response) => {
        resolve(new SseClient(req, response));
      });
      req.on('error', reject);
      req.end();
    });
  }

  #parse(): void {
    let end: number;
    while ((end = this.#buffer.indexOf('\n\n')) !== -1) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      const fields: Partial<SseMessage> = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) {
          this.comments.push(line.slice(1).trim());
          continue;
        }
        const colon = line.indexOf(':');
        const name = line.slice(0, colon);
        const value = line.slice(colon + 1).replace(/^ /, '');
        if (name === 'id' || name === 'event') fields[name] = value;
        if (name === 'data')
          fields.data = fields.data === undefined ? value : `${fields.data}\n${value}`;
      }
      if (fields.data !== undefined)
        this.messages.push({
          id: fields.id ?? '',
          event: fields.event ?? 'message',
          data: fields.data,
        });
    }
    this.#notify();
  }

  #notify(): void {
    this.#waiters = this.#waiters.filter((waiter) => {
      if (!waiter.check()) return true;
      waiter.resolve();
      return false;
    });
  }

  /** Resolves once `check` holds, failing after `ms`. */
  async until(check: () => boolean, what: string, ms = 5000): Promise<void> {
    if (check()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `timed out waiting for ${what}; got ${JSON.stringify(this.messages.map((m) => m.id))}`,
          ),
        );
      }, ms);
      this.#waiters.push({
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  async connected(): Promise<void> {
    await this.until(() => this.comments.includes('connected'), 'the connected comment');
  }

  /** Waits until the message with this id has arrived. */
  async through(seq: number): Promise<SseMessage[]> {
    await this.until(() => this.messages.some((m) => Number(m.id) >= seq), `event ${seq}`);
    return this.messages;
  }

  get seqs(): number[] {
    return this.messages.map((m) => Number(m.id));
  }

  close(): void {
    this.req.destroy();
  }
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Opens a stream, runs the test body, and always closes the connection. */
async function withStream(
  path: string,
  body: (client: SseClient) => Promise<void>,
  options: StreamOptions = {},
): Promise<void> {
  const client = await SseClient.open(path, options);
  try {
    await body(client);
  } finally {
    client.close();
  }
}

describe('GET /v1/events/stream', () => {
  it('sends events committed after connecting, each with id, event and data', async () => {
    await withStream('/v1/events/stream', async (client) => {
      expect(client.response.statusCode).toBe(200);
      expect(client.response.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(client.response.headers['cache-control']).toContain('no-cache');
      await client.connected();
      const head = await fx.head();
      await createWork(fx, { title: 'one' });
      await createWork(fx, { title: 'two' });
      await fx.call('PUT', '/v1/actors/hana/status', { as: 'operator', body: { status: 'away' } });
      const expected = await fx.eventsAfter(head);
      expect(expected).toHaveLength(3);
      const messages = await client.through(expected.at(-1)?.seq ?? 0);
      // Nothing from before the connection, each new event once, in order.
      expect(
        messages.map((m) => ({
          id: m.id,
          event: m.event,
          data: JSON.parse(m.data) as StoredEvent,
        })),
      ).toEqual(expected.map((e) => ({ id: String(e.seq), event: e.type, data: e })));
    });
  });

  it('resumes exactly after Last-Event-ID: no gap, no duplicate, then goes on live', async () => {
    // A first connection sees some events, then drops.
    let lastSeen = 0;
    await withStream('/v1/events/stream', async (client) => {
      await client.connected();
      const item = await createWork(fx, { title: 'before the drop' });
      lastSeen = (await fx.eventsAfter(0)).filter((e) => e.subject === item.id).at(-1)?.seq ?? 0;
      await client.through(lastSeen);
      expect(client.seqs.at(-1)).toBe(lastSeen);
    });
    // Events committed while disconnected…
    await createWork(fx, { title: 'missed 1' });
    await createWork(fx, { title: 'missed 2' });
    const missedThrough = await fx.head();
    expect(missedThrough).toBe(lastSeen + 2);
    // …arrive on reconnection, followed by live ones.
    await withStream(
      '/v1/events/stream',
      async (client) => {
        await client.through(missedThrough);
        await createWork(fx, { title: 'live' });
        const head = await fx.head();
        await client.through(head);
        expect(client.seqs).toEqual(range(lastSeen + 1, head));
        const log = await fx.eventsAfter(lastSeen);
        expect(client.messages.map((m) => JSON.parse(m.data) as StoredEvent)).toEqual(log);
      },
      { headers: { 'last-event-id': String(lastSeen) } },
    );
  });

  it('after=0 replays the whole log from the start, then goes on live', async () => {
    const head = await fx.head();
    await withStream('/v1/events/stream?after=0', async (client) => {
      await client.through(head);
      expect(client.seqs).toEqual(range(1, head));
      await createWork(fx, { title: 'after replay' });
      await client.through(head + 1);
      expect(client.seqs).toEqual(range(1, head + 1));
      expect(client.messages.map((m) => JSON.parse(m.data) as StoredEvent)).toEqual(
        await fx.eventsAfter(0),
      );
    });
  });

  it('Last-Event-ID wins over after', async () => {
    const head = await fx.head();
    await withStream(
      `/v1/events/stream?after=0`,
      async (client) => {
        await client.through(head);
        expect(client.seqs).toEqual(range(head - 1, head));
      },
      { headers: { 'last-event-id': String(head - 2) } },
    );
  });

  it('applies a type filter to the replay and to live events', async () => {
    await withStream('/v1/events/stream?after=0&type=coordination.work.*', async (client) => {
      const matching = (await fx.eventsAfter(0)).filter((e) =>
        e.type.startsWith('coordination.work.'),
      );
      await client.through(matching.at(-1)?.seq ?? 0);
      expect(client.seqs).toEqual(matching.map((e) => e.seq));
      // A status change does not match; the work item created after it does.
      await fx.call('PUT', '/v1/actors/hana/status', {
        as: 'operator',
        body: { status: 'available' },
      });
      const item = await createWork(fx, { title: 'filtered' });
      const head = await fx.head();
      await client.through(head);
      expect(
        client.messages
          .slice(matching.length)
          .map((m) => [m.event, (JSON.parse(m.data) as StoredEvent).subject]),
      ).toEqual([['coordination.work.created', item.id]]);
      expect(client.messages.every((m) => m.event.startsWith('coordination.work.'))).toBe(true);
    });
  });

  it('applies a subject filter', async () => {
    const item = await createWork(fx, { title: 'watched' });
    await withStream(`/v1/events/stream?after=0&subject=${item.id}`, async (client) => {
      await fx.call('POST', `/v1/work/${item.id}/pause`, { as: 'operator' });
      const about = (await fx.eventsAfter(0)).filter((e) => e.subject === item.id);
      await client.through(about.at(-1)?.seq ?? 0);
      expect(client.messages.map((m) => m.event)).toEqual([
        'coordination.work.created',
        'coordination.work.paused',
      ]);
    });
  });

  it.each<Role>(['agentA', 'admin'])('streams to a %s token', async (role) => {
    const head = await fx.head();
    await withStream(
      `/v1/events/stream?after=${head - 1}`,
      async (client) => {
        await client.through(head);
        expect(client.seqs).toEqual([head]);
      },
      { as: role },
    );
  });

  it('ends the stream of a token once it is revoked, and sends it nothing committed after', async () => {
    const issued = await fx.cp.issueToken(SYSTEM, { name: 'short-lived', role: 'viewer' });
    await withStream(
      '/v1/events/stream',
      async (client) => {
        await client.connected();
        const before = await createWork(fx, { title: 'seen while valid' });
        await client.until(
          () => client.messages.some((m) => m.data.includes(before.id)),
          'the item created while valid',
        );
        const revoked = await fx.call('DELETE', `/v1/tokens/${issued.token.id}`, { as: 'admin' });
        expect(revoked.statusCode).toBe(200);
        const after = await createWork(fx, { title: 'after revocation' });
        await client.until(() => client.ended, 'the server to end the stream', 2000);
        expect(client.messages.some((m) => m.data.includes(after.id))).toBe(false);
      },
      { token: issued.secret },
    );
  });

  it('refuses a request without a token with 401 problem+json before opening the stream', async () => {
    const response = await fetch(`${base}/v1/events/stream`);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toMatchObject({ status: 401, code: 'unauthenticated' });
  });

  it('refuses a malformed Last-Event-ID or query with 400 naming it', async () => {
    const header = expectProblem(
      await fx.call('GET', '/v1/events/stream', {
        as: 'viewer',
        headers: { 'last-event-id': 'abc' },
      }),
      400,
      'validation_failed',
    );
    expect(header.errors?.map((e) => e.path)).toEqual(['headers.last-event-id']);
    const query = expectProblem(
      await fx.call('GET', '/v1/events/stream?after=-3&limit=5', { as: 'viewer' }),
      400,
      'validation_failed',
    );
    expect(query.errors?.map((e) => e.path).sort()).toEqual([
      'querystring.after',
      'querystring.limit',
    ]);
  });
});
