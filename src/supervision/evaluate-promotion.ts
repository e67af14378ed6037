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

/** The decimals decayed evidence is shown and compared with: attempts, the success rate. */
const ATTEMPT_DIGITS = 2;
const RATE_DIGITS = 3;

/** `value` as read to `digits` decimals, in units of that last decimal (an exact integer). */
const readAs = (value: number, digits: number): number => Math.round(value * 10 ** digits);

/**
 * Why a rule is not met by what a record shows, or null when it is. Decayed evidence is compared
 * as people read it — attempts to the hundredth, the success rate to the thousandth, the
 * precision it is shown with — not to the last bit of a float: decay starts the moment an
 * attempt is recorded, so one attempt is 0.99999… an instant later, and 45 successes of 50
 * attempts can come out as 0.8999999999999999; "1.00 attempts of 1" and "0.900" meet 1 and 0.9.
 * Decay itself is untouched: evidence that has decayed to read below a threshold (19.54 attempts
 * of 20) does not meet it.
 */
export function unmet(rule: PromotionRule, shown: Omit<TrustEvidence, 'rule'>): string | null {
  const missing: string[] = [];
  const attempts = readAs(shown.counts.attempts, ATTEMPT_DIGITS);
  if (attempts < readAs(rule.minAttempts, ATTEMPT_DIGITS))
    missing.push(
      `${(attempts / 10 ** ATTEMPT_DIGITS).toFixed(ATTEMPT_DIGITS)} attempts of ${rule.minAttempts}`,
    );
  const rate = shown.successRate === null ? null : readAs(shown.successRate, RATE_DIGITS);
  if (rule.minSuccessRate > 0 && (rate ?? 0) < readAs(rule.minSuccessRate, RATE_DIGITS))
    missing.push(
      `success rate ${rate === null ? 'unknown' : (rate / 10 ** RATE_DIGITS).toFixed(RATE_DIGITS)} below ${rule.minSuccessRate}`,
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
