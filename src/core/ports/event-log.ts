import type { NewEvent, StoredEvent } from '../events.js';

export interface EventFilter {
  /** Only events with a sequence number greater than this (the cursor). */
  afterSeq?: number | undefined;
  /** Exact types, or prefixes ending in `*` (`coordination.work.*`). */
  types?: readonly string[] | undefined;
  subject?: string | undefined;
  actor?: string | undefined;
  /** Inclusive lower bound on event time (ISO 8601). */
  since?: string | undefined;
  /** Exclusive upper bound on event time (ISO 8601). */
  until?: string | undefined;
  limit: number;
  /** Oldest first (the default), or newest first. */
  order?: 'asc' | 'desc' | undefined;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

/** The append-only, hash-chained log, read side. */
export interface EventLog {
  /** Events in sequence order. */
  list(filter: EventFilter): Promise<StoredEvent[]>;
  /** The recorded last link, or null for an empty log. */
  head(): Promise<ChainHead | null>;
  /** Every stored event in stored sequence order, read in pages. */
  scan(pageSize?: number): AsyncIterable<StoredEvent>;
}

/** The log's write side inside a transaction: appended events are chained and committed with it. */
export interface EventAppender {
  append(event: NewEvent): void;
}
