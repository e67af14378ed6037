import { formatMatcher, formatMatchers } from '../../core/label-matcher.js';
import { formatPrometheusDuration } from '../../core/prometheus-duration.js';
import type { Labels } from '../../core/label-matcher.js';
import { groupKey } from '../../monitoring/routing/group-key.js';
import type { RouteNode } from '../../monitoring/routing/route-tree.js';

/** How `amtool config routes show` names a node: its matchers, or `default-route` for none. */
function slug(route: RouteNode): string {
  let out = route.matchers.length === 0 ? 'default-route' : formatMatchers(route.matchers);
  if (route.continue) out += '  continue: true';
  out += `  receiver: ${route.receiver}`;
  const grouping = route.groupBy === 'all' ? ['...'] : route.groupBy;
  if (grouping.length > 0) out += `  grouping: [${grouping.join(',')}]`;
  return out;
}

/**
 * The tree as `amtool config routes show` draws it, one node a line under `Routing tree:`,
 * with the receiver and grouping each node ends up with.
 */
export function formatRouteTree(tree: RouteNode): string[] {
  const lines = ['Routing tree:', '.'];
  const draw = (node: RouteNode, prefix: string, last: boolean) => {
    lines.push(`${prefix}${last ? '└── ' : '├── '}${slug(node)}`);
    const inner = `${prefix}${last ? '    ' : '│   '}`;
    node.routes.forEach((child, index) => {
      draw(child, inner, index === node.routes.length - 1);
    });
  };
  draw(tree, '', true);
  return lines;
}

/** A route with its effective options, in Alertmanager's words, for `--json`. */
export function describeRoute(route: RouteNode, labels?: Labels): Record<string, unknown> {
  return {
    path: route.path,
    id: route.id,
    receiver: route.receiver,
    matchers: route.matchers.map(formatMatcher),
    continue: route.continue,
    group_by: route.groupBy === 'all' ? ['...'] : route.groupBy,
    group_wait: formatPrometheusDuration(route.groupWaitMs),
    group_interval: formatPrometheusDuration(route.groupIntervalMs),
    repeat_interval: formatPrometheusDuration(route.repeatIntervalMs),
    mute_time_intervals: route.muteTimeIntervals,
    active_time_intervals: route.activeTimeIntervals,
    ...(labels === undefined ? {} : { group_key: groupKey(route, labels) }),
  };
}

/** The whole tree as nested JSON, each node with its effective options. */
export function describeRouteTree(tree: RouteNode): Record<string, unknown> {
  return { ...describeRoute(tree), routes: tree.routes.map(describeRouteTree) };
}
