import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import type { StoredEvent } from '../../src/core/events.js';
import type { WorkItem, WorkState } from '../../src/core/model.js';
import type { MetricReader } from '../../src/core/ports/metric-reader.js';
import { orgConfigSchema, toOrgModel, type OrgConfigInput } from '../../src/core/org-config.js';
import { SYSTEM } from '../../src/core/principal.js';
import { buildServer } from '../../src/interfaces/http/server.js';
import { ControlPlane } from '../../src/runtime/control-plane.js';

/**
 * The organization every HTTP suite starts from: two domains, two humans and three agents with
 * skills and capacities, three work types.
 */
export const HTTP_ORG: OrgConfigInput = {
  apiVersion: 'autonomy/v1',
  kind: 'Organization',
  metadata: { name: 'Acme', description: 'HTTP test organization' },
  domains: [
    { id: 'support', name: 'Support', description: 'Customer support', owners: ['hana'] },
    { id: 'billing', name: 'Billing', owners: ['hugo'] },
  ],
  actors: [
    {
      id: 'hana',
      kind: 'human',
      name: 'Hana',
      domains: ['support'],
      skills: { triage: 5, refunds: 3 },
      capacity: 5,
    },
    {
      id: 'hugo',
      kind: 'human',
      name: 'Hugo',
      domains: ['billing'],
      skills: { invoicing: 4, refunds: 4 },
      capacity: 3,
    },
    {
      id: 'ada',
      kind: 'agent',
      name: 'Ada',
      domains: ['support'],
      skills: { triage: 3 },
      capacity: 50,
    },
    {
      id: 'bea',
      kind: 'agent',
      name: 'Bea',
      domains: ['support', 'billing'],
      skills: { triage: 2, invoicing: 2 },
      capacity: 50,
    },
    {
      id: 'cat',
      kind: 'agent',
      name: 'Cat',
      domains: ['billing'],
      skills: { invoicing: 1 },
      capacity: 1,
    },
  ],
  workTypes: [
    {
      id: 'ticket',
      domain: 'support',
      name: 'Ticket',
      description: 'A customer question',
      requiredSkills: { triage: 2 },
      expectedDuration: '30m',
      sla: '4h',
      // One attempt: a failed ticket stays failed, so `retry` has something to act on.
      maxAttempts: 1,
    },
    {
      id: 'refund',
      domain: 'billing',
      name: 'Refund',
      requiredSkills: { refunds: 3 },
      expectedDuration: '1h',
      sla: '1d',
    },
    { id: 'invoice', domain: 'billing', name: 'Invoice', expectedDuration: '2h', sla: '2d' },
  ],
};

/** Agent A and agent B: the actors the two agent tokens act as. */
export const AGENT_A = 'ada';
export const AGENT_B = 'bea';

export type Role = 'admin' | 'operator' | 'viewer' | 'agentA' | 'agentB';
export const ROLES: readonly Role[] = ['admin', 'operator', 'viewer', 'agentA', 'agentB'];

export interface IssuedFixtureToken {
  id: string;
  secret: string;
}

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

export interface CallOptions {
  /** A role's token, a raw secret, or no token at all (null or omitted). */
  as?: Role | null;
  token?: string;
  /** Sent as JSON (content-type application/json). */
  body?: unknown;
  /** Sent as is (for malformed or oversized bodies); give a content-type in `headers`. */
  payload?: string;
  headers?: Record<string, string>;
}

export interface HttpFixture {
  cp: ControlPlane;
  app: FastifyInstance;
  dir: string;
  tokens: Record<Role, IssuedFixtureToken>;
  /** Performs one request through `fastify.inject`. */
  call(method: HttpMethod, url: string, options?: CallOptions): Promise<LightMyRequestResponse>;
  /** The event log head (0 for an empty log). */
  head(): Promise<number>;
  /** Every event after `seq`, oldest first, read straight from the control plane. */
  eventsAfter(seq: number): Promise<StoredEvent[]>;
  close(): Promise<void>;
}

/** One SLO (`replies`) and one objective (`answers`) over the support domain. */
export const HTTP_OUTCOMES: Pick<OrgConfigInput, 'slos' | 'objectives'> = {
  slos: [
    {
      apiVersion: 'openslo/v1',
      kind: 'SLO',
      metadata: { name: 'replies' },
      spec: {
        service: 'support',
        indicator: {
          metadata: { name: 'replies-on-time' },
          spec: {
            ratioMetric: {
              counter: true,
              good: {
                metricSource: {
                  type: 'autonomy',
                  spec: { query: 'work_completed_within_sla_total{domain="support"}' },
                },
              },
              total: {
                metricSource: {
                  type: 'autonomy',
                  spec: { query: 'work_completed_with_due_total{domain="support"}' },
                },
              },
            },
          },
        },
        timeWindow: [{ duration: '7d', isRolling: true }],
        budgetingMethod: 'Occurrences',
        objectives: [{ target: 0.9 }],
      },
    },
  ],
  objectives: [
    {
      id: 'answers',
      name: 'Answer customers',
      owner: 'hana',
      period: { from: '2026-01-01', to: '2026-04-01' },
      keyResults: [
        {
          id: 'replies',
          name: 'Reply to 900 customers',
          metric: 'work_completed_total{domain="support"}',
          start: 0,
          target: 900,
        },
      ],
    },
  ],
};

/** Applies HTTP_ORG with HTTP_OUTCOMES. */
export async function applyOutcomes(fx: { cp: ControlPlane }): Promise<void> {
  const applied = await fx.cp.applyConfig(
    SYSTEM,
    toOrgModel(orgConfigSchema.parse({ ...HTTP_ORG, ...HTTP_OUTCOMES })),
    'test',
  );
  expect(applied.applied).toBe(true);
}

export interface HttpFixtureOptions {
  clock?: Clock;
  /** Where SLOs and key results read metrics (none: they say no_data). */
  metricReader?: MetricReader;
  bodyLimitBytes?: number;
}

/** A control plane on a fresh SQLite file with HTTP_ORG applied, tokens for every role, and its server. */
export async function openHttpFixture(options: HttpFixtureOptions = {}): Promise<HttpFixture> {
  const dir = mkdtempSync(join(tmpdir(), `autonomy-test-p${process.pid}-http-`));
  let cp: ControlPlane | undefined;
  let app: FastifyInstance | undefined;
  try {
    cp = await ControlPlane.open(
      { databaseUrl: join(dir, 'autonomy.db'), leaseSeconds: 300 },
      {
        ...(options.clock === undefined ? {} : { clock: options.clock }),
        ...(options.metricReader === undefined ? {} : { metricReader: options.metricReader }),
      },
    );
    const plane = cp;
    const applied = await plane.applyConfig(
      SYSTEM,
      toOrgModel(orgConfigSchema.parse(HTTP_ORG)),
      'test',
    );
    expect(applied.applied).toBe(true);
    const issue = async (
      name: string,
      role: 'admin' | 'operator' | 'viewer' | 'agent',
      actorId?: string,
    ): Promise<IssuedFixtureToken> => {
      const issued = await plane.issueToken(SYSTEM, { name, role, actorId });
      return { id: issued.token.id, secret: issued.secret };
    };
    const tokens: Record<Role, IssuedFixtureToken> = {
      admin: await issue('admin', 'admin'),
      operator: await issue('operator', 'operator'),
      viewer: await issue('viewer', 'viewer'),
      agentA: await issue('agent a', 'agent', AGENT_A),
      agentB: await issue('agent b', 'agent', AGENT_B),
    };
    const server = await buildServer(plane, {
      bodyLimitBytes: options.bodyLimitBytes ?? 64 * 1024,
      logLevel: 'silent',
    });
    app = server;
    let closed = false;
    return {
      cp: plane,
      app: server,
      dir,
      tokens,
      async call(method, url, call = {}) {
        const headers: Record<string, string> = { ...call.headers };
        const secret =
          call.token ??
          (call.as === undefined || call.as === null ? undefined : tokens[call.as].secret);
        if (secret !== undefined) headers.authorization = `Bearer ${secret}`;
        let payload: string | undefined;
        if (call.payload !== undefined) {
          payload = call.payload;
        } else if (call.body !== undefined) {
          payload = JSON.stringify(call.body);
          headers['content-type'] ??= 'application/json';
        }
        return await server.inject({
          method,
          url,
          headers,
          ...(payload === undefined ? {} : { payload }),
        });
      },
      head: () => plane.latestSeq(SYSTEM),
      eventsAfter: (seq) => plane.listEvents(SYSTEM, { afterSeq: seq, limit: 10_000 }),
      async close() {
        if (closed) return;
        closed = true;
        try {
          await server.close();
          await plane.close();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    await app?.close();
    await cp?.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The parsed JSON body of a response, as the shape the caller expects (tests assert the rest). */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape; JSON.parse cannot check it
export function json<T = Record<string, unknown>>(response: LightMyRequestResponse): T {
  return JSON.parse(response.body) as T;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  errors?: { path: string; message: string }[];
  [extension: string]: unknown;
}

/**
 * Asserts an RFC 9457 problem response: status, `application/problem+json`, the standard members,
 * the domain code, and no stack trace anywhere.
 */
export function expectProblem(
  response: LightMyRequestResponse,
  status: number,
  code: string,
): ProblemBody {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = json<ProblemBody>(response);
  expect(problem).toMatchObject({ status, code, type: `urn:autonomy:problem:${code}` });
  expect(typeof problem.title).toBe('string');
  expect(problem.title).not.toBe('');
  expect(typeof problem.detail).toBe('string');
  expect(problem.detail).not.toBe('');
  expect(typeof problem.instance).toBe('string');
  expect(problem).not.toHaveProperty('stack');
  expect(response.body).not.toMatch(/\bat .+\(?(?:file:\/\/)?\/.+:\d+:\d+\)?/);
  expect(response.body).not.toMatch(/node_modules|\.ts:\d+/);
  return problem;
}

/** Asserts the problem names `path` among its offending fields, and returns that issue. */
export function expectIssue(problem: ProblemBody, path: string): { path: string; message: string } {
  const issue = problem.errors?.find((e) => e.path === path);
  expect(
    issue,
    `expected an issue at '${path}', got ${JSON.stringify(problem.errors)}`,
  ).toBeDefined();
  return issue as { path: string; message: string };
}

/** Runs a request that must be refused, and asserts nothing changed but the audit record of a 403. */
export async function expectRefusedWithoutChange(
  fx: HttpFixture,
  request: () => Promise<LightMyRequestResponse>,
  status: number,
  code: string,
): Promise<ProblemBody> {
  const before = await fx.head();
  const response = await request();
  const problem = expectProblem(response, status, code);
  // A token's forbidden attempt is audited; nothing else may change.
  const audited = status === 403 ? ['supervision.access.refused'] : [];
  expect(
    (await fx.eventsAfter(before)).map((e) => e.type),
    `the refused request (${code}) must append no event but its audit record`,
  ).toEqual(audited);
  return problem;
}

export type WorkBody = WorkItem & { history?: StoredEvent[] };

/** Creates a work item through the API (as the operator unless told), and returns it. */
export async function createWork(
  fx: HttpFixture,
  body: Record<string, unknown> = {},
  as: Role = 'operator',
): Promise<WorkItem> {
  const response = await fx.call('POST', '/v1/work', {
    as,
    body: { typeId: 'ticket', title: 'A ticket', ...body },
  });
  expect(response.statusCode, response.body).toBe(201);
  return json<WorkItem>(response);
}

/** Performs a work action through the API and returns the response. */
export function act(
  fx: HttpFixture,
  id: string,
  action: string,
  body?: Record<string, unknown>,
  as: Role = 'operator',
): Promise<LightMyRequestResponse> {
  return fx.call('POST', `/v1/work/${id}/${action}`, body === undefined ? { as } : { as, body });
}

/** Performs a work action that must succeed, and returns the item after it. */
export async function mustAct(
  fx: HttpFixture,
  id: string,
  action: string,
  body?: Record<string, unknown>,
  as: Role = 'operator',
): Promise<WorkItem> {
  const response = await act(fx, id, action, body, as);
  expect(response.statusCode, response.body).toBe(200);
  return json<WorkItem>(response);
}

/**
 * A new item brought into `state` through the API alone, the way a client would get it there.
 * Offered and owned states go to `actorId`.
 */
export async function workIn(
  fx: HttpFixture,
  state: WorkState,
  actorId = AGENT_B,
  extra: Record<string, unknown> = {},
): Promise<WorkItem> {
  switch (state) {
    case 'queued':
      return createWork(fx, extra);
    case 'blocked': {
      const prerequisite = await createWork(fx);
      return createWork(fx, { ...extra, dependsOn: [prerequisite.id] });
    }
    case 'offered':
      return mustAct(fx, (await createWork(fx, extra)).id, 'offer', { actorId });
    case 'assigned':
      return mustAct(fx, (await createWork(fx, extra)).id, 'assign', { actorId });
    case 'in_progress':
      return mustAct(fx, (await workIn(fx, 'assigned', actorId, extra)).id, 'start');
    case 'done':
      return mustAct(fx, (await workIn(fx, 'in_progress', actorId, extra)).id, 'complete');
    case 'failed':
      return mustAct(fx, (await workIn(fx, 'in_progress', actorId, extra)).id, 'fail');
    case 'paused':
      return mustAct(fx, (await createWork(fx, extra)).id, 'pause');
    case 'cancelled':
      return mustAct(fx, (await createWork(fx, extra)).id, 'cancel');
  }
}

/** The events after `seq`, read through GET /v1/events. */
export async function eventsViaApi(
  fx: HttpFixture,
  after: number,
  query = '',
  as: Role = 'viewer',
): Promise<StoredEvent[]> {
  const response = await fx.call('GET', `/v1/events?after=${after}&limit=1000${query}`, { as });
  expect(response.statusCode, response.body).toBe(200);
  return json<{ items: StoredEvent[] }>(response).items;
}

/** The name events carry for a role's token (its actor, or `token:<id>` when it has none). */
export function actorName(fx: HttpFixture, role: Role): string {
  if (role === 'agentA') return AGENT_A;
  if (role === 'agentB') return AGENT_B;
  return `token:${fx.tokens[role].id}`;
}
