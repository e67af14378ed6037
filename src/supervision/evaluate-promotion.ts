import {
  MAX_TRUST_LEVEL,
  type PromotionRule,
  type TrustConfig,
  type TrustEvidence,
  type TrustRecord,
} from '../core/trust.js';
import { readRecord } from './trust-record.js';

/** The rule for reaching `to` in a class: the class's own, else the one for every class. */
export function ruleFor(
  rules: readonly PromotionRule[],
  cls: string,
  to: number,
): PromotionRule | null {
  return (
    rules.find((r) => r.class === cls && r.to === to) ??
    rules.find((r) => r.class === null && r.to === to) ??
    null
  );
}

export type PromotionVerdict =
  | { kind: 'none'; reason: string }
  | { kind: 'promote'; to: number; automatic: boolean; evidence: TrustEvidence };

/** Why a rule is not met by what a record shows, or null when it is. */
export function unmet(rule: PromotionRule, shown: Omit<TrustEvidence, 'rule'>): string | null {
  const missing: string[] = [];
  if (shown.counts.attempts < rule.minAttempts)
    missing.push(`${shown.counts.attempts.toFixed(2)} attempts of ${rule.minAttempts}`);
  if (rule.minSuccessRate > 0 && (shown.successRate ?? 0) < rule.minSuccessRate)
    missing.push(
      `success rate ${shown.successRate === null ? 'unknown' : shown.successRate.toFixed(3)} below ${rule.minSuccessRate}`,
    );
  if (shown.cleanDays < rule.cleanDays)
    missing.push(`${shown.cleanDays.toFixed(2)} clean days of ${rule.cleanDays}`);
  return missing.length === 0 ? null : missing.join('; ');
}

/**
 * Whether a record earns the next level now: one level at a time, by the rule for that level
 * (the class's own or the general one). No rule, no record or the top level: no promotion.
 */
export function evaluatePromotion(
  record: TrustRecord | null,
  level: number,
  config: Pick<TrustConfig, 'promotions' | 'halfLifeSeconds'>,
  now: string,
): PromotionVerdict {
  if (level >= MAX_TRUST_LEVEL) return { kind: 'none', reason: 'at the top level' };
  const to = level + 1;
  if (record === null) return { kind: 'none', reason: 'no record yet' };
  const rule = ruleFor(config.promotions, record.class, to);
  if (rule === null) return { kind: 'none', reason: `no rule for level ${to}` };
  const shown = readRecord(record, now, config.halfLifeSeconds);
  const why = unmet(rule, shown);
  if (why !== null) return { kind: 'none', reason: why };
  return { kind: 'promote', to, automatic: rule.automatic, evidence: { ...shown, rule } };
}

/** The level an incident leaves: the configured floor, or the current level if already below. */
export function levelAfterIncident(level: number, config: Pick<TrustConfig, 'incidents'>): number {
  return Math.min(level, config.incidents.demoteTo);
}
