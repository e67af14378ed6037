import { describe, expect, it } from 'vitest';
import { diffOrgConfig, formatOrgDiff } from './diff-org-config.js';
import { orgConfigSchema, toOrgConfigDocument, toOrgModel } from './org-config.js';

const org = (
  capacity: number,
  withBot: boolean,
  metadata: { name: string; description?: string } = { name: 'Acme' },
) =>
  toOrgModel(
    orgConfigSchema.parse({
      apiVersion: 'autonomy/v1',
      kind: 'Organization',
      metadata,
      domains: [{ id: 'ops', name: 'Ops', owners: ['ann'] }],
      actors: [
        { id: 'ann', kind: 'human', name: 'Ann', domains: ['ops'], capacity },
        ...(withBot
          ? [{ id: 'bot', kind: 'agent', name: 'Bot', capacity: 3, costPerHour: 1.5 }]
          : []),
      ],
      workTypes: [
        { id: 'ticket', domain: 'ops', name: 'Ticket', expectedDuration: '30m', sla: '4h' },
      ],
    }),
  );

describe('diffOrgConfig', () => {
  it('lists added, changed (with fields) and removed entries', () => {
    const diff = diffOrgConfig(org(2, true), org(3, false));
    expect(formatOrgDiff(diff)).toEqual(['~ actor ann (capacity)', '- actor bot']);
    const first = diffOrgConfig(null, org(2, false));
    expect(first.changes.map((c) => c.change)).toEqual(['added', 'added', 'added', 'added']);
    expect(formatOrgDiff(first)).toEqual([
      '+ organization',
      '+ domain ops',
      '+ actor ann',
      '+ workType ticket',
    ]);
  });

  it('finds nothing to change after an export round trip', () => {
    const model = org(2, true);
    const again = toOrgModel(orgConfigSchema.parse(toOrgConfigDocument(model)));
    expect(diffOrgConfig(model, again)).toEqual({ changes: [] });
  });

  it('exports an actor cost when it has one, and leaves the default out', () => {
    const actors = toOrgConfigDocument(org(2, true)).actors ?? [];
    expect(actors.find((a) => a.id === 'bot')?.costPerHour).toBe(1.5);
    expect(actors.find((a) => a.id === 'ann')).not.toHaveProperty('costPerHour');
    expect(org(2, false).actors[0]?.costPerHour).toBe(0);
  });

  it('keeps the description through an export round trip, and omits an empty one', () => {
    const described = org(2, true, { name: 'Acme', description: 'We sell anvils' });
    expect(described.description).toBe('We sell anvils');
    const document = toOrgConfigDocument(described);
    expect(document.metadata).toEqual({ name: 'Acme', description: 'We sell anvils' });
    expect(diffOrgConfig(described, toOrgModel(orgConfigSchema.parse(document)))).toEqual({
      changes: [],
    });
    const plain = org(2, true);
    expect(plain.description).toBe('');
    expect(toOrgConfigDocument(plain).metadata).toEqual({ name: 'Acme' });
  });

  it('lists the organization first, as one entry naming the fields that changed', () => {
    const before = org(2, true, { name: 'Acme', description: 'old' });
    const renamed = diffOrgConfig(before, org(2, true, { name: 'Acme Two', description: 'old' }));
    expect(renamed.changes).toEqual([
      { kind: 'organization', id: 'organization', change: 'changed', fields: ['name'] },
    ]);
    expect(formatOrgDiff(renamed)).toEqual(['~ organization (name)']);
    const redescribed = diffOrgConfig(before, org(2, true, { name: 'Acme' }));
    expect(redescribed.changes).toEqual([
      { kind: 'organization', id: 'organization', change: 'changed', fields: ['description'] },
    ]);
    const both = diffOrgConfig(before, org(3, true, { name: 'Acme Two', description: 'new' }));
    expect(formatOrgDiff(both)).toEqual([
      '~ organization (name, description)',
      '~ actor ann (capacity)',
    ]);
    expect(diffOrgConfig(null, before).changes[0]).toEqual({
      kind: 'organization',
      id: 'organization',
      change: 'added',
    });
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
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual([
      'domains.0.owners.0',
      'workTypes.0.domain',
    ]);
  });
});
