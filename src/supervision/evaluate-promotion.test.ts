import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { DEFAULT_TRUST_CONFIG, type PromotionRule, type TrustConfig } from '../core/trust.js';
import { decayFactor } from './decay.js';
import { evaluatePromotion, levelAfterIncident, ruleFor } from './evaluate-promotion.js';
import { addToRecord, emptyRecord, readRecord } from './trust-record.js';

const DAY = 86_400;
const key = { actorId: 'bot', domainId: 'billing', class: 'work' };
const at = (day: number) => new Date(Date.UTC(2026, 0, 1) + day * DAY * 1000).toISOString();

const rule = (to: number, over: Partial<PromotionRule> = {}): PromotionRule => ({
  class: null,
  to,
  minAttempts: 10,
  minSuccessRate: 0.9,
  cleanDays: 7,
  automatic: true,
  ...over,
});
const config: TrustConfig = {
  ...DEFAULT_TRUST_CONFIG,
  halfLifeSeconds: 10 * DAY,
  promotions: [rule(1), rule(2, { automatic: false, minAttempts: 20 })],
};

/** `n` successes at day `day`. */
function successes(n: number, day: number, record = emptyRecord(key, at(day))) {
  let r = record;
  for (let i = 0; i < n; i++)
    r = addToRecord(r, at(day), { attempts: 1, successes: 1 }, config.halfLifeSeconds);
  return r;
}

describe('decay', () => {
  it('halves a count every half-life, and never grows it for earlier times', () => {
    expect(decayFactor(10 * DAY, at(0), at(10))).toBe(0.5);
    expect(decayFactor(10 * DAY, at(0), at(30))).toBe(0.125);
    expect(decayFactor(10 * DAY, at(5), at(0))).toBe(1);
  });

  it('stores counts as of the last event and decays them on read', () => {
    let r = successes(8, 0);
    r = addToRecord(r, at(10), { attempts: 1 }, config.halfLifeSeconds);
    // 8 attempts halved to 4, then one more (a failure): 5 attempts, 4 successes.
    expect(r.counts).toEqual({ attempts: 5, successes: 4, reversals: 0, incidents: 0 });
    expect(r.asOf).toBe(at(10));
    const shown = readRecord(r, at(20), config.halfLifeSeconds);
    expect(shown.counts).toEqual({ attempts: 2.5, successes: 2, reversals: 0, incidents: 0 });
    expect(shown.successRate).toBe(0.8);
    expect(shown.cleanDays).toBe(20);
  });

  it('counts a reversal against the success rate and restarts the clean days', () => {
    let r = successes(10, 0);
    r = addToRecord(r, at(4), { reversals: 1 }, config.halfLifeSeconds, {
      kind: 'reversal',
      at: at(4),
      reason: 'refund to the wrong account',
      ref: 'w1',
      by: 'ann',
    });
    const shown = readRecord(r, at(4), config.halfLifeSeconds);
    const f = Math.pow(0.5, 0.4);
    expect(shown.counts.attempts).toBeCloseTo(10 * f, 12);
    expect(shown.successRate).toBeCloseTo((10 * f - 1) / (10 * f), 12);
    expect(shown.cleanDays).toBe(0);
    expect(r.marks.map((m) => m.ref)).toEqual(['w1']);
  });
});

describe('evaluatePromotion', () => {
  it('promotes one level when volume, success rate and clean days are met', () => {
    const r = successes(20, 0);
    expect(evaluatePromotion(r, 0, config, at(6))).toMatchObject({
      kind: 'none',
      reason: expect.stringContaining('6.00 clean days of 7') as unknown,
    });
    const verdict = evaluatePromotion(r, 0, config, at(7));
    expect(verdict.kind).toBe('promote');
    if (verdict.kind !== 'promote') return;
    expect(verdict).toMatchObject({ to: 1, automatic: true });
    // 20 attempts after 7 days at a 10-day half-life: 20 · 0.5^0.7 ≈ 12.31.
    expect(verdict.evidence.counts.attempts).toBe(20 * Math.pow(0.5, 0.7));
    expect(verdict.evidence.successRate).toBe(1);
    expect(verdict.evidence.cleanDays).toBe(7);
    expect(verdict.evidence.rule).toEqual(rule(1));
  });

  it('lets decay take a record below the minimum volume', () => {
    const r = successes(20, 0);
    // 20 · 0.5^(d/10) is 10 at day 10 exactly, and below it after.
    expect(evaluatePromotion(r, 0, config, at(10))).toMatchObject({ kind: 'promote' });
    expect(evaluatePromotion(r, 0, config, at(11))).toEqual({
      kind: 'none',
      reason: '9.33 attempts of 10',
    });
  });

  it('refuses below the success rate, proposes rules that are not automatic, stops at 4', () => {
    let r = successes(30, 0);
    for (let i = 0; i < 5; i++) r = addToRecord(r, at(0), { attempts: 1 }, config.halfLifeSeconds);
    // 30 of 35: 0.857 < 0.9.
    expect(evaluatePromotion(r, 0, config, at(8))).toMatchObject({
      kind: 'none',
      reason: expect.stringContaining('success rate 0.857 below 0.9') as unknown,
    });
    const good = successes(40, 0);
    expect(evaluatePromotion(good, 1, config, at(8))).toMatchObject({
      kind: 'promote',
      to: 2,
      automatic: false,
    });
    expect(evaluatePromotion(good, 2, config, at(8))).toEqual({
      kind: 'none',
      reason: 'no rule for level 3',
    });
    expect(evaluatePromotion(good, 4, config, at(8))).toEqual({
      kind: 'none',
      reason: 'at the top level',
    });
  });

  it('prefers a class’s own rule over the general one', () => {
    const own = rule(1, { class: 'refund', minAttempts: 100 });
    expect(ruleFor([rule(1), own], 'refund', 1)).toBe(own);
    expect(ruleFor([rule(1), own], 'work', 1)).toEqual(rule(1));
  });

  it('demotes to the incident level, never up', () => {
    const c = { incidents: { demoteTo: 1, fromExceptions: [] } };
    expect(levelAfterIncident(3, c)).toBe(1);
    expect(levelAfterIncident(0, c)).toBe(0);
  });
});

describe('whole-number thresholds, as people read the evidence', () => {
  // The default half-life (30 days): a fresh attempt is worth slightly less than 1 a moment later.
  const fresh: TrustConfig = {
    ...DEFAULT_TRUST_CONFIG,
    promotions: [
      rule(1, { minAttempts: 1, minSuccessRate: 1, cleanDays: 0 }),
      rule(2, { minAttempts: 20, minSuccessRate: 0.9, cleanDays: 0 }),
      rule(3, { minAttempts: 50, minSuccessRate: 0.9, cleanDays: 0 }),
    ],
  };
  const MINUTE = 60_000;

  /** `n` attempts recorded now on `clock`, a second apart, the ones `failed` picks failing. */
  function attempts(clock: ManualClock, n: number, failed: (i: number) => boolean = () => false) {
    let r = emptyRecord(key, clock.now().toISOString());
    for (let i = 0; i < n; i++) {
      r = addToRecord(
        r,
        clock.now().toISOString(),
        { attempts: 1, successes: failed(i) ? 0 : 1 },
        fresh.halfLifeSeconds,
      );
      clock.advance(1000);
    }
    return r;
  }

  it('meets minAttempts: 1 with one attempt, seconds and minutes later', () => {
    const clock = new ManualClock(at(0));
    const one = attempts(clock, 1);
    for (const later of [0, 5_000, 10 * MINUTE]) {
      const now = new Date(clock.now().getTime() + later).toISOString();
      expect(readRecord(one, now, fresh.halfLifeSeconds).counts.attempts).toBeLessThan(1);
      expect(evaluatePromotion(one, 0, fresh, now)).toMatchObject({ kind: 'promote', to: 1 });
    }
  });

  it('meets minAttempts: 20 with exactly 20 fresh attempts, and not with 19', () => {
    const clock = new ManualClock(at(0));
    const twenty = attempts(clock, 20);
    clock.advance(3 * MINUTE);
    const now = clock.now().toISOString();
    expect(readRecord(twenty, now, fresh.halfLifeSeconds).counts.attempts).toBeLessThan(20);
    expect(evaluatePromotion(twenty, 1, fresh, now)).toMatchObject({ kind: 'promote', to: 2 });
    expect(evaluatePromotion(attempts(clock, 19), 1, fresh, clock.now().toISOString())).toEqual({
      kind: 'none',
      reason: '19.00 attempts of 20',
    });
  });

  it('meets a success rate of 0.9 with 45 successes of 50 attempts recorded together', () => {
    const clock = new ManualClock(at(0));
    let r = emptyRecord(key, clock.now().toISOString());
    for (let i = 0; i < 50; i++)
      r = addToRecord(
        r,
        clock.now().toISOString(),
        { attempts: 1, successes: i % 10 === 3 ? 0 : 1 },
        fresh.halfLifeSeconds,
      );
    clock.advance(2 * MINUTE);
    const now = clock.now().toISOString();
    // Floating point makes 45 of 50 a hair under 0.9; the rule is met as it reads: 0.900.
    expect(readRecord(r, now, fresh.halfLifeSeconds).successRate).toBeLessThan(0.9);
    expect(evaluatePromotion(r, 2, fresh, now)).toMatchObject({ kind: 'promote', to: 3 });
  });

  it('still lets decay take fresh evidence below the threshold once it shows', () => {
    const clock = new ManualClock(at(0));
    const twenty = attempts(clock, 20);
    clock.advance(DAY * 1000);
    expect(evaluatePromotion(twenty, 1, fresh, clock.now().toISOString())).toEqual({
      kind: 'none',
      reason: '19.54 attempts of 20',
    });
  });
});
