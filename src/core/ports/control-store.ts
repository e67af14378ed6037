import type { AgentControl, AgentControlKind } from '../agent-control.js';
import type { Usage } from '../budget-config.js';

/** Reads of the controls on agents (pauses, redirects) and of their budget usage. */
export interface ControlReader {
  get(id: string): Promise<AgentControl | null>;
  /** Controls in force, oldest first: few, read on every request that could act for an agent. */
  listActive(): Promise<AgentControl[]>;
  /** Controls of one kind, in force or lifted, newest first (ids are time-ordered). */
  list(filter: {
    kind: AgentControlKind;
    before?: string | undefined;
    limit: number;
  }): Promise<AgentControl[]>;
  /** An agent's stored usage, one row per window (of whatever period it last counted). */
  usage(actorId: string): Promise<Usage[]>;
}

/** Controls and usage, changed inside a transaction. */
export interface ControlStore extends ControlReader {
  /**
   * Puts a control in force; false (and nothing stored) when one of the same kind is in force
   * for the same agent (and, for a pause, the same class), which a unique index guarantees.
   */
  insert(control: AgentControl): Promise<boolean>;
  /** Lifts a control in force; false when it was not in force. */
  lift(id: string, at: string, by: string, reason: string): Promise<boolean>;
  /**
   * Adds `actions` and `cost` to each window's row of the agent, restarting a row whose period
   * has passed, in one statement, and returns the rows as they now are. On PostgreSQL the rows
   * stay locked to the commit, so concurrent requests of one agent count one after another.
   */
  charge(
    actorId: string,
    charges: readonly { window: Usage['window']; period: string }[],
    amount: { actions: number; cost: number },
  ): Promise<Usage[]>;
}
