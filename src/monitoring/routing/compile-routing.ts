import type { RoutingConfig } from '../../core/route-config.js';
import { compileInhibitRules, type InhibitRule } from './inhibition.js';
import { compileRouteTree, type RouteNode } from './route-tree.js';
import { compileTimeIntervals, type TimeInterval } from './time-interval.js';

/** Everything routing decides with, compiled once from the applied configuration. */
export interface CompiledRouting {
  /** Null when the configuration has no `route`: there is nowhere to send exceptions. */
  tree: RouteNode | null;
  inhibitRules: InhibitRule[];
  timeIntervals: Map<string, TimeInterval[]>;
}

/** Compiles a validated routing configuration (see core/route-config). */
export function compileRouting(config: RoutingConfig): CompiledRouting {
  return {
    tree: config.route === undefined ? null : compileRouteTree(config.route),
    inhibitRules: compileInhibitRules(config.inhibit_rules ?? []),
    timeIntervals: compileTimeIntervals(config.time_intervals),
  };
}
