import type { Labels } from '../../core/label-matcher.js';
import type { RouteNode } from './route-tree.js';

/**
 * The labels an alert's group is formed by on a route: those of its labels the route groups
 * by (all of them for `group_by: ['...']`). A group_by label the alert lacks is left out, as
 * in Alertmanager, so alerts without it share a group.
 */
export function groupLabels(route: Pick<RouteNode, 'groupBy'>, labels: Labels): Labels {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels)) {
    if (route.groupBy === 'all' || route.groupBy.includes(name)) out[name] = value;
  }
  return out;
}

/** A label set as Prometheus prints one: `{alertname="Disk", cluster="eu1"}`, sorted. */
export function formatLabelSet(labels: Labels): string {
  const pairs = Object.entries(labels).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  pairs.sort();
  return `{${pairs.join(', ')}}`;
}

/**
 * The key of the aggregation group an alert falls into on a route, formed as Alertmanager forms
 * it: the route key, a colon, the group labels. Sibling routes with identical matchers share a
 * route key in Alertmanager; keep groups apart by `route.id` as well when that can happen.
 */
export function groupKey(route: Pick<RouteNode, 'key' | 'groupBy'>, labels: Labels): string {
  return `${route.key}:${formatLabelSet(groupLabels(route, labels))}`;
}
