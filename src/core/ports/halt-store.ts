import type { Halt, HaltScope } from '../halt.js';

/** Reads of halts. */
export interface HaltReader {
  get(id: string): Promise<Halt | null>;
  /** Halts in force, oldest first: few, read on every request that an agent could make. */
  listActive(): Promise<Halt[]>;
  /** Every halt, in force or lifted, newest first (ids are time-ordered). */
  list(filter: { before?: string | undefined; limit: number }): Promise<Halt[]>;
}

/** Halts, changed inside a transaction. */
export interface HaltStore extends HaltReader {
  /**
   * Puts a halt in force; false (and nothing stored) when one is already in force for the same
   * scope, which the store guarantees by a unique index, not by a check that could race.
   */
  insert(halt: Halt): Promise<boolean>;
  /** Lifts a halt in force; false when it was not in force. */
  lift(id: string, at: string, by: string, reason: string): Promise<boolean>;
  /** The halt in force for exactly this scope, if any. */
  activeFor(scope: HaltScope): Promise<Halt | null>;
}
