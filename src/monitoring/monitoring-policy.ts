import type { Labels } from '../core/exception.js';

import { DOMAIN_OWNERS_TARGET } from '../core/route-config.js';

/**
 * A step target naming no one in particular: the owners of the domain in the exception's
 * `domain` label, whoever they are when the step runs.
 */
export const DOMAIN_OWNERS = DOMAIN_OWNERS_TARGET;

/** One step of an escalation policy: who is told, and how long they have to acknowledge. */
export interface EscalationStep {
  /** Actor ids, or DOMAIN_OWNERS. */
  notify: readonly string[];
  /** Seconds without acknowledgement before the next step. */
  escalateAfterSeconds: number;
}

/** A receiver: an owner (an actor or a team) with a PagerDuty-style escalation policy. */
/** Where a receiver's notifications are also posted. */
export interface WebhookTarget {
  url: string;
  format: 'json' | 'slack';
  sendResolved: boolean;
  /** The environment variable that holds the HMAC key. */
  secretEnv: string;
}

export interface Receiver {
  name: string;
  steps: readonly EscalationStep[];
  webhooks: readonly WebhookTarget[];
  /** Passes through the steps again after the last one (PagerDuty's loops); 0 for none. */
  repeat: number;
}

/** Where the routing tree sends one set of labels. */
export interface RouteMatch {
  /** Receivers in match order, without repeats. */
  receivers: string[];
  /** The matched routes, as paths in the configuration. */
  routes: string[];
  /** The aggregation group on the first matched route (Alertmanager's group key). */
  group: string;
  /** Seconds to wait before the first notification, so related exceptions arrive together. */
  groupWaitSeconds: number;
}

/**
 * What humans decided about exceptions, as the engine consults it: where labels route, what
 * each receiver's escalation is, and which exceptions mute others. Built from the organization's
 * configuration by the runtime.
 */
export interface MonitoringPolicy {
  route(labels: Labels): RouteMatch;
  /** The receiver named by a route; an actor id with no policy of its own is a one-step one. */
  receiver(name: string): Receiver;
  /** The active exception (by labels) that mutes these labels, or null. */
  inhibitedBy(labels: Labels, active: readonly Labels[]): Labels | null;
  /** Whether a silence's matchers (Alertmanager syntax) all match these labels. */
  silences(matchers: readonly string[], labels: Labels): boolean;
}

/** How long a one-step receiver waits before telling its actor again. */
const DEFAULT_REPEAT_SECONDS = 4 * 3600;

/** A receiver that names an actor (or the domain's owners) and has no policy of its own. */
export function singleStepReceiver(name: string): Receiver {
  return {
    name,
    steps: [{ notify: [name], escalateAfterSeconds: DEFAULT_REPEAT_SECONDS }],
    webhooks: [],
    repeat: 0,
  };
}
