import {
  nextEscalationAt,
  type ExceptionRecord,
  type InboxNotification,
  type Silence,
  type WebhookDelivery,
} from '../../core/exception.js';
import type {
  DeliveryFilter,
  ExceptionFilter,
  ExceptionStore,
  InboxFilter,
} from '../../core/ports/exception-store.js';
import { JournaledMap, type Journal } from './journal.js';

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Exceptions, silences and inboxes in memory, for the simulator. Scans instead of indexes: a
 * simulated organization holds few exceptions at a time.
 */
export class MemoryExceptionStore implements ExceptionStore {
  readonly #exceptions: JournaledMap<ExceptionRecord>;
  readonly #silences: JournaledMap<Silence>;
  readonly #notifications: JournaledMap<InboxNotification>;
  readonly #deliveries: JournaledMap<WebhookDelivery>;

  constructor(journal: Journal) {
    this.#exceptions = new JournaledMap(journal);
    this.#silences = new JournaledMap(journal);
    this.#notifications = new JournaledMap(journal);
    this.#deliveries = new JournaledMap(journal);
  }

  get(id: string): Promise<ExceptionRecord | null> {
    return Promise.resolve(this.#exceptions.get(id) ?? null);
  }

  findActive(fingerprint: string): Promise<ExceptionRecord | null> {
    for (const e of this.#exceptions.values())
      if (e.fingerprint === fingerprint && e.state !== 'resolved') return Promise.resolve(e);
    return Promise.resolve(null);
  }

  list(filter: ExceptionFilter): Promise<ExceptionRecord[]> {
    const rows = [...this.#exceptions.values()].filter(
      (e) =>
        (filter.state === undefined || e.state === filter.state) &&
        (filter.active === undefined || (e.state !== 'resolved') === filter.active) &&
        (filter.alertname === undefined || e.labels.alertname === filter.alertname) &&
        (filter.severity === undefined || e.labels.severity === filter.severity) &&
        (filter.source === undefined || e.source === filter.source) &&
        (filter.group === undefined || e.group === filter.group) &&
        (filter.after === undefined || e.id > filter.after),
    );
    return Promise.resolve(rows.sort(byId).slice(0, filter.limit));
  }

  listEscalationDue(now: string, limit: number): Promise<ExceptionRecord[]> {
    const due = [...this.#exceptions.values()]
      .map((e) => ({ e, at: nextEscalationAt(e) }))
      .filter((x): x is { e: ExceptionRecord; at: string } => x.at !== null && x.at <= now)
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    return Promise.resolve(due.slice(0, limit).map((x) => x.e));
  }

  nextEscalationDue(): Promise<string | null> {
    let earliest: string | null = null;
    for (const e of this.#exceptions.values()) {
      const at = nextEscalationAt(e);
      if (at !== null && (earliest === null || at < earliest)) earliest = at;
    }
    return Promise.resolve(earliest);
  }

  insert(exception: ExceptionRecord): Promise<void> {
    if (this.#exceptions.get(exception.id) !== undefined)
      return Promise.reject(new Error(`exception ${exception.id} exists`));
    this.#exceptions.set(exception.id, exception);
    return Promise.resolve();
  }

  update(exception: ExceptionRecord): Promise<boolean> {
    const stored = this.#exceptions.get(exception.id);
    if (stored?.version !== exception.version - 1) return Promise.resolve(false);
    this.#exceptions.set(exception.id, exception);
    return Promise.resolve(true);
  }

  touch(id: string, lastSeenAt: string): Promise<void> {
    const stored = this.#exceptions.get(id);
    if (stored !== undefined) this.#exceptions.set(id, { ...stored, lastSeenAt });
    return Promise.resolve();
  }

  getSilence(id: string): Promise<Silence | null> {
    return Promise.resolve(this.#silences.get(id) ?? null);
  }

  listSilences(now: string): Promise<Silence[]> {
    const rows = [...this.#silences.values()].filter((s) => s.endsAt > now && s.expiredAt === null);
    return Promise.resolve(rows.sort(byId));
  }

  insertSilence(silence: Silence): Promise<void> {
    this.#silences.set(silence.id, silence);
    return Promise.resolve();
  }

  expireSilence(id: string, at: string): Promise<boolean> {
    const stored = this.#silences.get(id);
    if (stored === undefined || stored.expiredAt !== null) return Promise.resolve(false);
    this.#silences.set(id, { ...stored, expiredAt: at });
    return Promise.resolve(true);
  }

  listInbox(actorId: string, filter: InboxFilter): Promise<InboxNotification[]> {
    const rows = [...this.#notifications.values()].filter(
      (n) =>
        n.actorId === actorId &&
        (filter.unread !== true || n.readAt === null) &&
        (filter.before === undefined || n.id < filter.before),
    );
    return Promise.resolve(rows.sort((a, b) => byId(b, a)).slice(0, filter.limit));
  }

  notify(notification: InboxNotification): Promise<void> {
    this.#notifications.set(notification.id, notification);
    return Promise.resolve();
  }

  listDeliveries(filter: DeliveryFilter): Promise<WebhookDelivery[]> {
    const rows = [...this.#deliveries.values()].filter(
      (d) =>
        (filter.status === undefined || d.status === filter.status) &&
        (filter.exceptionId === undefined || d.exceptionId === filter.exceptionId) &&
        (filter.before === undefined || d.id < filter.before),
    );
    return Promise.resolve(rows.sort((a, b) => byId(b, a)).slice(0, filter.limit));
  }

  listDeliveriesDue(now: string, limit: number): Promise<WebhookDelivery[]> {
    const due = [...this.#deliveries.values()].filter(
      (d) => d.status === 'pending' && d.nextAttemptAt !== null && d.nextAttemptAt <= now,
    );
    due.sort((a, b) =>
      a.nextAttemptAt === b.nextAttemptAt
        ? byId(a, b)
        : (a.nextAttemptAt ?? '') < (b.nextAttemptAt ?? '')
          ? -1
          : 1,
    );
    return Promise.resolve(due.slice(0, limit));
  }

  enqueueDelivery(delivery: WebhookDelivery): Promise<void> {
    this.#deliveries.set(delivery.id, delivery);
    return Promise.resolve();
  }

  recordDelivery(delivery: WebhookDelivery): Promise<void> {
    this.#deliveries.set(delivery.id, delivery);
    return Promise.resolve();
  }

  markRead(actorId: string, ids: readonly string[], at: string): Promise<number> {
    let changed = 0;
    for (const id of ids) {
      const n = this.#notifications.get(id);
      if (n?.actorId !== actorId || n.readAt !== null) continue;
      this.#notifications.set(id, { ...n, readAt: at });
      changed++;
    }
    return Promise.resolve(changed);
  }
}
