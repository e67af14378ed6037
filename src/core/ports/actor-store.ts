import type { Actor, ActorStatus } from '../model.js';

export interface ActorReader {
  get(id: string): Promise<Actor | null>;
  list(filter?: {
    kind?: Actor['kind'] | undefined;
    status?: ActorStatus | undefined;
  }): Promise<Actor[]>;
}

export interface ActorStore extends ActorReader {
  /**
   * Reads an actor and, on PostgreSQL, locks its row, so concurrent assignments to the same
   * actor serialize and its capacity holds.
   */
  getForUpdate(id: string): Promise<Actor | null>;
  /** Inserts or replaces the configured fields; status and heartbeat survive a replace. */
  upsert(actor: Actor): Promise<void>;
  remove(id: string): Promise<void>;
  setStatus(id: string, status: ActorStatus): Promise<void>;
  /** Records liveness; not an event (a heartbeat changes no state anyone decides on). */
  heartbeat(id: string, at: string): Promise<void>;
}
