import { describe, expect, it } from 'vitest';
import { diffOrgConfig, formatOrgDiff } from './diff-org-config.js';
import { orgConfigSchema, toOrgConfigDocument, toOrgModel } from './org-config.js';

const org = (capacity: number, withBot: boolean) =>
  toOrgModel(
    orgConfigSchema.parse({
      apiVersion: 'autonomy/v1',
      kind: 'Organization',
      metadata: { name: 'Acme' },
      domains: [{ id: 'ops', name: 'Ops', owners: ['ann'] }],
      actors: [
        { id: 'ann', kind: 'human', name: 'Ann', domains: ['ops'], capacity },
        ...(withBot ? [{ id: 'bot', kind: 'agent', name: 'Bot', capacity: 3 }] : []),
      ],
      workTypes: [{ id: 'ticket', domain: 'ops', name: 'Ticket', expectedDuration: '30m', sla: '4h' }],
    }),
  );

describe('diffOrgConfig', () => {
  it('lists added, changed (with fields) and removed entries', () => {
    const diff = diffOrgConfig(org(2, true), org(3, false));
    expect(formatOrgDiff(diff)).toEqual(['~ actor ann (capacity)', '- actor bot']);
    expect(diffOrgConfig(null, org(2, false)).changes.map((c) => c.change)).toEqual(['added', 'added', 'added']);
  });

  it('finds nothing to change after an export round trip', () => {
    const model = org(2, true);
    const again = toOrgModel(orgConfigSchema.parse(toOrgConfigDocument(model)));
    expect(diffOrgConfig(model, again)).toEqual({ changes: [], renamed: false });
  });
});

describe('orgConfigSchema', () => {
  it('names the path of unknown references and bad durations', () => {
    const result = orgConfigSchema.safeParse({
      apiVersion: 'autonomy/v1',
      kind: 'Organization',
      metadata: { name: 'x' },
      domains: [{ id: 'ops', name: 'Ops', owners: ['ghost'] }],
      workTypes: [{ id: 't', domain: 'nowhere', name: 'T', expectedDuration: 'soon', sla: '1h' }],
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['workTypes.0.expectedDuration']));
  });

  it('checks cross references once the shapes are valid', () => {
    const result = orgConfigSchema.safeParse({
      apiVersion: 'autonomy/v1',
      kind: 'Organization',
      metadata: { name: 'x' },
      domains: [{ id: 'ops', name: 'Ops', owners: ['ghost'] }],
      workTypes: [{ id: 't', domain: 'nowhere', name: 'T', expectedDuration: '1h', sla: '1h' }],
    });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['domains.0.owners.0', 'workTypes.0.domain']);
  });
});
