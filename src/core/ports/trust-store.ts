import type { PromotionState, TrustLevel, TrustPromotion, TrustRecord } from '../trust.js';

/** Which records, levels or promotions: any of actor, domain and class (all when omitted). */
export interface TrustFilter {
  actorId?: string | undefined;
  domainId?: string | undefined;
  class?: string | undefined;
}

/** The fold's memory between events (a work type's domain, an actor's kind, an item's completer). */
export interface TrustStateRow {
  kind: string;
  id: string;
  /** JSON the fold wrote. */
  state: string;
}

/**
 * Supervision's trust: records folded from the log (derived, rebuilt from it), the levels set
 * by changes (each with its `supervision.trust.changed` event) and promotions proposed for
 * people to decide.
 */
export interface TrustReader {
  /** The sequence number of the last event folded into the records (0 before any). */
  checkpoint(): Promise<number>;
  /** Records matching the filter, ordered by actor, domain and class. */
  records(filter: TrustFilter): Promise<TrustRecord[]>;
  /** Levels set by a change, matching the filter, ordered by actor, domain and class. */
  levels(filter: TrustFilter): Promise<TrustLevel[]>;
  /** Promotions matching the filter (and state), newest first. */
  promotions(
    filter: TrustFilter & { state?: PromotionState | undefined },
  ): Promise<TrustPromotion[]>;
  promotion(id: string): Promise<TrustPromotion | null>;
  /** Fold state rows of a kind: those with the given ids, or all of them. */
  states(kind: string, ids?: readonly string[]): Promise<TrustStateRow[]>;
}

/** Trust, changed inside a transaction. */
export interface TrustStore extends TrustReader {
  /**
   * Moves the checkpoint from `from` to `to`; false (and nothing moved) when it is not at `from`
   * because another node folded those events first: the caller then rolls back.
   */
  advance(from: number, to: number): Promise<boolean>;
  /** Writes records, replacing those with the same actor, domain and class. */
  putRecords(records: readonly TrustRecord[]): Promise<void>;
  /** Writes fold state rows, replacing those with the same kind and id. */
  putStates(rows: readonly TrustStateRow[]): Promise<void>;
  /** Sets a level, replacing the one set before for the same actor, domain and class. */
  putLevel(level: TrustLevel): Promise<void>;
  /**
   * Stores a pending promotion; false (nothing stored) when one is already pending for the same
   * actor, domain and class, which a unique index guarantees.
   */
  insertPromotion(promotion: TrustPromotion): Promise<boolean>;
  /** Decides a pending promotion; false when it was not pending (decided meanwhile). */
  decidePromotion(
    id: string,
    decision: Exclude<PromotionState, 'pending'>,
    at: string,
    by: string,
    reason: string,
  ): Promise<boolean>;
  /** Forgets the records, the fold state and the checkpoint (not levels), to fold the log again. */
  resetRecords(): Promise<void>;
}
