import { describe, expect, it } from 'vitest';
import { orgConfigSchema } from './org-config.js';
import { alertmanagerConfigSchema, toRoutingConfig } from './route-config.js';

/** Each issue as `path: message`, paths dotted as zod gives them. */
function issues(schema: typeof alertmanagerConfigSchema | typeof orgConfigSchema, input: unknown) {
  const result = schema.safeParse(input);
  return result.success
    ? []
    : result.error.issues.map((i) =>
        i.code === 'unrecognized_keys'
          ? `${[...i.path, ...i.keys].join('.')}: unknown field`
          : `${i.path.join('.')}: ${i.message}`,
      );
}

const am = (route: unknown, extra: Record<string, unknown> = {}) =>
  issues(alertmanagerConfigSchema, { route, ...extra });

describe('route configuration', () => {
  it('accepts what Alertmanager accepts, keeping it as written', () => {
    const config = {
      global: { resolve_timeout: '5m' },
      route: {
        receiver: 'default',
        group_by: ['alertname'],
        group_wait: '0s',
        routes: [
          {
            matchers: ['service=~"a|b"', '{team="x", env!="dev"}'],
            match: { test: 2 },
            match_re: { region: 'eu-.*' },
            continue: true,
            group_by: ['...'],
            repeat_interval: '1d12h',
            mute_time_intervals: ['nights'],
          },
        ],
      },
      receivers: [{ name: 'default', email_configs: [{ to: 'a@b' }] }],
      time_intervals: [
        {
          name: 'nights',
          time_intervals: [{ times: [{ start_time: '22:00', end_time: '24:00' }] }],
        },
      ],
    };
    const parsed = alertmanagerConfigSchema.parse(config);
    expect(toRoutingConfig(parsed)).toEqual({
      route: config.route,
      time_intervals: config.time_intervals,
    });
  });

  it('names the path of a bad matcher, regex or duration', () => {
    expect(
      am({
        receiver: 'r',
        routes: [
          { matchers: ['a="b"'] },
          {
            matchers: ['severity=critical', 'team=~"(x"'],
            match_re: { service: '[' },
            group_wait: '5 minutes',
            group_interval: '0s',
          },
        ],
      }),
    ).toEqual([
      "route.routes.1.matchers.1: invalid regular expression '(x': Unterminated group",
      "route.routes.1.match_re.service: invalid regular expression '[': Unterminated character class",
      "route.routes.1.group_wait: '5 minutes' is not a duration (e.g. 30s, 5m, 4h, 1d, 1h30m)",
      'route.routes.1.group_interval: cannot be zero',
    ]);
    expect(am({ receiver: 'r', routes: [{ matchers: ['oops'] }] })).toEqual([
      'route.routes.0.matchers.0: bad matcher format: oops',
    ]);
  });

  it('refuses unknown keys, as Alertmanager does', () => {
    expect(am({ receiver: 'r', routes: [{ reciever: 'x' }] })).toEqual([
      'route.routes.0.reciever: unknown field',
    ]);
  });

  it('checks group_by: valid names, no duplicates, and ... alone', () => {
    expect(am({ receiver: 'r', group_by: ['a', 'a'] })).toEqual([
      "route.group_by.1: duplicated label 'a'",
    ]);
    expect(am({ receiver: 'r', group_by: ['...', 'a'] })).toEqual([
      "route.group_by: '...' groups by all labels and cannot be listed with other labels",
    ]);
    expect(am({ receiver: 'r', group_by: ['bad-name'] })).toEqual([
      "route.group_by.0: 'bad-name' is not a valid label name",
    ]);
  });

  it('requires a root receiver, and no matchers or time intervals on the root', () => {
    expect(am({ routes: [] })).toEqual([
      'route.receiver: the root route must name a default receiver',
    ]);
    expect(am({ receiver: 'r', matchers: ['a=b'] })).toEqual([
      'route.matchers: the root route must not have matchers: every alert enters it',
    ]);
    expect(
      am(
        { receiver: 'r', mute_time_intervals: ['n'] },
        { time_intervals: [{ name: 'n', time_intervals: [] }] },
      ),
    ).toEqual(['route.mute_time_intervals: the root route must not have mute_time_intervals']);
    expect(issues(alertmanagerConfigSchema, { receivers: [] })).toEqual([
      'route: Invalid input: expected object, received undefined',
    ]);
  });

  it('checks references to receivers (when listed) and time intervals', () => {
    expect(
      am(
        { receiver: 'r', routes: [{ receiver: 'ghost', active_time_intervals: ['later'] }] },
        { receivers: [{ name: 'r' }, { name: 'r' }] },
      ),
    ).toEqual([
      "receivers.1.name: duplicate receiver 'r'",
      "route.routes.0.active_time_intervals.0: undefined time interval 'later'",
      "route.routes.0.receiver: undefined receiver 'ghost'",
    ]);
    // The older top-level name for time intervals still defines them.
    expect(
      am(
        { receiver: 'r', routes: [{ mute_time_intervals: ['old'] }] },
        { mute_time_intervals: [{ name: 'old', time_intervals: [{ weekdays: ['saturday'] }] }] },
      ),
    ).toEqual([]);
  });

  it('checks time intervals field by field', () => {
    expect(
      am(
        { receiver: 'r' },
        {
          time_intervals: [
            {
              name: 'bad',
              time_intervals: [
                {
                  times: [{ start_time: '18:00', end_time: '09:00' }],
                  weekdays: ['friday:monday', 'funday'],
                  days_of_month: ['0', '-1:5'],
                  months: ['13'],
                  years: ['2030:2020'],
                  location: 'Mars/Olympus',
                },
              ],
            },
            { name: 'bad', time_intervals: [] },
          ],
        },
      ),
    ).toEqual([
      'time_intervals.0.time_intervals.0.times.0: start_time must be before end_time',
      "time_intervals.0.time_intervals.0.weekdays.0: 'friday:monday': start day cannot be after end day",
      "time_intervals.0.time_intervals.0.weekdays.1: 'funday' is not a valid weekday or weekday range",
      "time_intervals.0.time_intervals.0.days_of_month.0: '0': 0 is not a valid day of the month",
      "time_intervals.0.time_intervals.0.days_of_month.1: '-1:5': end day must be negative if start day is",
      "time_intervals.0.time_intervals.0.months.0: '13' is not a valid month or month range",
      "time_intervals.0.time_intervals.0.years.0: '2030:2020': start year cannot be after end year",
      "time_intervals.0.time_intervals.0.location: unknown time zone 'Mars/Olympus'",
      "time_intervals.1.name: duplicate time interval 'bad'",
    ]);
  });

  it('takes inhibit rules in all their forms and checks their matchers', () => {
    expect(
      am(
        { receiver: 'r' },
        {
          inhibit_rules: [
            {
              source_match: { severity: 'critical' },
              source_match_re: { service: 'a|b' },
              target_matchers: ['severity="warning"'],
              equal: ['cluster'],
            },
            { source_matchers: ['x=~"("'], equal: ['not-a-label'] },
          ],
        },
      ),
    ).toEqual([
      "inhibit_rules.1.source_matchers.0: invalid regular expression '(': Unterminated group",
      'inhibit_rules.1.equal.0: not a valid label name',
    ]);
  });
});

describe('routing in the organization file', () => {
  const org = {
    apiVersion: 'autonomy/v1',
    kind: 'Organization',
    metadata: { name: 'acme' },
  };

  it('takes route, inhibit_rules and time_intervals beside the other keys', () => {
    const parsed = orgConfigSchema.parse({
      ...org,
      receivers: [
        {
          name: 'ops',
          escalation: { steps: [{ notify: ['@domain-owners'], escalate_after: '1h' }] },
        },
        { name: 'x-oncall', webhooks: [{ url: 'https://example.com/x', secret_env: 'X_KEY' }] },
      ],
      route: { receiver: 'ops', routes: [{ matchers: ['domain="x"'], receiver: 'x-oncall' }] },
      inhibit_rules: [{ source_matchers: ['a="1"'], target_matchers: ['a="2"'] }],
    });
    expect(parsed.route?.routes?.[0]?.receiver).toBe('x-oncall');
    expect(parsed.inhibit_rules).toHaveLength(1);
  });

  it('reports routing problems at their path', () => {
    expect(
      issues(orgConfigSchema, {
        ...org,
        route: { routes: [{ receiver: 'x' }, { matchers: ['a=~"("'] }] },
      }),
    ).toEqual([
      "route.routes.1.matchers.0: invalid regular expression '(': Unterminated group",
      'route.receiver: the root route must name a default receiver',
      "route.routes.0.receiver: undefined receiver 'x'",
    ]);
    expect(
      issues(orgConfigSchema, {
        ...org,
        receivers: [
          {
            name: 'x',
            escalation: { steps: [{ notify: ['@domain-owners'], escalate_after: '1h' }] },
          },
        ],
        route: { routes: [{ receiver: 'x' }] },
      }),
    ).toEqual(['route.receiver: the root route must name a default receiver']);
  });

  it('takes receivers with escalation policies, and checks who they notify', () => {
    const parsed = orgConfigSchema.parse({
      ...org,
      domains: [{ id: 'ops', name: 'Ops', owners: ['ann'] }],
      actors: [{ id: 'ann', kind: 'human', name: 'Ann', domains: ['ops'], capacity: 1 }],
      receivers: [
        {
          name: 'oncall',
          escalation: {
            steps: [
              { notify: ['@domain-owners'], escalate_after: '10m' },
              { notify: ['ann'], escalate_after: '1h' },
            ],
            repeat: 2,
          },
        },
      ],
      // A route may name an actor or the domain's owners directly.
      route: { receiver: 'oncall', routes: [{ receiver: 'ann' }, { receiver: '@domain-owners' }] },
    });
    expect(parsed.receivers?.[0]?.escalation?.steps).toHaveLength(2);
    expect(
      issues(orgConfigSchema, {
        ...org,
        receivers: [
          { name: 'r', escalation: { steps: [{ notify: ['ghost'], escalate_after: '0s' }] } },
          { name: 'r', slack_configs: [] },
        ],
        route: { receiver: 'nobody' },
      }),
    ).toEqual([
      'receivers.0.escalation.steps.0.escalate_after: cannot be zero',
      'receivers.1.slack_configs: unknown field',
      "route.receiver: undefined receiver 'nobody'",
      "receivers.0.escalation.steps.0.notify.0: unknown actor 'ghost' (name an actor id or @domain-owners)",
      "receivers.1.name: duplicate receiver 'r'",
      'receivers.1: a receiver needs an escalation (who is told) or webhooks (where it is posted)',
    ]);
  });
});
