/**
 * Exception routing with Alertmanager's semantics: the routing tree, group keys, aggregation
 * groups driven by the clock, inhibition, silences and time intervals. Pure functions over plain
 * data; the engine and the simulator hold the state.
 */
export {
  formatMatcher,
  formatMatchers,
  matchesLabels,
  parseMatcher,
  parseMatchers,
  type Labels,
  type Matcher,
  type MatchType,
} from '../../core/label-matcher.js';
export {
  formatPrometheusDuration,
  parsePrometheusDuration,
} from '../../core/prometheus-duration.js';
export type { InhibitRuleConfig, RouteConfig, RoutingConfig } from '../../core/route-config.js';
export {
  flushGroup,
  insertAlert,
  isFlushDue,
  newAggregationGroup,
  resolveAlert,
  type AggregationGroup,
  type FlushOptions,
  type FlushResult,
  type GroupAlert,
  type GroupNotification,
  type NotificationReason,
} from './aggregation-group.js';
export { compileRouting, type CompiledRouting } from './compile-routing.js';
export { formatLabelSet, groupKey, groupLabels } from './group-key.js';
export {
  compileInhibitRules,
  inhibitionsOf,
  isInhibited,
  type InhibitRule,
  type Inhibition,
  type SourceAlert,
} from './inhibition.js';
export { matchReceivers, matchRoutes } from './match-routes.js';
export {
  compileRouteTree,
  DEFAULT_GROUP_INTERVAL_MS,
  DEFAULT_GROUP_WAIT_MS,
  DEFAULT_REPEAT_INTERVAL_MS,
  walkRouteTree,
  type RouteNode,
} from './route-tree.js';
export { isSilenced, silenceState, silencesMuting, type Silence } from './silence.js';
export {
  compileTimeIntervals,
  isInTimeInterval,
  isInTimeIntervals,
  routeMuteState,
  type RouteMute,
  type TimeInterval,
} from './time-interval.js';
