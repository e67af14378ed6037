import { matchesLabels, type Labels, type Matcher } from '../../core/label-matcher.js';
import type { InhibitRuleConfig } from '../../core/route-config.js';
import { collectMatchers } from './route-tree.js';

/** A compiled inhibition rule. */
export interface InhibitRule {
  /** Where the rule is in the configuration: `inhibit_rules.0`. */
  path: string;
  sourceMatchers: Matcher[];
  targetMatchers: Matcher[];
  equal: string[];
}

/** A firing alert that may inhibit others. */
export interface SourceAlert {
  id: string;
  labels: Labels;
}

export interface Inhibition {
  rule: InhibitRule;
  /** The firing alerts that mute the target under this rule. */
  sources: string[];
}

/** Compiles validated `inhibit_rules` (each rule's three matcher forms become one list a side). */
export function compileInhibitRules(rules: readonly InhibitRuleConfig[]): InhibitRule[] {
  return rules.map((rule, index) => ({
    path: `inhibit_rules.${index}`,
    sourceMatchers: collectMatchers(rule.source_match, rule.source_match_re, rule.source_matchers),
    targetMatchers: collectMatchers(rule.target_match, rule.target_match_re, rule.target_matchers),
    equal: [...(rule.equal ?? [])],
  }));
}

/**
 * Why an alert with `labels` is inhibited: for each rule whose target side it matches, the
 * firing alerts that match the source side and agree with it on every `equal` label (a label
 * missing on both sides counts as equal, being empty on both). As in Alertmanager, when the
 * target also matches the source side, sources that themselves match both sides are not
 * counted, so an alert cannot mute itself or its peers. Empty when nothing inhibits it.
 */
export function inhibitionsOf(
  labels: Labels,
  firing: readonly SourceAlert[],
  rules: readonly InhibitRule[],
): Inhibition[] {
  const out: Inhibition[] = [];
  const value = (set: Labels, name: string) => (Object.hasOwn(set, name) ? set[name] : '');
  for (const rule of rules) {
    if (!matchesLabels(rule.targetMatchers, labels)) continue;
    const excludeTwoSided = matchesLabels(rule.sourceMatchers, labels);
    const sources = firing.filter(
      (source) =>
        matchesLabels(rule.sourceMatchers, source.labels) &&
        rule.equal.every((name) => value(source.labels, name) === value(labels, name)) &&
        !(excludeTwoSided && matchesLabels(rule.targetMatchers, source.labels)),
    );
    if (sources.length > 0) out.push({ rule, sources: sources.map((s) => s.id) });
  }
  return out;
}

/** Whether any firing source alert inhibits an alert with `labels` under `rules`. */
export function isInhibited(
  labels: Labels,
  firing: readonly SourceAlert[],
  rules: readonly InhibitRule[],
): boolean {
  return inhibitionsOf(labels, firing, rules).length > 0;
}
