import type { Kysely, Selectable } from 'kysely';
import type { Approval, ApprovalPolicy, ApprovalState } from '../core/approval.js';
import type { ApprovalFilter, ApprovalStore } from '../core/ports/approval-store.js';
import { parseJson, toJson } from './json-column.js';
import type { ApprovalsTable, Database } from './schema.js';

function toApproval(row: Selectable<ApprovalsTable>): Approval {
  return {
    id: row.id,
    state: row.state as ApprovalState,
    actorId: row.actor_id,
    requestedBy: row.requested_by,
    action: row.action,
    actionClass: row.action_class,
    resource: { type: row.resource_type as Approval['resource']['type'], id: row.resource_id },
    domainId: row.domain_id,
    arguments: parseJson<Record<string, unknown>>(row.arguments),
    argumentsHash: row.arguments_hash,
    approvedArguments:
      row.approved_arguments === null
        ? null
        : parseJson<Record<string, unknown>>(row.approved_arguments),
    approvedHash: row.approved_hash,
    justification: row.justification,
    policies: parseJson<ApprovalPolicy[]>(row.policies),
    approvers: parseJson<string[]>(row.approvers),
    revision: row.revision,
    webhook: row.webhook_url === null ? null : { url: row.webhook_url },
    exceptionId: row.exception_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    decidedAt: row.decided_at,
    decidedBy: row.decided_by,
    decisionReason: row.decision_reason,
    usedAt: row.used_at,
    version: row.version,
  };
}

function toRow(a: Approval): Selectable<ApprovalsTable> {
  return {
    id: a.id,
    state: a.state,
    actor_id: a.actorId,
    requested_by: a.requestedBy,
    action: a.action,
    action_class: a.actionClass,
    resource_type: a.resource.type,
    resource_id: a.resource.id,
    domain_id: a.domainId,
    arguments: toJson(a.arguments),
    arguments_hash: a.argumentsHash,
    approved_arguments: a.approvedArguments === null ? null : toJson(a.approvedArguments),
    approved_hash: a.approvedHash,
    justification: a.justification,
    policies: toJson(a.policies),
    approvers: toJson(a.approvers),
    revision: a.revision,
    webhook_url: a.webhook?.url ?? null,
    exception_id: a.exceptionId,
    created_at: a.createdAt,
    expires_at: a.expiresAt,
    decided_at: a.decidedAt,
    decided_by: a.decidedBy,
    decision_reason: a.decisionReason,
    used_at: a.usedAt,
    version: a.version,
  };
}

export class SqlApprovalStore implements ApprovalStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(id: string): Promise<Approval | null> {
    const row = await this.db
      .selectFrom('approvals')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? null : toApproval(row);
  }

  async list(filter: ApprovalFilter): Promise<Approval[]> {
    let query = this.db.selectFrom('approvals').selectAll();
    if (filter.state !== undefined) query = query.where('state', '=', filter.state);
    if (filter.actorId !== undefined) query = query.where('actor_id', '=', filter.actorId);
    if (filter.after !== undefined) query = query.where('id', '>', filter.after);
    const rows = await query.orderBy('id').limit(filter.limit).execute();
    return rows.map(toApproval);
  }

  async nextExpiry(): Promise<string | null> {
    const row = await this.db
      .selectFrom('approvals')
      .select((eb) => eb.fn.min('expires_at').as('at'))
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return row?.at ?? null;
  }

  async insert(approval: Approval): Promise<void> {
    await this.db.insertInto('approvals').values(toRow(approval)).execute();
  }

  async update(approval: Approval): Promise<boolean> {
    const { id: _id, ...row } = toRow(approval);
    const result = await this.db
      .updateTable('approvals')
      .set(row)
      .where('id', '=', approval.id)
      .where('version', '=', approval.version - 1)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async listExpired(at: string, limit: number): Promise<Approval[]> {
    const rows = await this.db
      .selectFrom('approvals')
      .selectAll()
      .where('state', '=', 'pending')
      .where('expires_at', '<=', at)
      .orderBy('expires_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toApproval);
  }
}
