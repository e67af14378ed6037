import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkExplanation } from '../../src/coordination/explain-work.js';
import type { Domain, WorkItem, WorkType } from '../../src/core/model.js';
import type { OrgConfigInput } from '../../src/core/org-config.js';
import {
  createWork,
  HTTP_ORG,
  json,
  openHttpFixture,
  type HttpFixture,
} from '../support/http-fixture.js';

let fx: HttpFixture;

/** HTTP_ORG with a two-stage reply (triage, then refunds) and preemption in billing. */
const STAGED: OrgConfigInput = {
  ...HTTP_ORG,
  domains: (HTTP_ORG.domains ?? []).map((d) =>
    d.id === 'billing' ? { ...d, preemption: true } : d,
  ),
  workTypes: [
    ...(HTTP_ORG.workTypes ?? []),
    {
      id: 'reply',
      domain: 'support',
      name: 'Reply',
      expectedDuration: '1h',
      sla: '1d',
      stages: [
        { id: 'draft', name: 'Draft', requiredSkills: { triage: 3 } },
        { id: 'check', requiredSkills: { refunds: 4 } },
      ],
    },
  ],
};

beforeAll(async () => {
  fx = await openHttpFixture();
  const applied = await fx.call('POST', '/v1/config/apply', { as: 'admin', body: STAGED });
  expect(applied.statusCode, applied.body).toBe(200);
});
afterAll(async () => {
  await fx.close();
});

describe('stages and preemption over HTTP', () => {
  it('shows a work type’s stages and a domain’s preemption', async () => {
    const type = json<WorkType>(await fx.call('GET', '/v1/work-types/reply', { as: 'viewer' }));
    expect(type.stages).toEqual([
      { id: 'draft', name: 'Draft', requiredSkills: { triage: 3 }, expectedDurationSeconds: 1800 },
      { id: 'check', name: 'check', requiredSkills: { refunds: 4 }, expectedDurationSeconds: 1800 },
    ]);
    const domain = json<Domain>(await fx.call('GET', '/v1/domains/billing', { as: 'viewer' }));
    expect(domain.preemption).toBe(true);
  });

  it('shows the stage of an item, and explains it', async () => {
    const item = await createWork(fx, { typeId: 'reply', title: 'Where is my refund?' });
    expect(item.stageId).toBe('draft');
    const read = json<WorkItem>(await fx.call('GET', `/v1/work/${item.id}`, { as: 'viewer' }));
    expect(read.stageId).toBe('draft');
    const explained = json<WorkExplanation>(
      await fx.call('GET', `/v1/work/${item.id}/explain`, { as: 'viewer' }),
    );
    expect(explained.stage).toMatchObject({ id: 'draft', position: 1, of: 2, next: 'check' });
    expect(explained.summary).toMatch(/^at stage 'draft' \(1 of 2\): /);
    expect(explained.preempted).toBeNull();
  });
});
