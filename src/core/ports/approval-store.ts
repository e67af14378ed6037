import type { Approval, ApprovalState } from '../approval.js';

export interface ApprovalFilter {
  state?: ApprovalState | undefined;
  /** Only the approvals that let this actor act. */
  actorId?: string | undefined;
  /** Cursor: approvals after this id (ids are time-ordered: oldest first). */
  after?: string | undefined;
  limit: number;
}

/** Reads of approvals. */
export interface ApprovalReader {
  get(id: string): Promise<Approval | null>;
  /** Oldest first, paged by id. */
  list(filter: ApprovalFilter): Promise<Approval[]>;
  /** The earliest expiry among pending approvals, for the timer; null when none is pending. */
  nextExpiry(): Promise<string | null>;
}

/** Approvals, changed inside a transaction. */
export interface ApprovalStore extends ApprovalReader {
  insert(approval: Approval): Promise<void>;
  /**
   * Writes the approval if its stored version is `approval.version - 1`; false (and nothing
   * written) when another transaction changed it first, so a decision or a use happens once.
   */
  update(approval: Approval): Promise<boolean>;
  /** Pending approvals whose expiry is at or before `at`, oldest expiry first. */
  listExpired(at: string, limit: number): Promise<Approval[]>;
}
