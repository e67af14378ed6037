import { RecentEvents } from '../core/recent-events.js';
import type { EventBus } from './event-bus.js';

/**
 * Keeps a projector up with the log: after commits (announced on the bus) it folds once, a
 * moment later, so the commits of that moment share one fold instead of each paying for its
 * own; calls that arrive while a fold runs share the next one. `fold` folds everything beyond
 * the projector's checkpoint and says how much, taking what this process committed from
 * `recent` (the events the bus announced) rather than reading it back.
 */
export class LogFollower {
  readonly recent = new RecentEvents();
  #running: Promise<number> | null = null;
  #again = false;
  #unsubscribe: (() => void) | null = null;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(
    private readonly bus: EventBus,
    private readonly fold: () => Promise<number>,
    /** How long after a commit the fold starts. */
    private readonly delayMs: number,
  ) {}

  /** Folds after every commit from now on, and what the log holds already. */
  start(onError: (error: unknown) => void): void {
    if (this.#unsubscribe !== null) return;
    this.#stopped = false;
    this.#unsubscribe = this.bus.subscribe((events) => {
      this.recent.add(events);
      if (this.#timer !== null) return;
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.catchUp().catch(onError);
      }, this.delayMs);
    });
    this.catchUp().catch(onError);
  }

  /** Stops folding after commits and waits for a fold in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    await this.#running?.catch(() => undefined);
  }

  /** Folds what the log holds beyond the checkpoint; a burst of calls costs one more fold. */
  async catchUp(): Promise<number> {
    if (this.#running !== null) {
      this.#again = true;
      return this.#running;
    }
    const run = async (): Promise<number> => {
      let total = 0;
      do {
        if (this.#stopped) break;
        total += await this.fold();
      } while (this.#takeAgain());
      return total;
    };
    this.#running = run().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  /** Runs `fn` (a rebuild) once no fold runs, and holds folds off until it has ended. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    await this.#running?.catch(() => undefined);
    const run = fn();
    this.#running = run
      .then(
        () => 0,
        () => 0,
      )
      .finally(() => {
        this.#running = null;
      });
    return run;
  }

  /** Whether commits arrived during the last fold (and forgets it). */
  #takeAgain(): boolean {
    const again = this.#again;
    this.#again = false;
    return again;
  }
}
