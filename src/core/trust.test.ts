import { describe, expect, it } from 'vitest';
import { diffOrgConfig, formatOrgDiff } from './diff-org-config.js';
import { orgConfigSchema, toOrgConfigDocument, toOrgModel } from './org-config.js';

const org = (trust: unknown) => ({
  apiVersion: 'autonomy/v1',
  kind: 'Organization',
  metadata: { name: 'T' },
  domains: [{ id: 'ops', name: 'Ops' }],
  actors: [
    { id: 'ann', kind: 'human', name: 'Ann', domains: ['ops'], capacity: 1 },
    { id: 'bot', kind: 'agent', name: 'Bot', domains: ['ops'], capacity: 1 },
  ],
  actions: [{ id: 'deploy', class: 'production_change', appliesTo: ['domain'] }],
  trust,
});

describe('trust in org.yaml', () => {
  it('parses durations and defaults, and exports back to the same model', () => {
    const model = toOrgModel(
      orgConfigSchema.parse(
        org({
          halfLife: '2w',
          initial: { bot: { work: 1, production_change: 0 } },
          promotions: [{ to: 2, class: 'production_change', minAttempts: 50, automatic: false }],
        }),
      ),
    );
    expect(model.authority?.trust).toEqual({
      halfLifeSeconds: 14 * 86_400,
      initial: { bot: { work: 1, production_change: 0 } },
      promotions: [
        {
          class: 'production_change',
          to: 2,
          minAttempts: 50,
          minSuccessRate: 0,
          cleanDays: 0,
          automatic: false,
        },
      ],
      incidents: { demoteTo: 0, fromExceptions: [] },
      rejectedWaitSeconds: 7 * 86_400,
    });
    const again = toOrgModel(orgConfigSchema.parse(toOrgConfigDocument(model)));
    expect(again.authority?.trust).toEqual(model.authority?.trust);
  });

  it('names the agent, class, level or matcher that is wrong', () => {
    const parsed = orgConfigSchema.safeParse(
      org({
        initial: { ann: { work: 1 }, bot: { refund: 1 } },
        promotions: [{ to: 5 }, { to: 1, class: 'refund' }, { to: 1 }, { to: 1 }],
        incidents: { fromExceptions: ['severity=="x"'] },
      }),
    );
    expect(parsed.success).toBe(false);
    const paths = parsed.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining(['trust.promotions.0.to', 'trust.incidents.fromExceptions.0']),
    );
    const refined = orgConfigSchema.safeParse(
      org({
        initial: { ann: { work: 1 }, bot: { refund: 1 } },
        promotions: [{ to: 1, class: 'refund' }, { to: 1 }, { to: 1 }],
      }),
    );
    expect(refined.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['trust.promotions.2', 'a second rule for level 1'],
      ['trust.initial.ann', "'ann' is not an agent of the file"],
      [
        'trust.initial.bot.refund',
        "unknown action class 'refund' (known: work, production_change)",
      ],
      [
        'trust.promotions.0.class',
        "unknown action class 'refund' (known: work, production_change)",
      ],
    ]);
  });
});

describe('trust in the diff', () => {
  it('is one entry, changed field by field', () => {
    const model = (halfLife: string) =>
      toOrgModel(orgConfigSchema.parse(org({ halfLife, promotions: [{ to: 1 }] })));
    const bare = toOrgModel(orgConfigSchema.parse(org(undefined)));
    expect(formatOrgDiff(diffOrgConfig(bare, model('30d')))).toEqual(['+ trust rules']);
    expect(formatOrgDiff(diffOrgConfig(model('30d'), model('10d')))).toEqual([
      '~ trust rules (halfLifeSeconds)',
    ]);
  });
});
