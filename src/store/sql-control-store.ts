import { sql, type Kysely, type Selectable } from 'kysely';
import type { AgentControl, AgentControlKind } from '../core/agent-control.js';
import type { Usage, UsageWindow } from '../core/budget-config.js';
import type { ControlStore } from '../core/ports/control-store.js';
import type { AgentControlsTable, AgentUsageTable, Database } from './schema.js';

function toControl(row: Selectable<AgentControlsTable>): AgentControl {
  const base = {
    id: row.id,
    actorId: row.actor_id,
    reason: row.reason,
    appliedBy: row.applied_by,
    appliedAt: row.applied_at,
    liftedAt: row.lifted_at,
    liftedBy: row.lifted_by,
    liftReason: row.lift_reason,
  };
  return row.kind === 'pause'
    ? { kind: 'pause', ...base, actionClass: row.action_class }
    : { kind: 'redirect', ...base, to: row.target };
}

const toUsage = (row: Selectable<AgentUsageTable>): Usage => ({
  actorId: row.actor_id,
  window: row.usage_window as UsageWindow,
  period: row.period,
  actions: row.actions,
  cost: row.cost,
});

export class SqlControlStore implements ControlStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(id: string): Promise<AgentControl | null> {
    const row = await this.db
      .selectFrom('agent_controls')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? null : toControl(row);
  }

  async listActive(): Promise<AgentControl[]> {
    const rows = await this.db
      .selectFrom('agent_controls')
      .selectAll()
      .where('lifted_at', 'is', null)
      .orderBy('id')
      .execute();
    return rows.map(toControl);
  }

  async list(filter: {
    kind: AgentControlKind;
    before?: string | undefined;
    limit: number;
  }): Promise<AgentControl[]> {
    let query = this.db.selectFrom('agent_controls').selectAll().where('kind', '=', filter.kind);
    if (filter.before !== undefined) query = query.where('id', '<', filter.before);
    const rows = await query.orderBy('id', 'desc').limit(filter.limit).execute();
    return rows.map(toControl);
  }

  async usage(actorId: string): Promise<Usage[]> {
    const rows = await this.db
      .selectFrom('agent_usage')
      .selectAll()
      .where('actor_id', '=', actorId)
      .execute();
    return rows.map(toUsage);
  }

  async insert(control: AgentControl): Promise<boolean> {
    const result = await this.db
      .insertInto('agent_controls')
      .values({
        id: control.id,
        kind: control.kind,
        actor_id: control.actorId,
        action_class: control.kind === 'pause' ? control.actionClass : '',
        target: control.kind === 'redirect' ? control.to : null,
        reason: control.reason,
        applied_by: control.appliedBy,
        applied_at: control.appliedAt,
        lifted_at: null,
        lifted_by: null,
        lift_reason: null,
      })
      .onConflict((c) =>
        c.columns(['kind', 'actor_id', 'action_class']).where('lifted_at', 'is', null).doNothing(),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async lift(id: string, at: string, by: string, reason: string): Promise<boolean> {
    const result = await this.db
      .updateTable('agent_controls')
      .set({ lifted_at: at, lifted_by: by, lift_reason: reason })
      .where('id', '=', id)
      .where('lifted_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async charge(
    actorId: string,
    charges: readonly { window: UsageWindow; period: string }[],
    amount: { actions: number; cost: number },
  ): Promise<Usage[]> {
    if (charges.length === 0) return [];
    // One statement for every window: a row of a passed period starts again from this charge.
    const samePeriod = sql<boolean>`agent_usage.period = excluded.period`;
    const rows = await this.db
      .insertInto('agent_usage')
      .values(
        charges.map((c) => ({
          actor_id: actorId,
          usage_window: c.window,
          period: c.period,
          actions: amount.actions,
          cost: amount.cost,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['actor_id', 'usage_window']).doUpdateSet({
          actions: sql<number>`case when ${samePeriod} then agent_usage.actions + excluded.actions else excluded.actions end`,
          cost: sql<number>`case when ${samePeriod} then agent_usage.cost + excluded.cost else excluded.cost end`,
          period: sql<string>`excluded.period`,
        }),
      )
      .returningAll()
      .execute();
    return rows.map(toUsage);
  }
}
