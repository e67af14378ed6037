/** How a key result stands: see performance/outcomes/evaluate-key-result for how it is decided. */
export const KEY_RESULT_STATUSES = ['on_track', 'at_risk', 'off_track', 'no_data'] as const;
export type KeyResultStatus = (typeof KEY_RESULT_STATUSES)[number];

/** One evaluation of one key result, kept as its history (at most one an hour). */
export interface KeyResultSnapshot {
  objectiveId: string;
  keyResultId: string;
  /** When it was evaluated (ISO 8601 UTC). */
  at: string;
  value: number;
  /** (value − start) / (target − start): 0 at the start, 1 at the target. */
  progress: number;
  /** The value the trend reaches at the period's end; null when there is no trend yet. */
  forecast: number | null;
  status: KeyResultStatus;
}

export interface OutcomeReader {
  /**
   * A key result's snapshots taken at or after `since` (ISO 8601), oldest first, at most
   * `limit` of them (the newest when there are more).
   */
  listSnapshots(
    objectiveId: string,
    keyResultId: string,
    options?: { since?: string; limit?: number },
  ): Promise<KeyResultSnapshot[]>;
  /** The newest snapshot of a key result, or null when it has none. */
  latestSnapshot(objectiveId: string, keyResultId: string): Promise<KeyResultSnapshot | null>;
}

export interface OutcomeStore extends OutcomeReader {
  /** Adds a snapshot; a second one at the same instant replaces the first. */
  recordSnapshot(snapshot: KeyResultSnapshot): Promise<void>;
}
