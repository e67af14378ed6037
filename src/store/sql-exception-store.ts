import type { Kysely, Selectable } from 'kysely';
import {
  nextEscalationAt,
  type WebhookDelivery,
  type EscalationState,
  type ExceptionRecord,
  type InboxNotification,
  type Labels,
  type Silence,
} from '../core/exception.js';
import type {
  DeliveryFilter,
  ExceptionFilter,
  ExceptionStore,
  InboxFilter,
} from '../core/ports/exception-store.js';
import type { Dialect } from '../core/ports/store.js';
import { parseJson, toJson } from './json-column.js';
import type {
  Database,
  ExceptionsTable,
  NotificationsTable,
  SilencesTable,
  WebhookDeliveriesTable,
} from './schema.js';

function toDelivery(row: Selectable<WebhookDeliveriesTable>): WebhookDelivery {
  return {
    id: row.id,
    exceptionId: row.exception_id,
    receiver: row.receiver,
    url: row.url,
    format: row.format as WebhookDelivery['format'],
    secretEnv: row.secret_env,
    event: row.event as WebhookDelivery['event'],
    body: row.body,
    status: row.status as WebhookDelivery['status'],
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastStatus: row.last_status,
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
  };
}

function deliveryRow(d: WebhookDelivery): Selectable<WebhookDeliveriesTable> {
  return {
    id: d.id,
    exception_id: d.exceptionId,
    receiver: d.receiver,
    url: d.url,
    format: d.format,
    secret_env: d.secretEnv,
    event: d.event,
    body: d.body,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: d.nextAttemptAt,
    last_status: d.lastStatus,
    last_error: d.lastError,
    created_at: d.createdAt,
    delivered_at: d.deliveredAt,
  };
}

function toException(row: Selectable<ExceptionsTable>): ExceptionRecord {
  const base = {
    id: row.id,
    fingerprint: row.fingerprint,
    source: row.source,
    labels: parseJson<Labels>(row.labels),
    summary: row.summary,
    details: parseJson<Record<string, unknown>>(row.details),
    openedAt: row.opened_at,
    lastSeenAt: row.last_seen_at,
    receivers: parseJson<string[]>(row.receivers),
    routes: parseJson<string[]>(row.routes),
    group: row.group_key,
    escalations: parseJson<EscalationState[]>(row.escalations),
    silencedBy: row.silenced_by,
    version: row.version,
  };
  // The row was written from a valid record (toRow), so its lifecycle columns agree with state.
  return {
    ...base,
    state: row.state,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    resolvedAt: row.resolved_at,
    resolvedBy: row.resolved_by,
    resolution: row.resolution,
  } as ExceptionRecord;
}

function toRow(e: ExceptionRecord): Selectable<ExceptionsTable> {
  return {
    id: e.id,
    fingerprint: e.fingerprint,
    source: e.source,
    alertname: e.labels.alertname ?? '',
    severity: e.labels.severity ?? '',
    labels: toJson(e.labels),
    summary: e.summary,
    details: toJson(e.details),
    state: e.state,
    opened_at: e.openedAt,
    last_seen_at: e.lastSeenAt,
    acknowledged_at: e.acknowledgedAt,
    acknowledged_by: e.acknowledgedBy,
    resolved_at: e.resolvedAt,
    resolved_by: e.resolvedBy,
    resolution: e.resolution,
    receivers: toJson(e.receivers),
    routes: toJson(e.routes),
    group_key: e.group,
    escalations: toJson(e.escalations),
    silenced_by: e.silencedBy,
    next_escalation_at: nextEscalationAt(e),
    version: e.version,
  };
}

function toSilence(row: Selectable<SilencesTable>): Silence {
  return {
    id: row.id,
    matchers: parseJson<string[]>(row.matchers),
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    createdBy: row.created_by,
    comment: row.comment,
    createdAt: row.created_at,
    expiredAt: row.expired_at,
  };
}

function toNotification(row: Selectable<NotificationsTable>): InboxNotification {
  return {
    id: row.id,
    actorId: row.actor_id,
    exceptionId: row.exception_id,
    receiver: row.receiver,
    reason: row.reason as InboxNotification['reason'],
    step: row.step,
    summary: row.summary,
    createdAt: row.created_at,
    readAt: row.read_at,
  };
}

export class SqlExceptionStore implements ExceptionStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async get(id: string): Promise<ExceptionRecord | null> {
    const row = await this.db
      .selectFrom('exceptions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? null : toException(row);
  }

  async findActive(fingerprint: string): Promise<ExceptionRecord | null> {
    let query = this.db
      .selectFrom('exceptions')
      .selectAll()
      .where('fingerprint', '=', fingerprint)
      .where('state', '<>', 'resolved');
    // Lock it, so two detector runs on two nodes cannot both decide on the same exception.
    if (this.dialect === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row === undefined ? null : toException(row);
  }

  async list(filter: ExceptionFilter): Promise<ExceptionRecord[]> {
    let query = this.db.selectFrom('exceptions').selectAll().orderBy('id').limit(filter.limit);
    if (filter.state !== undefined) query = query.where('state', '=', filter.state);
    if (filter.active === true) query = query.where('state', '<>', 'resolved');
    if (filter.active === false) query = query.where('state', '=', 'resolved');
    if (filter.alertname !== undefined) query = query.where('alertname', '=', filter.alertname);
    if (filter.severity !== undefined) query = query.where('severity', '=', filter.severity);
    if (filter.source !== undefined) query = query.where('source', '=', filter.source);
    if (filter.group !== undefined) query = query.where('group_key', '=', filter.group);
    if (filter.after !== undefined) query = query.where('id', '>', filter.after);
    return (await query.execute()).map(toException);
  }

  async listEscalationDue(now: string, limit: number): Promise<ExceptionRecord[]> {
    const rows = await this.db
      .selectFrom('exceptions')
      .selectAll()
      .where('state', '=', 'open')
      .where('next_escalation_at', '<=', now)
      .orderBy('next_escalation_at')
      .limit(limit)
      .execute();
    return rows.map(toException);
  }

  async nextEscalationDue(): Promise<string | null> {
    const row = await this.db
      .selectFrom('exceptions')
      .select('next_escalation_at')
      .where('state', '=', 'open')
      .where('next_escalation_at', 'is not', null)
      .orderBy('next_escalation_at')
      .limit(1)
      .executeTakeFirst();
    return row?.next_escalation_at ?? null;
  }

  async insert(e: ExceptionRecord): Promise<void> {
    await this.db.insertInto('exceptions').values(toRow(e)).execute();
  }

  async update(e: ExceptionRecord): Promise<boolean> {
    const { id: _id, ...row } = toRow(e);
    const result = await this.db
      .updateTable('exceptions')
      .set(row)
      .where('id', '=', e.id)
      .where('version', '=', e.version - 1)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async touch(id: string, lastSeenAt: string): Promise<void> {
    await this.db
      .updateTable('exceptions')
      .set({ last_seen_at: lastSeenAt })
      .where('id', '=', id)
      .execute();
  }

  async getSilence(id: string): Promise<Silence | null> {
    const row = await this.db
      .selectFrom('silences')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? null : toSilence(row);
  }

  async listSilences(now: string): Promise<Silence[]> {
    const rows = await this.db
      .selectFrom('silences')
      .selectAll()
      .where('ends_at', '>', now)
      .where('expired_at', 'is', null)
      .orderBy('id')
      .execute();
    return rows.map(toSilence);
  }

  async insertSilence(s: Silence): Promise<void> {
    await this.db
      .insertInto('silences')
      .values({
        id: s.id,
        matchers: toJson(s.matchers),
        starts_at: s.startsAt,
        ends_at: s.endsAt,
        created_by: s.createdBy,
        comment: s.comment,
        created_at: s.createdAt,
        expired_at: s.expiredAt,
      })
      .execute();
  }

  async expireSilence(id: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('silences')
      .set({ expired_at: at })
      .where('id', '=', id)
      .where('expired_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async listInbox(actorId: string, filter: InboxFilter): Promise<InboxNotification[]> {
    let query = this.db
      .selectFrom('notifications')
      .selectAll()
      .where('actor_id', '=', actorId)
      .orderBy('id', 'desc')
      .limit(filter.limit);
    if (filter.unread === true) query = query.where('read_at', 'is', null);
    if (filter.before !== undefined) query = query.where('id', '<', filter.before);
    return (await query.execute()).map(toNotification);
  }

  async notify(n: InboxNotification): Promise<void> {
    await this.db
      .insertInto('notifications')
      .values({
        id: n.id,
        actor_id: n.actorId,
        exception_id: n.exceptionId,
        receiver: n.receiver,
        reason: n.reason,
        step: n.step,
        summary: n.summary,
        created_at: n.createdAt,
        read_at: n.readAt,
      })
      .execute();
  }

  async listDeliveries(filter: DeliveryFilter): Promise<WebhookDelivery[]> {
    let query = this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(filter.limit);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.exceptionId !== undefined)
      query = query.where('exception_id', '=', filter.exceptionId);
    if (filter.before !== undefined) query = query.where('id', '<', filter.before);
    return (await query.execute()).map(toDelivery);
  }

  async listDeliveriesDue(now: string, limit: number): Promise<WebhookDelivery[]> {
    const rows = await this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toDelivery);
  }

  async enqueueDelivery(d: WebhookDelivery): Promise<void> {
    await this.db.insertInto('webhook_deliveries').values(deliveryRow(d)).execute();
  }

  async recordDelivery(d: WebhookDelivery): Promise<void> {
    const { id: _id, ...row } = deliveryRow(d);
    await this.db.updateTable('webhook_deliveries').set(row).where('id', '=', d.id).execute();
  }

  async markRead(actorId: string, ids: readonly string[], at: string): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await this.db
      .updateTable('notifications')
      .set({ read_at: at })
      .where('actor_id', '=', actorId)
      .where('id', 'in', ids)
      .where('read_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
