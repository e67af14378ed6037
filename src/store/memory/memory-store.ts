import { isoAt } from '../../core/iso-time.js';
import type { Clock } from '../../core/clock.js';
import type { NewEvent, StoredEvent } from '../../core/events.js';
import { GENESIS_HASH, hashEvent } from '../../core/hash-chain.js';
import type { Committed, ReadStores, Store, TxStores } from '../../core/ports/store.js';
import { Journal } from './journal.js';
import {
  MemoryActorStore,
  MemoryDomainStore,
  MemoryOrganizationStore,
  MemoryTokenStore,
  MemoryWorkTypeStore,
} from './memory-config-stores.js';
import { MemoryEventLog } from './memory-event-log.js';
import { MemoryExceptionStore } from './memory-exception-store.js';
import { MemoryHaltStore } from './memory-halt-store.js';
import { MemoryApprovalStore } from './memory-approval-store.js';
import { MemoryTrustStore } from './memory-trust-store.js';
import { MemoryControlStore } from './memory-control-store.js';
import { MemoryMetricSeriesStore } from './memory-metric-series-store.js';
import { MemoryRollupStore } from './memory-rollup-store.js';
import { MemoryOutcomeStore } from './memory-outcome-store.js';
import { MemoryWorkStatsStore } from './memory-work-stats-store.js';
import { MemoryWorkStore } from './memory-work-store.js';

export interface MemoryStoreOptions {
  /**
   * Hash-chain the events as the SQL stores do (default). Without it events carry empty hashes:
   * for the simulator, whose log is a measurement, not an audit trail.
   */
  chain?: boolean;
  /** Keep committed events readable through `read.events` (default). */
  retainEvents?: boolean;
}

/**
 * The store in memory: the same ports as the SQL stores, transactions undone on failure, one at
 * a time. It is what the simulator runs the coordination engine on, at memory speed and on a
 * virtual clock; nothing in it survives the process, so it never serves live data.
 */
export class MemoryStore implements Store {
  readonly dialect = 'memory' as const;
  readonly read: ReadStores;
  readonly #journal = new Journal();
  readonly #tx: TxStores;
  readonly #log = new MemoryEventLog();
  readonly #workTypes: MemoryWorkTypeStore;
  readonly #actors: MemoryActorStore;
  readonly #chain: boolean;
  readonly #retain: boolean;
  #pending: NewEvent[] = [];
  #seq = 0;
  #prevHash = GENESIS_HASH;
  /** Transactions run one after another, as SQLite's write lock makes them. */
  #running = false;
  readonly #waiting: (() => void)[] = [];

  constructor(
    private readonly clock: Clock,
    options: MemoryStoreOptions = {},
  ) {
    this.#chain = options.chain ?? true;
    this.#retain = options.retainEvents ?? true;
    this.#workTypes = new MemoryWorkTypeStore(this.#journal);
    this.#actors = new MemoryActorStore(this.#journal);
    const stores = {
      work: new MemoryWorkStore(this.#journal),
      actors: this.#actors,
      domains: new MemoryDomainStore(this.#journal),
      workTypes: this.#workTypes,
      tokens: new MemoryTokenStore(this.#journal),
      organization: new MemoryOrganizationStore(this.#journal),
      workStats: new MemoryWorkStatsStore(this.#journal),
      exceptions: new MemoryExceptionStore(this.#journal),
      metricSeries: new MemoryMetricSeriesStore(this.#journal),
      halts: new MemoryHaltStore(this.#journal),
      approvals: new MemoryApprovalStore(this.#journal),
      trust: new MemoryTrustStore(this.#journal),
      controls: new MemoryControlStore(this.#journal),
      rollups: new MemoryRollupStore(this.#journal),
      outcomes: new MemoryOutcomeStore(this.#journal),
    };
    this.read = { ...stores, events: this.#log };
    this.#tx = { ...stores, events: { append: (event) => this.#pending.push(event) } };
  }

  async transaction<T>(fn: (tx: TxStores) => Promise<T>): Promise<Committed<T>> {
    // The turn passes straight from a finishing transaction to the next waiting one.
    if (this.#running) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#running = true;
    try {
      return await this.#run(fn);
    } finally {
      const next = this.#waiting.shift();
      if (next === undefined) this.#running = false;
      else next();
    }
  }

  async #run<T>(fn: (tx: TxStores) => Promise<T>): Promise<Committed<T>> {
    this.#journal.begin();
    this.#pending = [];
    try {
      const result = await fn(this.#tx);
      const events = this.#commitEvents();
      this.#journal.commit();
      return { result, events };
    } catch (error) {
      this.#journal.rollback();
      this.#workTypes.invalidate();
      this.#actors.invalidate();
      throw error;
    }
  }

  #commitEvents(): StoredEvent[] {
    const time = isoAt(this.clock.now().getTime());
    const events = this.#pending.map((event): StoredEvent => {
      const stored: StoredEvent = {
        seq: ++this.#seq,
        time,
        type: event.type,
        actor: event.actor,
        subject: event.subject,
        payload: event.payload,
        prevHash: this.#chain ? this.#prevHash : '',
        hash: '',
      };
      if (this.#chain) stored.hash = this.#prevHash = hashEvent(this.#prevHash, stored);
      return stored;
    });
    this.#log.append(events, this.#retain);
    return events;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
