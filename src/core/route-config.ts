import { z } from 'zod';
import { LABEL_NAME, parseMatchers, regexError } from './label-matcher.js';
import { parsePrometheusDuration } from './prometheus-duration.js';
import { namedTimeIntervalConfigSchema, parseTimeInterval } from './time-interval-config.js';

/**
 * The exception routing tree, inhibition rules and time intervals, written in Alertmanager's own
 * syntax (snake_case keys and all) so a team can paste the configuration it already has. The
 * schemas keep the document as written — durations and matchers stay text — so the applied
 * configuration exports back unchanged; monitoring compiles it into a tree.
 */

/** YAML reads `test: 2` as a number; Alertmanager takes label values as text. */
const labelValueSchema = z.union([z.string(), z.number(), z.boolean()]);

const labelNameSchema = z.string().regex(LABEL_NAME, 'not a valid label name');

const matcherListSchema = z.array(
  z.string().superRefine((text, ctx) => {
    const parsed = parseMatchers(text);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
  }),
);

const matchSchema = z.record(labelNameSchema, labelValueSchema);

const matchReSchema = z.record(
  labelNameSchema,
  labelValueSchema.superRefine((value, ctx) => {
    const error = regexError(String(value));
    if (error !== null) ctx.addIssue({ code: 'custom', message: error });
  }),
);

const durationSchema = (options: { nonZero: boolean }) =>
  z.union([z.string(), z.number()]).superRefine((value, ctx) => {
    const ms = parsePrometheusDuration(value);
    if (ms === null)
      ctx.addIssue({
        code: 'custom',
        message: `'${String(value)}' is not a duration (e.g. 30s, 5m, 4h, 1d, 1h30m)`,
      });
    else if (options.nonZero && ms === 0)
      ctx.addIssue({ code: 'custom', message: 'cannot be zero' });
  });

const groupBySchema = z.array(z.string()).superRefine((labels, ctx) => {
  if (labels.includes('...') && labels.length > 1)
    ctx.addIssue({
      code: 'custom',
      message: "'...' groups by all labels and cannot be listed with other labels",
    });
  const seen = new Set<string>();
  labels.forEach((label, index) => {
    if (label !== '...' && !LABEL_NAME.test(label))
      ctx.addIssue({
        code: 'custom',
        path: [index],
        message: `'${label}' is not a valid label name`,
      });
    if (seen.has(label))
      ctx.addIssue({ code: 'custom', path: [index], message: `duplicated label '${label}'` });
    seen.add(label);
  });
});

/** One node of the routing tree, with Alertmanager's keys. */
export interface RouteConfig {
  receiver?: string | undefined;
  group_by?: string[] | undefined;
  continue?: boolean | undefined;
  matchers?: string[] | undefined;
  match?: Record<string, string | number | boolean> | undefined;
  match_re?: Record<string, string | number | boolean> | undefined;
  group_wait?: string | number | undefined;
  group_interval?: string | number | undefined;
  repeat_interval?: string | number | undefined;
  mute_time_intervals?: string[] | undefined;
  active_time_intervals?: string[] | undefined;
  routes?: RouteConfig[] | undefined;
}

export const routeConfigSchema: z.ZodType<RouteConfig, RouteConfig> = z.strictObject({
  receiver: z.string().optional(),
  group_by: groupBySchema.optional(),
  continue: z.boolean().optional(),
  matchers: matcherListSchema.optional(),
  match: matchSchema.optional(),
  match_re: matchReSchema.optional(),
  group_wait: durationSchema({ nonZero: false }).optional(),
  group_interval: durationSchema({ nonZero: true }).optional(),
  repeat_interval: durationSchema({ nonZero: true }).optional(),
  mute_time_intervals: z.array(z.string().min(1)).optional(),
  active_time_intervals: z.array(z.string().min(1)).optional(),
  get routes() {
    return z.array(routeConfigSchema).optional();
  },
});

/** Alertmanager's inhibition rule: firing sources mute targets that agree on `equal`. */
export const inhibitRuleConfigSchema = z.strictObject({
  source_matchers: matcherListSchema.optional(),
  target_matchers: matcherListSchema.optional(),
  source_match: matchSchema.optional(),
  source_match_re: matchReSchema.optional(),
  target_match: matchSchema.optional(),
  target_match_re: matchReSchema.optional(),
  equal: z.array(labelNameSchema).optional(),
});

export type InhibitRuleConfig = z.infer<typeof inhibitRuleConfigSchema>;

const namedIntervalsSchema = z.array(
  namedTimeIntervalConfigSchema.superRefine((named, ctx) => {
    named.time_intervals.forEach((interval, index) => {
      const parsed = parseTimeInterval(interval);
      if (!parsed.ok)
        for (const issue of parsed.issues)
          ctx.addIssue({
            code: 'custom',
            path: ['time_intervals', index, ...issue.path],
            message: issue.message,
          });
    });
  }),
);

/** A step target standing for the owners of the exception's `domain` label, whoever they are then. */
export const DOMAIN_OWNERS_TARGET = '@domain-owners';

/** One step of a receiver's escalation policy: who is told, and how long they have to acknowledge. */
const escalationStepSchema = z.strictObject({
  /** Actor ids, or `@domain-owners` (the owners of the exception's `domain` label). */
  notify: z.array(z.string().min(1)).min(1),
  escalate_after: durationSchema({ nonZero: true }),
});

/**
 * A receiver as an organization file declares it: an owner (a person, an agent or a team) with
 * a PagerDuty-style escalation policy. Routes name receivers; a route may also name an actor
 * id or `@domain-owners` directly, which is told once.
 */
/**
 * An outbound webhook of a receiver: a POST of each notification, signed with HMAC-SHA256 under
 * the key held in the environment variable `secret_env` (never in the file), retried with
 * backoff. `format: slack` sends a Slack-compatible `{ "text": … }` body.
 */
const webhookConfigSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }),
  format: z.enum(['json', 'slack']).optional(),
  send_resolved: z.boolean().optional(),
  secret_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'the name of an environment variable holding the key'),
});

export const receiverConfigSchema = z.strictObject({
  name: z.string().min(1),
  webhooks: z.array(webhookConfigSchema).optional(),
  escalation: z
    .strictObject({
      steps: z.array(escalationStepSchema).min(1),
      /** Passes through the steps again after the last one, until someone acknowledges. */
      repeat: z.number().int().min(0).max(100).optional(),
    })
    .optional(),
});
export type ReceiverConfig = z.infer<typeof receiverConfigSchema>;

/** The routing keys an organization file may hold beside its other keys. */
export const routingConfigShape = {
  receivers: z.array(receiverConfigSchema).optional(),
  route: routeConfigSchema.optional(),
  inhibit_rules: z.array(inhibitRuleConfigSchema).optional(),
  time_intervals: namedIntervalsSchema.optional(),
};

export interface RoutingConfig {
  receivers?: ReceiverConfig[];
  route?: RouteConfig;
  inhibit_rules?: InhibitRuleConfig[];
  time_intervals?: z.infer<typeof namedTimeIntervalConfigSchema>[];
}

type AddIssue = (path: (string | number)[], message: string) => void;

/**
 * What Alertmanager checks across the tree: the root route names a default receiver and has no
 * matchers or time intervals (every alert enters there), routes name only defined intervals,
 * interval names are unique, and — when the document lists its receivers — routes name only
 * those.
 */
export function checkRoutingConfig(
  config: RoutingConfig,
  addIssue: AddIssue,
  options: { receivers?: ReadonlySet<string> } = {},
): void {
  const intervals = new Set<string>();
  (config.time_intervals ?? []).forEach((named, index) => {
    if (intervals.has(named.name))
      addIssue(['time_intervals', index, 'name'], `duplicate time interval '${named.name}'`);
    intervals.add(named.name);
  });
  const root = config.route;
  if (root === undefined) return;
  if (root.receiver === undefined || root.receiver === '')
    addIssue(['route', 'receiver'], 'the root route must name a default receiver');
  for (const key of ['matchers', 'match', 'match_re'] as const) {
    const value = root[key];
    if (value !== undefined && Object.keys(value).length > 0)
      addIssue(['route', key], 'the root route must not have matchers: every alert enters it');
  }
  for (const key of ['mute_time_intervals', 'active_time_intervals'] as const) {
    if ((root[key] ?? []).length > 0)
      addIssue(['route', key], `the root route must not have ${key}`);
  }
  const visit = (route: RouteConfig, path: (string | number)[]) => {
    for (const key of ['mute_time_intervals', 'active_time_intervals'] as const)
      (route[key] ?? []).forEach((name, index) => {
        if (!intervals.has(name))
          addIssue([...path, key, index], `undefined time interval '${name}'`);
      });
    if (
      options.receivers !== undefined &&
      route.receiver !== undefined &&
      route.receiver !== '' &&
      !options.receivers.has(route.receiver)
    )
      addIssue([...path, 'receiver'], `undefined receiver '${route.receiver}'`);
    (route.routes ?? []).forEach((child, index) => {
      visit(child, [...path, 'routes', index]);
    });
  };
  visit(root, ['route']);
}

/**
 * An Alertmanager configuration file, as `autonomy route test --config` reads it: `route` is
 * required and validated, as are `inhibit_rules` and `time_intervals` (and the older
 * `mute_time_intervals`); `global`, `templates` and receivers' settings are not ours to check.
 */
export const alertmanagerConfigSchema = z
  .looseObject({
    route: routeConfigSchema,
    inhibit_rules: z.array(inhibitRuleConfigSchema).optional(),
    time_intervals: namedIntervalsSchema.optional(),
    mute_time_intervals: namedIntervalsSchema.optional(),
    receivers: z.array(z.looseObject({ name: z.string().min(1) })).optional(),
  })
  .superRefine((config, ctx) => {
    const addIssue: AddIssue = (path, message) => {
      ctx.addIssue({ code: 'custom', path, message });
    };
    const receivers = config.receivers?.map((r) => r.name);
    receivers?.forEach((name, index) => {
      if (receivers.indexOf(name) !== index)
        addIssue(['receivers', index, 'name'], `duplicate receiver '${name}'`);
    });
    checkRoutingConfig(toRoutingConfig(config), addIssue, {
      ...(receivers === undefined ? {} : { receivers: new Set(receivers) }),
    });
  });

export type AlertmanagerConfig = z.infer<typeof alertmanagerConfigSchema>;

/**
 * The routing part of a document, with the older `mute_time_intervals` list merged in. An
 * organization file's own `receivers` (escalation policies) are added by the caller: an
 * Alertmanager file's receivers are notification settings, not ours.
 */
export function toRoutingConfig(config: {
  route?: RouteConfig | undefined;
  inhibit_rules?: InhibitRuleConfig[] | undefined;
  time_intervals?: RoutingConfig['time_intervals'] | undefined;
  mute_time_intervals?: RoutingConfig['time_intervals'] | undefined;
}): RoutingConfig {
  const intervals = [...(config.time_intervals ?? []), ...(config.mute_time_intervals ?? [])];
  return {
    ...(config.route === undefined ? {} : { route: config.route }),
    ...(config.inhibit_rules === undefined ? {} : { inhibit_rules: config.inhibit_rules }),
    ...(config.time_intervals === undefined && config.mute_time_intervals === undefined
      ? {}
      : { time_intervals: intervals }),
  };
}

/** Whether a routing configuration holds anything at all. */
export function isEmptyRoutingConfig(config: RoutingConfig): boolean {
  return (
    config.receivers === undefined &&
    config.route === undefined &&
    config.inhibit_rules === undefined &&
    config.time_intervals === undefined
  );
}
