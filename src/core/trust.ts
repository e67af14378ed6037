import { z } from 'zod';
import { formatDuration, parseDuration } from './duration.js';
import { parseMatcher } from './label-matcher.js';

/**
 * Earned trust: per actor, domain and action class, a record of attempts, successes, human
 * reversals and incidents (each decayed with time), and a level from 0 to 4 that authority
 * policies read as `principal.trust.<class>`. Supervision decides; core carries the shapes.
 */

/**
 * The levels, modelled on SAE J3016's levels of driving automation: what each means is what the
 * organization's policies make of it (`principal.trust.work >= 2`); the names say the intent.
 */
export const TRUST_LEVELS = [
  { level: 0, name: 'suggest only' },
  { level: 1, name: 'act with approval each time' },
  { level: 2, name: 'act alone within low-risk bounds' },
  { level: 3, name: 'act alone with sampled review' },
  { level: 4, name: 'act alone within the domain' },
] as const;
export const MAX_TRUST_LEVEL = 4;

/** The decayed counts of one record, as of a time. */
export interface TrustCounts {
  /** Attempts ended (a success or a failure). */
  attempts: number;
  successes: number;
  /** Completed work a person undid. */
  reversals: number;
  incidents: number;
}

/** A reversal or incident as the record keeps it (the newest few, for the evidence shown). */
export interface TrustMark {
  kind: 'reversal' | 'incident';
  at: string;
  reason: string;
  /** What it was about: a work item or an exception id, when there is one. */
  ref: string | null;
  /** Who recorded it. */
  by: string;
}

/** What is known of one actor in one domain and action class, folded from the log. */
export interface TrustRecord {
  actorId: string;
  domainId: string;
  class: string;
  /** The counts decayed up to `asOf` (the last event folded in); decay on to read them later. */
  counts: TrustCounts;
  asOf: string;
  /** The first event of the record: clean time counts from here when nothing went wrong. */
  firstAt: string;
  lastReversalAt: string | null;
  lastIncidentAt: string | null;
  /** The newest reversals and incidents, newest first. */
  marks: TrustMark[];
}

/** A level set by a change (promotion, demotion, override); absent ones are the file's initial. */
export interface TrustLevel {
  actorId: string;
  domainId: string;
  class: string;
  level: number;
  since: string;
  changedBy: string;
  reason: string;
}

export type PromotionState = 'pending' | 'approved' | 'rejected' | 'superseded';

/** A promotion a rule found earned, waiting for (or decided by) a person. */
export interface TrustPromotion {
  id: string;
  actorId: string;
  domainId: string;
  class: string;
  from: number;
  to: number;
  state: PromotionState;
  proposedAt: string;
  /** The rule met and the evidence (decayed counts, rates, clean days) when proposed. */
  evidence: TrustEvidence;
  decidedAt: string | null;
  decidedBy: string | null;
  reason: string | null;
}

/** Why a level changed or a promotion was proposed: the record as read, and the rule. */
export interface TrustEvidence {
  counts: TrustCounts;
  successRate: number | null;
  cleanDays: number;
  /** The rule met (promotions) or broken (an incident's demotion); null for an override. */
  rule: PromotionRule | null;
}

/** A promotion rule: what a record must show to reach `to` from the level below. */
export interface PromotionRule {
  /** The action class it applies to; null for every class without a rule of its own. */
  class: string | null;
  to: number;
  minAttempts: number;
  /** (successes − reversals) / attempts, decayed alike. */
  minSuccessRate: number;
  /** Days since the last incident or reversal (or the first event, when none). */
  cleanDays: number;
  /** Applied at once when met; otherwise proposed for a person to approve or reject. */
  automatic: boolean;
}

/** The trust part of an organization file, as stored with its authority. */
export interface TrustConfig {
  halfLifeSeconds: number;
  /** Initial level per agent and class (every domain); unlisted ones start at 0. */
  initial: Record<string, Record<string, number>>;
  promotions: PromotionRule[];
  incidents: {
    /** The level an incident drops the actor to at once (the circuit breaker). */
    demoteTo: number;
    /**
     * Label matchers (Alertmanager syntax, all must match): an exception opened with these
     * labels and an `actor` label naming an agent counts as an incident of that agent. Empty:
     * exceptions are never incidents by themselves.
     */
    fromExceptions: string[];
  };
  /** After a person rejects a promotion, how long before the same one is proposed again. */
  rejectedWaitSeconds: number;
}

export const DEFAULT_HALF_LIFE_SECONDS = 30 * 86_400;
export const DEFAULT_REJECTED_WAIT_SECONDS = 7 * 86_400;

export const DEFAULT_TRUST_CONFIG: TrustConfig = {
  halfLifeSeconds: DEFAULT_HALF_LIFE_SECONDS,
  initial: {},
  promotions: [],
  incidents: { demoteTo: 0, fromExceptions: [] },
  rejectedWaitSeconds: DEFAULT_REJECTED_WAIT_SECONDS,
};

const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const seconds = parseDuration(value);
  if (seconds === null) {
    ctx.addIssue({ code: 'custom', message: `'${value}' is not a duration (e.g. 12h, 30d, 2w)` });
    return z.NEVER;
  }
  return seconds;
});

const level = z.number().int().min(0).max(MAX_TRUST_LEVEL);
const className = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'an action class');

const promotionRuleSchema = z.strictObject({
  class: className.optional(),
  to: z.number().int().min(1).max(MAX_TRUST_LEVEL),
  minAttempts: z.number().min(0).default(0),
  minSuccessRate: z.number().min(0).max(1).default(0),
  cleanDays: z.number().min(0).default(0),
  automatic: z.boolean().default(false),
});

const matcherText = z.string().superRefine((text, ctx) => {
  const parsed = parseMatcher(text);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
});

/** `trust:` in org.yaml. */
export const trustConfigSchema = z
  .strictObject({
    halfLife: duration.optional(),
    initial: z.record(z.string(), z.record(className, level)).default({}),
    promotions: z.array(promotionRuleSchema).default([]),
    incidents: z
      .strictObject({
        demoteTo: level.default(0),
        fromExceptions: z.array(matcherText).default([]),
      })
      .default({ demoteTo: 0, fromExceptions: [] }),
    rejectedWait: duration.optional(),
  })
  .superRefine((trust, ctx) => {
    const seen = new Set<string>();
    trust.promotions.forEach((rule, index) => {
      const key = `${rule.class ?? '*'}/${rule.to}`;
      if (seen.has(key))
        ctx.addIssue({
          code: 'custom',
          path: ['promotions', index],
          message: `a second rule for level ${rule.to}${rule.class === undefined ? '' : ` of class '${rule.class}'`}`,
        });
      seen.add(key);
    });
  });

export type TrustConfigInput = z.input<typeof trustConfigSchema>;

export function toTrustConfig(input: z.output<typeof trustConfigSchema>): TrustConfig {
  return {
    halfLifeSeconds: input.halfLife ?? DEFAULT_HALF_LIFE_SECONDS,
    initial: input.initial,
    promotions: input.promotions.map((r) => ({ ...r, class: r.class ?? null })),
    incidents: input.incidents,
    rejectedWaitSeconds: input.rejectedWait ?? DEFAULT_REJECTED_WAIT_SECONDS,
  };
}

/** The inverse of toTrustConfig, for export. */
export function toTrustDocument(config: TrustConfig): TrustConfigInput {
  return {
    halfLife: formatDuration(config.halfLifeSeconds),
    initial: config.initial,
    promotions: config.promotions.map(({ class: c, ...rule }) => ({
      ...(c === null ? {} : { class: c }),
      ...rule,
    })),
    incidents: config.incidents,
    rejectedWait: formatDuration(config.rejectedWaitSeconds),
  };
}
