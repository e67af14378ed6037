import { matchesLabels, parseMatchers } from '../core/label-matcher.js';
import type { Labels } from '../core/exception.js';
import { parsePrometheusDuration } from '../core/prometheus-duration.js';
import type { RoutingConfig } from '../core/route-config.js';
import {
  DOMAIN_OWNERS,
  singleStepReceiver,
  type MonitoringPolicy,
  type Receiver,
} from './monitoring-policy.js';
import { compileRouting } from './routing/compile-routing.js';
import { groupKey } from './routing/group-key.js';
import { inhibitionsOf } from './routing/inhibition.js';
import { matchRoutes } from './routing/match-routes.js';

/** Without a `route`, every exception goes to the owners of its domain, at once. */
const DEFAULT_ROUTE = {
  receivers: [DOMAIN_OWNERS],
  routes: ['route'],
  group: '{}:{}',
  groupWaitSeconds: 0,
};

/**
 * The policy the applied configuration sets: its routing tree (Alertmanager's semantics), its
 * inhibition rules, and its receivers' escalation policies. A receiver a route names without a
 * policy of its own (an actor id, or `@domain-owners`) is told once.
 */
export function monitoringPolicyOf(config: RoutingConfig | undefined): MonitoringPolicy {
  const routing = compileRouting(config ?? {});
  const receivers = new Map<string, Receiver>(
    (config?.receivers ?? []).map((r) => [
      r.name,
      {
        name: r.name,
        repeat: r.escalation?.repeat ?? 0,
        // A receiver without escalation is a channel: its webhooks alone.
        steps: (r.escalation?.steps ?? []).map((step) => ({
          notify: step.notify,
          escalateAfterSeconds: (parsePrometheusDuration(step.escalate_after) ?? 0) / 1000,
        })),
        webhooks: (r.webhooks ?? []).map((w) => ({
          url: w.url,
          format: w.format ?? 'json',
          sendResolved: w.send_resolved ?? true,
          secretEnv: w.secret_env,
        })),
      },
    ]),
  );
  const silenceMatchers = new Map<string, ReturnType<typeof parseMatchers>>();
  return {
    route(labels: Labels) {
      if (routing.tree === null) return DEFAULT_ROUTE;
      const matched = matchRoutes(routing.tree, labels);
      const first = matched[0];
      return {
        group: first === undefined ? '{}:{}' : groupKey(first, labels),
        receivers: [...new Set(matched.map((route) => route.receiver))],
        routes: matched.map((route) => route.path),
        // The first notification waits as long as the first matched route's group asks.
        groupWaitSeconds: (matched[0]?.groupWaitMs ?? 0) / 1000,
      };
    },
    receiver: (name) => receivers.get(name) ?? singleStepReceiver(name),
    inhibitedBy(labels, active) {
      const firing = active.map((l, i) => ({ id: String(i), labels: l }));
      const source = inhibitionsOf(labels, firing, routing.inhibitRules)[0]?.sources[0];
      return source === undefined ? null : (active[Number(source)] ?? null);
    },
    silences(matchers, labels) {
      return matchers.every((text) => {
        let parsed = silenceMatchers.get(text);
        if (parsed === undefined) silenceMatchers.set(text, (parsed = parseMatchers(text)));
        // Silences are validated when created; one that no longer parses mutes nothing.
        return parsed.ok && matchesLabels(parsed.value, labels);
      });
    },
  };
}
