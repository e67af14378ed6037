import type { WorkContext } from '../coordination/work-context.js';
import type { WorkItem } from '../core/model.js';

export const POLICY_NAMES = [
  'autonomy',
  'fifo',
  'round-robin',
  'least-loaded',
  'taskrouter',
] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

/** A simulated actor as policies see it. */
export interface SimActor {
  readonly id: string;
  readonly group: string;
  /** Position in the scenario's order of actors: the fixed order ties are broken by. */
  readonly index: number;
  readonly capacity: number;
  /** The work types it can take at some stage (or at all, for types without stages). */
  readonly typeIds: ReadonlySet<string>;
  /** The queues (`queueKey`) whose required skills it meets. */
  readonly queues: ReadonlySet<string>;
  status: 'available' | 'away' | 'offline';
  held: number;
  /** When it last became idle (held nothing), in simulated seconds. */
  idleSince: number;
}

/** What a policy may do when it dispatches. */
export interface Dispatcher {
  readonly actors: readonly SimActor[];
  /** The item as the store holds it now. */
  item(id: string): Promise<WorkItem>;
  /** Runs coordination code in one transaction of the simulated store. */
  run<T>(fn: (ctx: WorkContext) => Promise<T>): Promise<T>;
  /**
   * Gives an item to an actor through the engine (accepting its offer if it is offered to that
   * actor, assigning it by name otherwise); the actor starts at once.
   */
  assign(itemId: string, actorId: string): Promise<void>;
}

/** How work is matched to actors: the engine's own decisions, or a baseline router's. */
export interface Policy {
  readonly name: PolicyName;
  /** Whether it keeps its own queue order (the `queued`/`dequeued` calls below matter). */
  readonly ordersQueue: boolean;
  /** Told of every item that enters the queue … */
  queued(item: WorkItem): void;
  /** … and of every item that leaves it. */
  dequeued(item: WorkItem): void;
  /** Gives queued work to actors with free capacity, as much as it can. */
  dispatch(dispatcher: Dispatcher): Promise<void>;
}

export const hasRoom = (a: SimActor) => a.status === 'available' && a.held < a.capacity;
