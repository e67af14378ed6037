import type { Clock } from '../core/clock.js';
import { DomainError } from '../core/errors.js';
import type { EventMap, StoredEvent, TrustKey } from '../core/events.js';
import type { TokenRole } from '../core/model.js';
import type { TrustFilter } from '../core/ports/trust-store.js';
import type { ReadStores, Store, TxStores } from '../core/ports/store.js';
import { principalName, type Principal } from '../core/principal.js';
import {
  TRUST_LEVELS,
  type PromotionRule,
  type PromotionState,
  type TrustEvidence,
  type TrustMark,
  type TrustPromotion,
} from '../core/trust.js';
import type { Authority } from '../supervision/build-authority.js';
import { ruleFor, unmet } from '../supervision/evaluate-promotion.js';
import { catchUpTrust } from '../supervision/project-trust.js';
import { requireRole } from '../supervision/require-role.js';
import {
  decidePromotion,
  evaluateRecords,
  overrideLevel,
  recordIncident,
  recordReversal,
  type TrustContext,
} from '../supervision/trust-changes.js';
import { TrustLevels } from '../supervision/trust-levels.js';
import { readRecord, trustKeyOf } from '../supervision/trust-record.js';
import type { EventBus } from './event-bus.js';
import { LogFollower } from './log-follower.js';
import { startPeriodic } from './start-periodic.js';

const READERS: readonly TokenRole[] = ['admin', 'operator', 'agent', 'viewer'];
const PEOPLE: readonly TokenRole[] = ['admin', 'operator'];

type OrgReaders = Pick<ReadStores, 'organization' | 'actors' | 'domains' | 'workTypes'>;

/** One actor's trust in one domain and class: the level in force and what it rests on. */
export interface TrustEntry extends TrustKey {
  level: number;
  /** What the level means (SAE J3016-style). */
  levelName: string;
  /** When a change set it, by whom and why; null while the file's initial level holds. */
  setAt: string | null;
  setBy: string | null;
  setReason: string | null;
  /** The record as of now (decayed); null before anything was recorded. */
  evidence: Omit<TrustEvidence, 'rule'> | null;
  /** The rule for the next level and what it still lacks (null: met); null without a rule. */
  next: { to: number; rule: PromotionRule; unmet: string | null } | null;
  /** A promotion waiting for a person, if any. */
  pendingPromotion: string | null;
}

export interface TrustDetail {
  actorId: string;
  entries: TrustEntry[];
  /** The newest reversals and incidents of each record, newest first. */
  marks: (TrustMark & TrustKey)[];
  promotions: TrustPromotion[];
  /** The level changes, newest first. */
  changes: StoredEvent[];
}

/** An incident or a reversal as people report it. */
export interface TrustReport {
  actorId?: string | undefined;
  domainId?: string | undefined;
  class?: string | undefined;
  workItemId?: string | undefined;
  reason: string;
}

/**
 * Earned trust, assembled: the projector that folds committed events into trust records (after
 * commits, from its checkpoint, evaluating promotions as records change) and a timer that
 * evaluates them as clean days pass; levels for decisions, read in the deciding transaction;
 * incidents, reversals, overrides and promotions decided by people. `ControlPlane.trust`.
 */
export class TrustService {
  readonly #follower: LogFollower;
  #stopTimer: (() => Promise<void>) | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    private readonly authorityOf: (stores: OrgReaders) => Promise<Authority>,
    /** How long after a commit the fold starts: the commits of that time share one fold. */
    delayMs = 200,
  ) {
    this.#follower = new LogFollower(
      bus,
      async () => {
        const events = await catchUpTrust(store, clock, {
          evaluate: true,
          recent: this.#follower.recent,
        });
        this.bus.publish(events);
        return events.length;
      },
      delayMs,
    );
  }

  /**
   * Folds after every commit from now on (and what the log holds already), and evaluates every
   * record each `evaluateEveryMs` (clean days accrue with time, not with events).
   */
  start(evaluateEveryMs = 600_000, onError: (error: unknown) => void = () => undefined): void {
    if (this.#stopTimer !== null) return;
    this.#follower.start(onError);
    this.#stopTimer = startPeriodic(
      evaluateEveryMs,
      async () => {
        await this.evaluate();
      },
      onError,
    );
  }

  async stop(): Promise<void> {
    await this.#stopTimer?.();
    this.#stopTimer = null;
    await this.#follower.stop();
  }

  /**
   * Folds what the log holds beyond the checkpoint (evaluating the records it changes); calls
   * during a fold share the next one. Returns the number of events the folds wrote.
   */
  async catchUp(): Promise<number> {
    return this.#follower.catchUp();
  }

  /** Forgets the records and folds the whole log again (levels stay: they are changes). */
  async rebuild(principal: Principal): Promise<{ records: number }> {
    requireRole(principal, ['admin'], 'rebuild trust records');
    await this.#follower.exclusive(async () => {
      await this.store.transaction((tx) => tx.trust.resetRecords());
      await catchUpTrust(this.store, this.clock, { evaluate: false });
    });
    return { records: (await this.store.read.trust.records({})).length };
  }

  /**
   * Applies the promotion rules to every agent's record as of now (after folding what is new):
   * what the timer runs, for promotions that only time (clean days) was waiting for.
   */
  async evaluate(): Promise<{ promoted: number; proposed: number }> {
    await this.catchUp();
    const { result, events } = await this.store.transaction(async (tx) => {
      const ctx = await this.#context(tx, 'system');
      const agents = new Set(
        (await tx.actors.list()).filter((a) => a.kind === 'agent').map((a) => a.id),
      );
      const records = (await tx.trust.records({})).filter((r) => agents.has(r.actorId));
      const outcome = await evaluateRecords(ctx, records);
      return { promoted: outcome.promoted.length, proposed: outcome.proposed.length };
    });
    this.bus.publish(events);
    return result;
  }

  /** The levels in force for one actor, read through `stores` (the deciding transaction's). */
  async levelsFor(
    stores: Pick<ReadStores, 'trust'>,
    actorId: string,
    authority: Authority,
  ): Promise<TrustLevels> {
    return new TrustLevels(await stores.trust.levels({ actorId }), authority.trust);
  }

  async #context(tx: TxStores, by: string): Promise<TrustContext> {
    const authority = await this.authorityOf(tx);
    return { tx, now: this.clock.now(), by, config: authority.trust };
  }

  /** Runs a change in one transaction, announces it, and folds it into the records soon. */
  async #write<T>(principal: Principal, fn: (ctx: TrustContext) => Promise<T>): Promise<T> {
    const { result, events } = await this.store.transaction(async (tx) =>
      fn(await this.#context(tx, principalName(principal))),
    );
    this.bus.publish(events);
    return result;
  }

  // ── reading ─────────────────────────────────────────────────────────────────────────────

  /**
   * Every agent's trust per domain and class (its domains and any other where something was
   * recorded or set), with the evidence as of now and what the next level still lacks.
   */
  async list(principal: Principal, filter: TrustFilter): Promise<TrustEntry[]> {
    requireRole(principal, READERS, 'read trust');
    // Up to date with the log, as KPIs are: a CLI has no projector running beside it.
    await this.catchUp();
    const read = this.store.read;
    const authority = await this.authorityOf(read);
    const [records, levelRows, pending, actors] = await Promise.all([
      read.trust.records(filter),
      read.trust.levels(filter),
      read.trust.promotions({ ...filter, state: 'pending' }),
      read.actors.list(),
    ]);
    const keys = new Map<string, TrustKey>();
    const add = (k: TrustKey) =>
      keys.set(trustKeyOf(k), { actorId: k.actorId, domainId: k.domainId, class: k.class });
    for (const actor of actors)
      if (actor.kind === 'agent')
        for (const domainId of actor.domains)
          for (const cls of authority.trustClasses)
            add({ actorId: actor.id, domainId, class: cls });
    for (const r of records) add(r);
    for (const l of levelRows) add(l);
    const matches = (k: TrustKey) =>
      (filter.actorId === undefined || k.actorId === filter.actorId) &&
      (filter.domainId === undefined || k.domainId === filter.domainId) &&
      (filter.class === undefined || k.class === filter.class);
    const levels = new TrustLevels(levelRows, authority.trust);
    const byKey = new Map(records.map((r) => [trustKeyOf(r), r]));
    const pendingByKey = new Map(pending.map((p) => [trustKeyOf(p), p.id]));
    const now = this.clock.now().toISOString();
    const config = authority.trust;
    return [...keys.values()]
      .filter(matches)
      .sort((a, b) => (trustKeyOf(a) < trustKeyOf(b) ? -1 : 1))
      .map((key) => {
        const level = levels.levelOf(key);
        const change = levels.changeOf(key);
        const record = byKey.get(trustKeyOf(key));
        const evidence =
          record === undefined ? null : readRecord(record, now, config.halfLifeSeconds);
        const rule = ruleFor(config.promotions, key.class, level + 1);
        return {
          ...key,
          level,
          levelName: TRUST_LEVELS[level]?.name ?? '',
          setAt: change?.since ?? null,
          setBy: change?.changedBy ?? null,
          setReason: change?.reason ?? null,
          evidence,
          next:
            rule === null
              ? null
              : {
                  to: rule.to,
                  rule,
                  unmet: evidence === null ? 'no record yet' : unmet(rule, evidence),
                },
          pendingPromotion: pendingByKey.get(trustKeyOf(key)) ?? null,
        };
      });
  }

  /** One actor's trust: entries, recent reversals and incidents, promotions, level changes. */
  async detail(principal: Principal, actorId: string): Promise<TrustDetail> {
    requireRole(principal, READERS, 'read trust');
    await this.#agent(actorId, 'actorId');
    // The list folds what is new first; the records are read after it.
    const entries = await this.list(principal, { actorId });
    const [records, promotions, changes] = await Promise.all([
      this.store.read.trust.records({ actorId }),
      this.store.read.trust.promotions({ actorId }),
      this.store.read.events.list({
        subject: actorId,
        types: ['supervision.trust.changed'],
        order: 'desc',
        limit: 100,
      }),
    ]);
    const marks = records
      .flatMap((r) =>
        r.marks.map((m) => ({ ...m, actorId: r.actorId, domainId: r.domainId, class: r.class })),
      )
      .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
    return { actorId, entries, marks, promotions, changes };
  }

  async promotions(
    principal: Principal,
    filter: TrustFilter & { state?: PromotionState | undefined },
  ): Promise<TrustPromotion[]> {
    requireRole(principal, READERS, 'read trust');
    return this.store.read.trust.promotions(filter);
  }

  // ── changes by people ───────────────────────────────────────────────────────────────────

  async #agent(actorId: string, path: string): Promise<{ domains: readonly string[] }> {
    const actor = await this.store.read.actors.get(actorId);
    if (actor === null)
      throw new DomainError('unknown_reference', `actor '${actorId}' does not exist`, {
        issues: [{ path, message: 'unknown actor' }],
      });
    if (actor.kind !== 'agent')
      throw new DomainError(
        'validation_failed',
        `'${actorId}' is a person: trust is earned by agents`,
        {
          issues: [{ path, message: 'not an agent' }],
        },
      );
    return actor;
  }

  /** Which actor, domain and class a report is about, checked; the work item's when it names one. */
  async #keyOf(report: TrustReport): Promise<TrustKey & { workItemId: string | null }> {
    const read = this.store.read;
    let actorId = report.actorId;
    let domainId = report.domainId;
    let workItemId: string | null = null;
    if (report.workItemId !== undefined) {
      const item = await read.work.get(report.workItemId);
      if (item === null)
        throw new DomainError(
          'unknown_reference',
          `work item '${report.workItemId}' does not exist`,
          {
            issues: [{ path: 'workItemId', message: 'unknown work item' }],
          },
        );
      workItemId = item.id;
      domainId ??= (await read.workTypes.get(item.typeId))?.domainId;
      actorId ??= await this.#finishedBy(item.id);
      if (actorId === undefined)
        throw new DomainError('validation_failed', `no agent finished work on '${item.id}'`, {
          issues: [
            {
              path: 'actorId',
              message: 'name the agent: none completed this item or a stage of it',
            },
          ],
        });
    }
    if (actorId === undefined)
      throw new DomainError('validation_failed', 'name the agent, or the work item it did', {
        issues: [{ path: 'actorId', message: 'required without workItemId' }],
      });
    const actor = await this.#agent(actorId, 'actorId');
    domainId ??= actor.domains.length === 1 ? actor.domains[0] : undefined;
    if (domainId === undefined) {
      throw new DomainError(
        'validation_failed',
        `'${actorId}' works in ${actor.domains.length} domains: name one`,
        {
          issues: [{ path: 'domainId', message: 'required for an agent of several domains' }],
        },
      );
    } else if ((await read.domains.get(domainId)) === null)
      throw new DomainError('unknown_reference', `domain '${domainId}' does not exist`, {
        issues: [{ path: 'domainId', message: 'unknown domain' }],
      });
    const classes = (await this.authorityOf(read)).trustClasses;
    const cls = report.class ?? 'work';
    if (!classes.includes(cls))
      throw new DomainError('validation_failed', `unknown action class '${cls}'`, {
        issues: [{ path: 'class', message: `one of ${classes.join(', ')}` }],
      });
    return { actorId, domainId, class: cls, workItemId };
  }

  /** The agent that last completed the item or one of its stages. */
  async #finishedBy(itemId: string): Promise<string | undefined> {
    const done = await this.store.read.events.list({
      subject: itemId,
      types: ['coordination.work.completed', 'coordination.work.stage_completed'],
      order: 'desc',
      limit: 1,
    });
    const event = done[0];
    if (event === undefined) return undefined;
    const actorId =
      event.type === 'coordination.work.completed'
        ? (event.payload as EventMap['coordination.work.completed']).attempt.actorId
        : (event.payload as EventMap['coordination.work.stage_completed']).completedBy;
    return (await this.store.read.actors.get(actorId))?.kind === 'agent' ? actorId : undefined;
  }

  /** An incident: counted in the record, and the agent demoted at once (the circuit breaker). */
  async recordIncident(
    principal: Principal,
    report: TrustReport,
  ): Promise<TrustKey & { from: number; to: number }> {
    requireRole(principal, PEOPLE, 'record incidents');
    const { workItemId, ...key } = await this.#keyOf(report);
    const change = await this.#write(principal, (ctx) =>
      recordIncident(ctx, key, report.reason, workItemId),
    );
    return { ...key, ...change };
  }

  /** A person undid an agent's completed work: counted against its record. */
  async recordReversal(
    principal: Principal,
    report: TrustReport,
  ): Promise<TrustKey & { workItemId: string | null }> {
    requireRole(principal, PEOPLE, 'record reversals');
    const { workItemId, ...key } = await this.#keyOf(report);
    await this.#write(principal, (ctx) => {
      recordReversal(ctx, key, report.reason, workItemId);
      return Promise.resolve();
    });
    return { ...key, workItemId };
  }

  /** A person sets a level with a reason, whatever the rules say. */
  async setLevel(
    principal: Principal,
    request: TrustKey & { level: number; reason: string },
  ): Promise<TrustKey & { from: number; to: number }> {
    requireRole(principal, PEOPLE, 'set trust levels');
    const { workItemId: _, ...key } = await this.#keyOf({ ...request });
    const change = await this.#write(principal, (ctx) =>
      overrideLevel(ctx, key, request.level, request.reason),
    );
    return { ...key, ...change };
  }

  async decidePromotion(
    principal: Principal,
    id: string,
    decision: 'approved' | 'rejected',
    reason: string,
  ): Promise<TrustPromotion> {
    requireRole(principal, PEOPLE, 'decide promotions');
    return this.#write(principal, (ctx) => decidePromotion(ctx, id, decision, reason));
  }
}
