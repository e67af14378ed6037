import {
  compareMatchers,
  formatMatchers,
  parseMatchers,
  type Matcher,
} from '../../core/label-matcher.js';
import { parsePrometheusDuration } from '../../core/prometheus-duration.js';
import type { RouteConfig } from '../../core/route-config.js';

/** Alertmanager's defaults, which the root route starts from. */
export const DEFAULT_GROUP_WAIT_MS = 30_000;
export const DEFAULT_GROUP_INTERVAL_MS = 5 * 60_000;
export const DEFAULT_REPEAT_INTERVAL_MS = 4 * 3_600_000;

/**
 * A node of the compiled routing tree with its effective options: what it inherited from its
 * ancestors, overridden by what it sets itself.
 */
export interface RouteNode {
  /** Where the node is in the configuration: `route`, `route.routes.1.routes.0`. */
  path: string;
  /** Alertmanager's route key: the ancestors' matchers and its own, `{}/{service="db"}`. */
  key: string;
  /** Alertmanager's route id: the key and the node's position among its siblings. */
  id: string;
  /** Its own matchers (from `match`, `match_re` and `matchers`), in Alertmanager's order. */
  matchers: Matcher[];
  continue: boolean;
  receiver: string;
  /** The labels alerts are grouped by, or `all` for `group_by: ['...']`. */
  groupBy: string[] | 'all';
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  /** Named time intervals; like Alertmanager, a route does not inherit these from its parent. */
  muteTimeIntervals: string[];
  activeTimeIntervals: string[];
  routes: RouteNode[];
}

interface Inherited {
  receiver: string;
  groupBy: string[] | 'all';
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
}

function duration(value: string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = parsePrometheusDuration(value);
  // The schema has checked it; a bad value left here means an unchecked document.
  if (ms === null) throw new Error(`invalid duration '${String(value)}'`);
  return ms;
}

/** The matchers a route or rule declares in its three forms, as one list. */
export function collectMatchers(
  match: Record<string, string | number | boolean> | undefined,
  matchRe: Record<string, string | number | boolean> | undefined,
  matchers: readonly string[] | undefined,
): Matcher[] {
  const out: Matcher[] = [];
  for (const [name, value] of Object.entries(match ?? {}))
    out.push({ name, type: '=', value: String(value) });
  for (const [name, value] of Object.entries(matchRe ?? {}))
    out.push({ name, type: '=~', value: String(value) });
  for (const text of matchers ?? []) {
    const parsed = parseMatchers(text);
    if (!parsed.ok) throw new Error(parsed.error);
    out.push(...parsed.value);
  }
  return out.sort(compareMatchers);
}

function compile(
  config: RouteConfig,
  parent: { node: RouteNode; position: number } | null,
  inherited: Inherited,
): RouteNode {
  const groupBy =
    config.group_by === undefined
      ? inherited.groupBy
      : config.group_by.includes('...')
        ? 'all'
        : [...config.group_by];
  const matchers = collectMatchers(config.match, config.match_re, config.matchers);
  const key = `${parent === null ? '' : `${parent.node.key}/`}${formatMatchers(matchers)}`;
  const node: RouteNode = {
    path: parent === null ? 'route' : `${parent.node.path}.routes.${parent.position}`,
    key,
    id: parent === null ? key : `${key}/${parent.position}`,
    matchers,
    continue: config.continue ?? false,
    receiver:
      config.receiver === undefined || config.receiver === ''
        ? inherited.receiver
        : config.receiver,
    groupBy,
    groupWaitMs: duration(config.group_wait, inherited.groupWaitMs),
    groupIntervalMs: duration(config.group_interval, inherited.groupIntervalMs),
    repeatIntervalMs: duration(config.repeat_interval, inherited.repeatIntervalMs),
    muteTimeIntervals: [...(config.mute_time_intervals ?? [])],
    activeTimeIntervals: [...(config.active_time_intervals ?? [])],
    routes: [],
  };
  node.routes = (config.routes ?? []).map((child, position) =>
    compile(child, { node, position }, node),
  );
  return node;
}

/**
 * Compiles a validated `route` (see core/route-config) into the tree routing walks. Children
 * inherit receiver, grouping and timers; the root starts from Alertmanager's defaults (group_wait
 * 30s, group_interval 5m, repeat_interval 4h, no grouping labels).
 */
export function compileRouteTree(config: RouteConfig): RouteNode {
  return compile(config, null, {
    receiver: '',
    groupBy: [],
    groupWaitMs: DEFAULT_GROUP_WAIT_MS,
    groupIntervalMs: DEFAULT_GROUP_INTERVAL_MS,
    repeatIntervalMs: DEFAULT_REPEAT_INTERVAL_MS,
  });
}

/** Every node, parent before children, in configuration order. */
export function walkRouteTree(tree: RouteNode, visit: (node: RouteNode, depth: number) => void) {
  const go = (node: RouteNode, depth: number) => {
    visit(node, depth);
    for (const child of node.routes) go(child, depth + 1);
  };
  go(tree, 0);
}
