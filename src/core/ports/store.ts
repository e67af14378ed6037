import type { StoredEvent } from '../events.js';
import type { ActorReader, ActorStore } from './actor-store.js';
import type { ApprovalReader, ApprovalStore } from './approval-store.js';
import type { ControlReader, ControlStore } from './control-store.js';
import type { DomainReader, DomainStore, WorkTypeReader, WorkTypeStore } from './config-store.js';
import type { EventAppender, EventLog } from './event-log.js';
import type { ExceptionReader, ExceptionStore } from './exception-store.js';
import type { HaltReader, HaltStore } from './halt-store.js';
import type { TrustReader, TrustStore } from './trust-store.js';
import type { MetricSeriesReader, MetricSeriesStore } from './metric-series-store.js';
import type { OrganizationReader, OrganizationStore } from './organization-store.js';
import type { RollupReader, RollupStore } from './rollup-store.js';
import type { OutcomeReader, OutcomeStore } from './outcome-store.js';
import type { TokenReader, TokenStore } from './token-store.js';
import type { WorkStatsReader, WorkStatsStore } from './work-stats-store.js';
import type { WorkReader, WorkStore } from './work-store.js';

/** What a use case can touch inside one transaction. */
export interface TxStores {
  work: WorkStore;
  actors: ActorStore;
  domains: DomainStore;
  workTypes: WorkTypeStore;
  tokens: TokenStore;
  organization: OrganizationStore;
  /** Durations and success rates learned from ended attempts. */
  workStats: WorkStatsStore;
  /** Monitoring's exceptions, silences and inboxes. */
  exceptions: ExceptionStore;
  /** The metric series monitoring watches for anomalies. */
  metricSeries: MetricSeriesStore;
  /** Supervision's halts: agents stopped by people. */
  halts: HaltStore;
  /** Supervision's approvals: people's go-ahead for one exact agent action. */
  approvals: ApprovalStore;
  /** Supervision's trust: records folded from the log, levels, promotions. */
  trust: TrustStore;
  /** Supervision's pauses and redirects of agents, and their budget usage. */
  controls: ControlStore;
  /** Performance feedback's rollups, folded from the log after commits. */
  rollups: RollupStore;
  /** Performance's history of key results. */
  outcomes: OutcomeStore;
  events: EventAppender;
}

/** What can be read outside a transaction. */
export interface ReadStores {
  work: WorkReader;
  actors: ActorReader;
  domains: DomainReader;
  workTypes: WorkTypeReader;
  tokens: TokenReader;
  organization: OrganizationReader;
  workStats: WorkStatsReader;
  exceptions: ExceptionReader;
  metricSeries: MetricSeriesReader;
  halts: HaltReader;
  approvals: ApprovalReader;
  trust: TrustReader;
  controls: ControlReader;
  rollups: RollupReader;
  outcomes: OutcomeReader;
  events: EventLog;
}

export interface Committed<T> {
  result: T;
  /** The events the transaction appended, with their sequence numbers and hashes. */
  events: StoredEvent[];
}

export type Dialect = 'sqlite' | 'postgres';
/** Where a store keeps its data: a SQL dialect, or memory (the simulator's). */
export type StoreKind = Dialect | 'memory';

/** The store: state and its event log, changed together or not at all. */
export interface Store {
  readonly dialect: StoreKind;
  readonly read: ReadStores;
  /**
   * Runs `fn` in one transaction. Events appended through `tx.events` are chained (sequence,
   * prev_hash, hash) as the transaction's last statements and commit with the state changes;
   * if `fn` throws, neither persists.
   */
  transaction<T>(fn: (tx: TxStores) => Promise<T>): Promise<Committed<T>>;
  close(): Promise<void>;
}
