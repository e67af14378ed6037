import type {
  DeliveryStatus,
  WebhookDelivery,
  ExceptionRecord,
  ExceptionState,
  InboxNotification,
  Severity,
  Silence,
} from '../exception.js';

export interface ExceptionFilter {
  state?: ExceptionState | undefined;
  /** Not resolved (open or acknowledged). */
  active?: boolean | undefined;
  /** The `alertname` label: what kind of problem. */
  alertname?: string | undefined;
  severity?: Severity | undefined;
  source?: string | undefined;
  /** The aggregation group (see ExceptionRecord.group). */
  group?: string | undefined;
  /** Items whose id sorts after this one (ids are time-ordered). */
  after?: string | undefined;
  limit: number;
}

export interface DeliveryFilter {
  status?: DeliveryStatus | undefined;
  exceptionId?: string | undefined;
  /** Deliveries whose id sorts before this one (newest first paging). */
  before?: string | undefined;
  limit: number;
}

export interface InboxFilter {
  unread?: boolean | undefined;
  /** Notifications whose id sorts before this one (newest first paging). */
  before?: string | undefined;
  limit: number;
}

/** Reads of exceptions, silences and inboxes. */
export interface ExceptionReader {
  get(id: string): Promise<ExceptionRecord | null>;
  /** The open or acknowledged exception with this fingerprint, if any (there is at most one). */
  findActive(fingerprint: string): Promise<ExceptionRecord | null>;
  /** In id (opening) order. */
  list(filter: ExceptionFilter): Promise<ExceptionRecord[]>;
  /** Open (unacknowledged) exceptions whose next escalation step is due at or before `now`. */
  listEscalationDue(now: string, limit: number): Promise<ExceptionRecord[]>;
  /** The earliest escalation step due of any open exception, or null when none is. */
  nextEscalationDue(): Promise<string | null>;
  getSilence(id: string): Promise<Silence | null>;
  /** Silences not expired by hand whose end is after `now` (active or still to come). */
  listSilences(now: string): Promise<Silence[]>;
  /** Webhook deliveries, newest first. */
  listDeliveries(filter: DeliveryFilter): Promise<WebhookDelivery[]>;
  /** Pending deliveries whose next attempt is due at or before `now`, oldest due first. */
  listDeliveriesDue(now: string, limit: number): Promise<WebhookDelivery[]>;
  /** An actor's notifications, newest first. */
  listInbox(actorId: string, filter: InboxFilter): Promise<InboxNotification[]>;
}

/** Writes; only inside a transaction, beside the events that record them. */
export interface ExceptionStore extends ExceptionReader {
  insert(exception: ExceptionRecord): Promise<void>;
  /**
   * Writes the exception's new state if its stored version is still `exception.version - 1`.
   * @returns false when another writer changed it first.
   */
  update(exception: ExceptionRecord): Promise<boolean>;
  /** Records that the source still sees the condition; not a state change (no version, no event). */
  touch(id: string, lastSeenAt: string): Promise<void>;
  insertSilence(silence: Silence): Promise<void>;
  expireSilence(id: string, at: string): Promise<boolean>;
  notify(notification: InboxNotification): Promise<void>;
  enqueueDelivery(delivery: WebhookDelivery): Promise<void>;
  /** Records an attempt's outcome (status, attempts, next attempt, last status and error). */
  recordDelivery(delivery: WebhookDelivery): Promise<void>;
  /** Marks an actor's notifications read; returns how many changed. */
  markRead(actorId: string, ids: readonly string[], at: string): Promise<number>;
}
