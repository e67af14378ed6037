import { DomainError, notFound } from '../core/errors.js';
import { newEvent, type EventMap, type TrustKey } from '../core/events.js';
import { newId } from '../core/ids.js';
import type { TxStores } from '../core/ports/store.js';
import type { TrustConfig, TrustEvidence, TrustPromotion, TrustRecord } from '../core/trust.js';
import { evaluatePromotion, levelAfterIncident } from './evaluate-promotion.js';
import { TrustLevels } from './trust-levels.js';
import { addToRecord, emptyRecord, readRecord, trustKeyOf } from './trust-record.js';

/** What a trust change runs with: the transaction, the time, who acts and the rules in force. */
export interface TrustContext {
  tx: Pick<TxStores, 'trust' | 'events'>;
  now: Date;
  /** The name recorded as the events' actor. */
  by: string;
  config: TrustConfig;
}

type Cause = EventMap['supervision.trust.changed']['cause'];

const keyOnly = (key: TrustKey): TrustKey => ({
  actorId: key.actorId,
  domainId: key.domainId,
  class: key.class,
});

async function recordOf(ctx: TrustContext, key: TrustKey): Promise<TrustRecord | null> {
  const [record] = await ctx.tx.trust.records(key);
  return record ?? null;
}

/** The evidence a record shows now (no rule): what a change that is not a promotion carries. */
export async function evidenceNow(ctx: TrustContext, key: TrustKey): Promise<TrustEvidence> {
  const at = ctx.now.toISOString();
  const record = (await recordOf(ctx, key)) ?? emptyRecord(key, at);
  return { ...readRecord(record, at, ctx.config.halfLifeSeconds), rule: null };
}

/**
 * Sets a level with its event, and sets aside any pending promotion that no longer starts from
 * the level now in force.
 */
export async function setLevel(
  ctx: TrustContext,
  key: TrustKey,
  change: {
    from: number;
    to: number;
    cause: Cause;
    reason: string;
    evidence: TrustEvidence;
    promotionId?: string;
  },
): Promise<void> {
  const at = ctx.now.toISOString();
  await ctx.tx.trust.putLevel({
    ...keyOnly(key),
    level: change.to,
    since: at,
    changedBy: ctx.by,
    reason: change.reason,
  });
  ctx.tx.events.append(
    newEvent('supervision.trust.changed', ctx.by, key.actorId, {
      ...keyOnly(key),
      from: change.from,
      to: change.to,
      cause: change.cause,
      reason: change.reason,
      evidence: change.evidence,
      promotionId: change.promotionId ?? null,
    }),
  );
  for (const pending of await ctx.tx.trust.promotions({ ...keyOnly(key), state: 'pending' }))
    if (pending.from !== change.to && pending.id !== change.promotionId)
      await decide(ctx, pending, 'superseded', `the level changed to ${change.to}`);
}

async function decide(
  ctx: TrustContext,
  promotion: TrustPromotion,
  decision: 'approved' | 'rejected' | 'superseded',
  reason: string,
): Promise<boolean> {
  const done = await ctx.tx.trust.decidePromotion(
    promotion.id,
    decision,
    ctx.now.toISOString(),
    ctx.by,
    reason,
  );
  if (done)
    ctx.tx.events.append(
      newEvent('supervision.trust.promotion_decided', ctx.by, promotion.id, {
        ...keyOnly(promotion),
        decision,
        reason,
      }),
    );
  return done;
}

/** Whether a person rejected this promotion too recently for it to be proposed again. */
async function rejectedRecently(ctx: TrustContext, key: TrustKey, to: number): Promise<boolean> {
  const since = ctx.now.getTime() - ctx.config.rejectedWaitSeconds * 1000;
  const rejected = await ctx.tx.trust.promotions({ ...keyOnly(key), state: 'rejected' });
  return rejected.some(
    (p) => p.to === to && p.decidedAt !== null && Date.parse(p.decidedAt) > since,
  );
}

export interface EvaluationOutcome {
  promoted: { key: TrustKey; from: number; to: number }[];
  proposed: TrustPromotion[];
}

/**
 * Applies the promotion rules to records: a met rule that is automatic changes the level at
 * once (and the next level's rule is tried in turn); one that is not becomes a pending promotion
 * for a person, unless one is pending already or a person rejected the same one lately. Only
 * agents' records are given (people's levels are not earned).
 */
export async function evaluateRecords(
  ctx: TrustContext,
  records: readonly TrustRecord[],
): Promise<EvaluationOutcome> {
  const outcome: EvaluationOutcome = { promoted: [], proposed: [] };
  if (records.length === 0 || ctx.config.promotions.length === 0) return outcome;
  const levels = new TrustLevels(await ctx.tx.trust.levels({}), ctx.config);
  const pending = new Set(
    (await ctx.tx.trust.promotions({ state: 'pending' })).map((p) => trustKeyOf(p)),
  );
  const at = ctx.now.toISOString();
  for (const record of records) {
    const key = keyOnly(record);
    let level = levels.levelOf(key);
    for (let step = 0; step < 4; step++) {
      const verdict = evaluatePromotion(record, level, ctx.config, at);
      if (verdict.kind === 'none') break;
      if (verdict.automatic) {
        await setLevel(ctx, key, {
          from: level,
          to: verdict.to,
          cause: 'promotion',
          reason: `promotion rule for level ${verdict.to} met`,
          evidence: verdict.evidence,
        });
        outcome.promoted.push({ key, from: level, to: verdict.to });
        level = verdict.to;
        continue;
      }
      if (pending.has(trustKeyOf(key)) || (await rejectedRecently(ctx, key, verdict.to))) break;
      const promotion: TrustPromotion = {
        id: newId('prm', ctx.now.getTime()),
        ...key,
        from: level,
        to: verdict.to,
        state: 'pending',
        proposedAt: at,
        evidence: verdict.evidence,
        decidedAt: null,
        decidedBy: null,
        reason: null,
      };
      if (await ctx.tx.trust.insertPromotion(promotion)) {
        ctx.tx.events.append(
          newEvent('supervision.trust.promotion_proposed', ctx.by, promotion.id, {
            ...key,
            from: level,
            to: verdict.to,
            evidence: verdict.evidence,
          }),
        );
        outcome.proposed.push(promotion);
      }
      pending.add(trustKeyOf(key));
      break;
    }
  }
  return outcome;
}

/**
 * The circuit breaker: an actor above the incident level drops to it at once. The evidence
 * counts the incident already (the fold adds it to the record shortly after).
 */
export async function demoteForIncident(
  ctx: TrustContext,
  key: TrustKey,
  reason: string,
  /** Whether the stored record counts the incident already (the fold's case). */
  counted = false,
): Promise<{ from: number; to: number }> {
  const levels = new TrustLevels(await ctx.tx.trust.levels(key), ctx.config);
  const from = levels.levelOf(key);
  const to = levelAfterIncident(from, ctx.config);
  if (to === from) return { from, to };
  const at = ctx.now.toISOString();
  const stored = (await recordOf(ctx, key)) ?? emptyRecord(key, at);
  const record = counted
    ? stored
    : addToRecord(stored, at, { incidents: 1 }, ctx.config.halfLifeSeconds);
  await setLevel(ctx, key, {
    from,
    to,
    cause: 'incident',
    reason: `incident: ${reason}`,
    evidence: { ...readRecord(record, at, ctx.config.halfLifeSeconds), rule: null },
  });
  return { from, to };
}

/** Records an incident (its event; the fold counts it) and demotes at once. */
export async function recordIncident(
  ctx: TrustContext,
  key: TrustKey,
  reason: string,
  ref: string | null,
): Promise<{ from: number; to: number }> {
  ctx.tx.events.append(
    newEvent('supervision.trust.incident_recorded', ctx.by, key.actorId, {
      ...keyOnly(key),
      reason,
      ref,
    }),
  );
  return demoteForIncident(ctx, key, reason);
}

/** Records a person undoing an agent's work (its event; the fold counts it). */
export function recordReversal(
  ctx: TrustContext,
  key: TrustKey,
  reason: string,
  workItemId: string | null,
): void {
  ctx.tx.events.append(
    newEvent('supervision.trust.reversal_recorded', ctx.by, key.actorId, {
      ...keyOnly(key),
      reason,
      workItemId,
    }),
  );
}

/** A person sets a level, whatever the rules say: humans always win, and it is audited. */
export async function overrideLevel(
  ctx: TrustContext,
  key: TrustKey,
  level: number,
  reason: string,
): Promise<{ from: number; to: number }> {
  const from = new TrustLevels(await ctx.tx.trust.levels(key), ctx.config).levelOf(key);
  await setLevel(ctx, key, {
    from,
    to: level,
    cause: 'override',
    reason,
    evidence: await evidenceNow(ctx, key),
  });
  return { from, to: level };
}

/**
 * A person approves or rejects a pending promotion. Approving applies it only if the level is
 * still the one it starts from (otherwise it is set aside and the answer is a conflict).
 */
export async function decidePromotion(
  ctx: TrustContext,
  id: string,
  decision: 'approved' | 'rejected',
  reason: string,
): Promise<TrustPromotion> {
  const promotion = await ctx.tx.trust.promotion(id);
  if (promotion === null) throw notFound('promotion', id);
  if (promotion.state !== 'pending')
    throw new DomainError(
      'illegal_transition',
      `promotion '${id}' was already ${promotion.state}`,
      {
        details: { promotion: id, state: promotion.state },
      },
    );
  if (decision === 'approved') {
    const level = new TrustLevels(await ctx.tx.trust.levels(promotion), ctx.config).levelOf(
      promotion,
    );
    if (level !== promotion.from)
      throw new DomainError(
        'conflict',
        `promotion '${id}' starts from level ${promotion.from}, but the level is ${level} now`,
        { details: { promotion: id, level } },
      );
  }
  if (!(await decide(ctx, promotion, decision, reason)))
    throw new DomainError('conflict', `promotion '${id}' was decided meanwhile`, {
      details: { promotion: id },
    });
  if (decision === 'approved')
    await setLevel(ctx, promotion, {
      from: promotion.from,
      to: promotion.to,
      cause: 'approved_promotion',
      reason: reason === '' ? 'promotion approved' : reason,
      evidence: promotion.evidence,
      promotionId: promotion.id,
    });
  return {
    ...promotion,
    state: decision,
    decidedAt: ctx.now.toISOString(),
    decidedBy: ctx.by,
    reason,
  };
}
