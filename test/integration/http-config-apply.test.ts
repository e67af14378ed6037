import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/model.js';
import type { OrgConfigInput } from '../../src/core/org-config.js';
import {
  actorName,
  AGENT_A,
  eventsViaApi,
  expectIssue,
  expectRefusedWithoutChange,
  HTTP_ORG,
  json,
  openHttpFixture,
  workIn,
  type HttpFixture,
  type Role,
} from '../support/http-fixture.js';

let fx: HttpFixture;

beforeAll(async () => {
  fx = await openHttpFixture();
});
afterAll(async () => {
  await fx.close();
});

interface ApplyBody {
  applied: boolean;
  revision: number;
  changes: { kind: string; id: string; change: string; fields?: string[] }[];
}

const actors = HTTP_ORG.actors ?? [];
const workTypes = HTTP_ORG.workTypes ?? [];

/** HTTP_ORG with Hana's capacity raised, a new agent, and the invoice work type removed. */
const CHANGED: OrgConfigInput = {
  ...HTTP_ORG,
  actors: [
    ...actors.map((a) => (a.id === 'hana' ? { ...a, capacity: 8 } : a)),
    {
      id: 'dot',
      kind: 'agent',
      name: 'Dot',
      domains: ['billing'],
      skills: { invoicing: 3 },
      capacity: 4,
    },
  ],
  workTypes: workTypes.filter((t) => t.id !== 'invoice'),
};

const EXPECTED_CHANGES = [
  { kind: 'actor', id: 'hana', change: 'changed', fields: ['capacity'] },
  { kind: 'actor', id: 'dot', change: 'added' },
  { kind: 'workType', id: 'invoice', change: 'removed' },
];

const configNow = async (): Promise<{ revision: number; config: OrgConfigInput }> =>
  json<{ revision: number; config: OrgConfigInput }>(
    await fx.call('GET', '/v1/config', { as: 'viewer' }),
  );

describe('POST /v1/config/apply', () => {
  it('dryRun=true returns the diff and changes nothing', async () => {
    const before = await fx.head();
    const config = await configNow();
    const response = await fx.call('POST', '/v1/config/apply?dryRun=true', {
      as: 'admin',
      body: CHANGED,
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = json<ApplyBody>(response);
    expect(body).toMatchObject({ applied: false, revision: 1 });
    expect(body).not.toHaveProperty('renamed');
    expect(body.changes).toEqual(expect.arrayContaining(EXPECTED_CHANGES));
    expect(body.changes).toHaveLength(EXPECTED_CHANGES.length);
    expect(await fx.head()).toBe(before);
    expect(await configNow()).toEqual(config);
    expect((await fx.call('GET', '/v1/actors/dot', { as: 'viewer' })).statusCode).toBe(404);
  });

  it('applies a document: the changes, the new revision and one event per change plus core.config.applied', async () => {
    const before = await fx.head();
    const response = await fx.call('POST', '/v1/config/apply', { as: 'admin', body: CHANGED });
    expect(response.statusCode, response.body).toBe(200);
    const body = json<ApplyBody>(response);
    expect(body).toMatchObject({ applied: true, revision: 2 });
    expect(body).not.toHaveProperty('renamed');
    expect(body.changes).toEqual(expect.arrayContaining(EXPECTED_CHANGES));

    const events = await eventsViaApi(fx, before);
    expect(events.map((e) => [e.type, e.subject]).sort()).toEqual(
      [
        ['core.actor.upserted', 'hana'],
        ['core.actor.upserted', 'dot'],
        ['core.work_type.removed', 'invoice'],
        ['core.config.applied', null],
      ].sort(),
    );
    const admin = actorName(fx, 'admin');
    expect(events.every((e) => e.actor === admin)).toBe(true);
    expect(events.at(-1)).toMatchObject({
      type: 'core.config.applied',
      payload: {
        revision: 2,
        name: 'Acme',
        source: `api:${admin}`,
        changes: expect.arrayContaining(EXPECTED_CHANGES) as unknown,
      },
    });

    expect((await configNow()).revision).toBe(2);
    expect(json<Actor>(await fx.call('GET', '/v1/actors/dot', { as: 'viewer' }))).toMatchObject({
      kind: 'agent',
      capacity: 4,
      status: 'available',
    });
    expect(json<Actor>(await fx.call('GET', '/v1/actors/hana', { as: 'viewer' })).capacity).toBe(8);
    expect((await fx.call('GET', '/v1/work-types/invoice', { as: 'viewer' })).statusCode).toBe(404);
  });

  it('applying the same document again changes and records nothing', async () => {
    const before = await fx.head();
    const body = json<ApplyBody>(
      await fx.call('POST', '/v1/config/apply', { as: 'admin', body: CHANGED }),
    );
    expect(body).toEqual({ applied: false, revision: 2, changes: [] });
    expect(await fx.head()).toBe(before);
  });

  it('lists a new name and description first, as one organization change', async () => {
    const before = await fx.head();
    const response = await fx.call('POST', '/v1/config/apply?dryRun=true', {
      as: 'admin',
      body: { ...CHANGED, metadata: { name: 'Acme Two', description: 'Renamed' } },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(json<ApplyBody>(response)).toEqual({
      applied: false,
      revision: 2,
      changes: [
        {
          kind: 'organization',
          id: 'organization',
          change: 'changed',
          fields: ['name', 'description'],
        },
      ],
    });
    expect(await fx.head()).toBe(before);
    expect((await configNow()).config.metadata).toEqual(HTTP_ORG.metadata);
  });

  it('refuses to remove an actor who holds work with 422, and changes nothing', async () => {
    await workIn(fx, 'assigned', 'dot');
    const withoutDot = { ...CHANGED, actors: (CHANGED.actors ?? []).filter((a) => a.id !== 'dot') };
    const problem = await expectRefusedWithoutChange(
      fx,
      () => fx.call('POST', '/v1/config/apply', { as: 'admin', body: withoutDot }),
      422,
      'invalid_config',
    );
    expectIssue(problem, 'actors');
    expect((await configNow()).revision).toBe(2);
  });

  it('refuses to remove an actor a live token acts as with 422, and changes nothing', async () => {
    const withoutAda = {
      ...CHANGED,
      actors: (CHANGED.actors ?? []).filter((a) => a.id !== AGENT_A),
    };
    const problem = await expectRefusedWithoutChange(
      fx,
      () => fx.call('POST', '/v1/config/apply', { as: 'admin', body: withoutAda }),
      422,
      'invalid_config',
    );
    expectIssue(problem, 'actors');
    expect(problem.detail).toContain(AGENT_A);
    expect(problem.detail).toContain('token');
    expect((await configNow()).revision).toBe(2);
    expect((await fx.call('GET', `/v1/actors/${AGENT_A}`, { as: 'agentA' })).statusCode).toBe(200);
  });

  it.each([
    [
      'workTypes.0.expectedDuration',
      {
        ...HTTP_ORG,
        workTypes: [{ id: 'x', domain: 'support', name: 'X', expectedDuration: 'soon', sla: '1h' }],
      },
    ],
    [
      'workTypes.0.domain',
      {
        ...HTTP_ORG,
        workTypes: [{ id: 'x', domain: 'legal', name: 'X', expectedDuration: '1h', sla: '2h' }],
      },
    ],
    [
      'actors.1.capacity',
      { ...HTTP_ORG, actors: actors.map((a, i) => (i === 1 ? { ...a, capacity: 0 } : a)) },
    ],
    [
      'actors.1.costPerHour',
      { ...HTTP_ORG, actors: actors.map((a, i) => (i === 1 ? { ...a, costPerHour: -5 } : a)) },
    ],
    [
      'actors.0.costPerHour',
      { ...HTTP_ORG, actors: actors.map((a, i) => (i === 0 ? { ...a, costPerHour: 'dear' } : a)) },
    ],
    [
      'actors.0.kind',
      { ...HTTP_ORG, actors: actors.map((a, i) => (i === 0 ? { ...a, kind: 'robot' } : a)) },
    ],
    [
      'domains.0.owners.0',
      {
        ...HTTP_ORG,
        domains: [
          { id: 'support', name: 'Support', owners: ['ghost'] },
          { id: 'billing', name: 'Billing' },
        ],
      },
    ],
    [
      'workTypes.0.stages.1.id',
      {
        ...HTTP_ORG,
        workTypes: workTypes.map((t, i) =>
          i === 0
            ? {
                ...t,
                requiredSkills: {},
                stages: [
                  { id: 'draft', requiredSkills: { writing: 2 } },
                  { id: 'draft', requiredSkills: { editing: 2 } },
                ],
              }
            : t,
        ),
      },
    ],
    [
      'domains.1.preemption',
      {
        ...HTTP_ORG,
        domains: (HTTP_ORG.domains ?? []).map((d, i) => (i === 1 ? { ...d, preemption: 'on' } : d)),
      },
    ],
    ['apiVersion', { ...HTTP_ORG, apiVersion: 'autonomy/v2' }],
    ['metadata', { ...HTTP_ORG, metadata: undefined }],
  ])('refuses an invalid document with 422 naming %s, dry run or not', async (path, document) => {
    for (const query of ['', '?dryRun=true']) {
      const problem = await expectRefusedWithoutChange(
        fx,
        () => fx.call('POST', `/v1/config/apply${query}`, { as: 'admin', body: document }),
        422,
        'invalid_config',
      );
      expectIssue(problem, path);
    }
  });

  it('names unknown fields of the document by their path', async () => {
    const problem = await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/config/apply', {
          as: 'admin',
          body: { ...HTTP_ORG, teams: [], metadata: { name: 'Acme', owner: 'x' } },
        }),
      422,
      'invalid_config',
    );
    expectIssue(problem, 'teams');
    expectIssue(problem, 'metadata.owner');
  });

  it('refuses malformed JSON (400), a bad dryRun (400), a non-object body (422) and an oversized one (413)', async () => {
    await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/config/apply', {
          as: 'admin',
          payload: '{"apiVersion":',
          headers: { 'content-type': 'application/json' },
        }),
      400,
      'validation_failed',
    );
    expectIssue(
      await expectRefusedWithoutChange(
        fx,
        () => fx.call('POST', '/v1/config/apply?dryRun=yes', { as: 'admin', body: CHANGED }),
        400,
        'validation_failed',
      ),
      'querystring.dryRun',
    );
    expectIssue(
      await expectRefusedWithoutChange(
        fx,
        () => fx.call('POST', '/v1/config/apply?force=true', { as: 'admin', body: CHANGED }),
        400,
        'validation_failed',
      ),
      'querystring.force',
    );
    await expectRefusedWithoutChange(
      fx,
      () => fx.call('POST', '/v1/config/apply', { as: 'admin', body: [] }),
      422,
      'invalid_config',
    );
    await expectRefusedWithoutChange(
      fx,
      () =>
        fx.call('POST', '/v1/config/apply', {
          as: 'admin',
          body: { ...CHANGED, metadata: { name: 'Acme', description: 'x'.repeat(70 * 1024) } },
        }),
      413,
      'payload_too_large',
    );
  });

  it.each<Role>(['operator', 'agentA', 'viewer'])(
    'refuses a %s token with 403, dry run or not',
    async (role) => {
      for (const query of ['', '?dryRun=true']) {
        const problem = await expectRefusedWithoutChange(
          fx,
          () => fx.call('POST', `/v1/config/apply${query}`, { as: role, body: HTTP_ORG }),
          403,
          'forbidden',
        );
        expect(problem.detail).toContain('configuration');
      }
      expect((await configNow()).revision).toBe(2);
    },
  );
});
