import { describe, expect, it } from 'vitest';
import { objectiveSchema, toObjective, toObjectiveDocument } from './objective-config.js';
import {
  openSloDocumentSchema,
  resolveOpenSlo,
  toOpenSloDocument,
  type OpenSloDocument,
} from './slo-config.js';

const source = (query: string) => ({ metricSource: { type: 'autonomy', spec: { query } } });

const sli = {
  apiVersion: 'openslo/v1',
  kind: 'SLI',
  metadata: { name: 'on-time' },
  spec: {
    ratioMetric: {
      counter: true,
      good: source('work_completed_within_sla_total{domain="support"}'),
      total: source('work_completed_with_due_total{domain="support"}'),
    },
  },
};

const slo = (spec: Record<string, unknown> = {}) => ({
  apiVersion: 'openslo/v1',
  kind: 'SLO',
  metadata: { name: 'support-on-time', displayName: 'Support on time' },
  spec: {
    service: 'support',
    indicatorRef: 'on-time',
    timeWindow: [{ duration: '4w', isRolling: true }],
    budgetingMethod: 'Occurrences',
    objectives: [{ displayName: 'most', targetPercent: 99.9 }, { target: 0.9 }],
    ...spec,
  },
});

const parse = (doc: unknown) => openSloDocumentSchema.parse(doc);
const issuesOf = (doc: unknown) => {
  const result = openSloDocumentSchema.safeParse(doc);
  return result.success
    ? []
    : result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('OpenSLO documents', () => {
  it('resolve an indicatorRef to the SLI of the set, with targets and a rolling window', () => {
    const { slos, issues } = resolveOpenSlo([parse(sli), parse(slo())]);
    expect(issues).toEqual([]);
    expect(slos).toEqual([
      {
        name: 'support-on-time',
        displayName: 'Support on time',
        description: '',
        service: 'support',
        indicator: {
          name: 'on-time',
          good: { name: 'work_completed_within_sla_total', labels: { domain: 'support' } },
          bad: null,
          total: { name: 'work_completed_with_due_total', labels: { domain: 'support' } },
        },
        timeWindow: { kind: 'rolling', seconds: 28 * 86_400 },
        // 99.9 / 100 without the float noise; a target without a name is named by its value.
        objectives: [
          { name: 'most', target: 0.999 },
          { name: '0.9', target: 0.9 },
        ],
      },
    ]);
  });

  it('read a calendar window in UTC, and export back to a document that resolves the same', () => {
    const calendar = slo({
      indicatorRef: undefined,
      indicator: { metadata: { name: 'inline' }, spec: sli.spec },
      timeWindow: [
        {
          duration: '1Q',
          isRolling: false,
          calendar: { startTime: '2026-01-01 00:00:00', timeZone: 'UTC' },
        },
      ],
    });
    const [definition] = resolveOpenSlo([parse(calendar)]).slos;
    expect(definition?.timeWindow).toEqual({
      kind: 'calendar',
      unit: 'Q',
      count: 1,
      startTime: '2026-01-01T00:00:00.000Z',
    });
    if (definition === undefined) throw new Error('no SLO');
    const exported = toOpenSloDocument(definition);
    expect(resolveOpenSlo([parse(exported)]).slos).toEqual([definition]);
    const rolling = resolveOpenSlo([parse(sli), parse(slo())]).slos[0];
    if (rolling === undefined) throw new Error('no SLO');
    expect(resolveOpenSlo([parse(toOpenSloDocument(rolling))]).slos).toEqual([rolling]);
  });

  it.each([
    [{ ...slo(), apiVersion: 'openslo/v2alpha' }, 'apiVersion', "apiVersion must be 'openslo/v1'"],
    [
      { ...slo(), kind: 'AlertPolicy' },
      'kind',
      'kind must be SLO, SLI or Service (other OpenSLO kinds are not supported)',
    ],
    [
      slo({ budgetingMethod: 'Timeslices' }),
      'spec.budgetingMethod',
      'only budgetingMethod: Occurrences is supported (not Timeslices or RatioTimeslices)',
    ],
    [
      slo({ timeWindow: [{ duration: '1M', isRolling: true }] }),
      'spec.timeWindow.0.duration',
      'a rolling window is counted in m, h, d or w (28d rather than 1M)',
    ],
    [
      slo({
        timeWindow: [
          {
            duration: '1M',
            isRolling: false,
            calendar: { startTime: '2026-01-01', timeZone: 'Europe/Paris' },
          },
        ],
      }),
      'spec.timeWindow.0.calendar.timeZone',
      'only UTC calendars are supported',
    ],
    [
      slo({ timeWindow: [{ duration: '1M', isRolling: false }] }),
      'spec.timeWindow.0.calendar',
      'a calendar window (isRolling: false) needs calendar.startTime and timeZone',
    ],
    [
      slo({ objectives: [{ target: 0.9, targetPercent: 90 }] }),
      'spec.objectives.0.target',
      'give exactly one of target (0 < t < 1) or targetPercent (0 < p < 100)',
    ],
    [
      slo({ objectives: [{ target: 0.9 }, { target: 0.9 }] }),
      'spec.objectives.1.displayName',
      "duplicate objective '0.9'",
    ],
    [
      slo({ alertPolicies: ['fast-burn'] }),
      'spec.alertPolicies',
      "alert policies are not supported: burn-rate alerts follow the SRE workbook's windows (see docs/performance.md)",
    ],
    [
      slo({ indicator: { metadata: { name: 'x' }, spec: sli.spec } }),
      'spec.indicator',
      'give exactly one of indicator (inline) or indicatorRef (an SLI of the same set)',
    ],
    [
      { ...sli, spec: { ratioMetric: { ...sli.spec.ratioMetric, counter: false } } },
      'spec.ratioMetric.counter',
      'only counters are supported (counter: true): the ratio is taken of increases',
    ],
    [
      {
        ...sli,
        spec: { ratioMetric: { ...sli.spec.ratioMetric, bad: source('work_failed_total') } },
      },
      'spec.ratioMetric.bad',
      'give exactly one of good or bad, beside total',
    ],
    [
      {
        ...sli,
        spec: {
          ratioMetric: {
            ...sli.spec.ratioMetric,
            total: { metricSource: { type: 'Prometheus', spec: { query: 'up' } } },
          },
        },
      },
      'spec.ratioMetric.total.metricSource.type',
      "only metric sources of type 'autonomy' are supported (the system's own metrics, read with spec.query)",
    ],
    [
      {
        ...sli,
        spec: { ratioMetric: { ...sli.spec.ratioMetric, total: source('sum(rate(x[5m]))') } },
      },
      'spec.ratioMetric.total.metricSource.spec.query',
      "unexpected text after the selector at position 4 of 'sum(rate(x[5m]))'",
    ],
  ])('refuse what is not supported, by name (%#)', (doc, path, message) => {
    expect(issuesOf(doc)).toContainEqual({ path, message });
  });

  it('name problems across the set: unknown references and duplicates', () => {
    const docs: OpenSloDocument[] = [
      parse(slo({ indicatorRef: 'missing' })),
      parse(sli),
      parse(sli),
      parse(slo()),
    ];
    expect(resolveOpenSlo(docs).issues).toEqual([
      { document: 2, path: ['metadata', 'name'], message: "duplicate SLI 'on-time'" },
      { document: 0, path: ['spec', 'indicatorRef'], message: "no SLI named 'missing' in the set" },
      { document: 3, path: ['metadata', 'name'], message: "duplicate SLO 'support-on-time'" },
    ]);
  });
});

describe('objectives', () => {
  const objective = {
    id: 'growth',
    name: 'Grow',
    period: { from: '2026-01-01', to: '2026-04-01' },
    keyResults: [
      { id: 'done', name: 'Done', metric: 'work_completed_total', start: 0, target: 100 },
      {
        id: 'sla',
        name: 'SLA',
        metric: 'sla_attainment{domain="support"}',
        start: 0.8,
        target: 0.9,
        window: '7d',
        period: { from: '2026-02-01T12:00:00Z', to: '2026-03-01' },
      },
    ],
  };

  it('take the period from the objective unless the key result has its own, and export back', () => {
    const model = toObjective(objectiveSchema.parse(objective));
    expect(model.keyResults.map((kr) => [kr.periodStart, kr.periodEnd, kr.windowSeconds])).toEqual([
      ['2026-01-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z', null],
      ['2026-02-01T12:00:00.000Z', '2026-03-01T00:00:00.000Z', 604_800],
    ]);
    expect(toObjective(objectiveSchema.parse(toObjectiveDocument(model)))).toEqual(model);
  });

  it.each([
    [
      { ...objective, period: undefined },
      'keyResults.0.period',
      'give the key result a period (from, to), or its objective one',
    ],
    [
      { ...objective, period: { from: '2026-04-01', to: '2026-01-01' } },
      'period.to',
      'the period ends after it starts',
    ],
    [
      { ...objective, keyResults: [{ ...objective.keyResults[0], target: 0 }] },
      'keyResults.0.target',
      'the target differs from the start (there is no way to measure progress)',
    ],
    [
      { ...objective, keyResults: [{ ...objective.keyResults[0], metric: 'x{a!="b"}' }] },
      'keyResults.0.metric',
      "only equality matchers (=) are supported, not '!=' at position 4 of 'x{a!=\"b\"}'",
    ],
    [
      { ...objective, period: { from: 'Q1', to: '2026-04-01' } },
      'period.from',
      "'Q1' is not a date (2026-01-01) or timestamp",
    ],
  ])('refuse what cannot be measured (%#)', (doc, path, message) => {
    const result = objectiveSchema.safeParse(doc);
    expect(result.success).toBe(false);
    if (!result.success)
      expect(
        result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      ).toContainEqual({
        path,
        message,
      });
  });
});
