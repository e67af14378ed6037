import { matchesLabels, type Labels } from '../../core/label-matcher.js';
import type { RouteNode } from './route-tree.js';

/**
 * The routes an alert with these labels goes to, in Alertmanager's order: depth first, left to
 * right. A route that matches hands the alert to its children; when none of them takes it, the
 * route itself is a match. Among siblings the first match ends the search unless it has
 * `continue: true`. The root matches every alert, so the result is never empty.
 */
export function matchRoutes(tree: RouteNode, labels: Labels): RouteNode[] {
  return matchNode(tree, labels) ?? [];
}

function matchNode(node: RouteNode, labels: Labels): RouteNode[] | null {
  if (!matchesLabels(node.matchers, labels)) return null;
  const all: RouteNode[] = [];
  for (const child of node.routes) {
    const matches = matchNode(child, labels);
    if (matches === null) continue;
    all.push(...matches);
    if (!child.continue) break;
  }
  if (all.length === 0) all.push(node);
  return all;
}

/** The receivers in match order, as `amtool config routes test` prints them. */
export function matchReceivers(tree: RouteNode, labels: Labels): string[] {
  return matchRoutes(tree, labels).map((route) => route.receiver);
}
