/**
 * What one ended attempt teaches: the work type, the actor whose attempt it was, how it ended,
 * and, for a completion, how long it took from start to completion.
 */
export interface WorkObservation {
  typeId: string;
  actorId: string;
  outcome: 'completed' | 'failed';
  /** Seconds from start to completion; null for a failure (its duration teaches nothing). */
  durationSeconds: number | null;
  /**
   * The weight older observations keep when this one is added (0 < decay ≤ 1): each new
   * observation multiplies the decayed figures by it, so estimates follow change.
   */
  decay: number;
  /** When the attempt ended (ISO 8601). */
  at: string;
}

/**
 * What has been learned about a work type as a whole (`actorId` null) or about one actor on it.
 * Derived from the event log (each `coordination.work.completed` and `.failed` event carries
 * its attempt); the estimates are computed from these figures by coordination.
 */
export interface WorkStats {
  typeId: string;
  actorId: string | null;
  /** Attempts completed and failed, all of them, undecayed. */
  completions: number;
  failures: number;
  /** Decayed count and sum (seconds) of measured durations. */
  durationWeight: number;
  durationSum: number;
  /** Decayed counts of completions and failures. */
  successWeight: number;
  failureWeight: number;
  /** When the last observation was recorded. */
  updatedAt: string;
}

/** Reads of learned figures, outside or inside a transaction. */
export interface WorkStatsReader {
  /** What was learned about the type (`actorId` null) or one actor on it; null before anything. */
  get(typeId: string, actorId: string | null): Promise<WorkStats | null>;
  /** What was learned about every work type as a whole (one read for all of a claim's queues). */
  listTypes(): Promise<WorkStats[]>;
  /** What was learned about each actor on a type (not the type as a whole), by actor id. */
  listActors(typeId: string): Promise<WorkStats[]>;
}

/** Learning writes, inside the transaction of the transition that ended the attempt. */
export interface WorkStatsStore extends WorkStatsReader {
  /**
   * Adds one observation to the type's figures and to the actor's on the type, creating them
   * when absent. For each: the matching count goes up by one; success and failure weights are
   * multiplied by `decay` and the outcome's weight goes up by one; a measured duration
   * multiplies the duration weight and sum by `decay`, then adds 1 and the duration.
   * Concurrent records of the same type serialize; none is lost.
   */
  record(observation: WorkObservation): Promise<void>;
}
