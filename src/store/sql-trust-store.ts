import { sql, type Kysely, type Selectable } from 'kysely';
import type { TrustFilter, TrustStateRow, TrustStore } from '../core/ports/trust-store.js';
import type {
  PromotionState,
  TrustEvidence,
  TrustLevel,
  TrustPromotion,
  TrustRecord,
} from '../core/trust.js';
import { parseJson, toJson } from './json-column.js';
import type { Database, TrustLevelsTable, TrustPromotionsTable } from './schema.js';

const toLevel = (row: Selectable<TrustLevelsTable>): TrustLevel => ({
  actorId: row.actor_id,
  domainId: row.domain_id,
  class: row.class,
  level: row.level,
  since: row.since,
  changedBy: row.changed_by,
  reason: row.reason,
});

const toPromotion = (row: Selectable<TrustPromotionsTable>): TrustPromotion => ({
  id: row.id,
  actorId: row.actor_id,
  domainId: row.domain_id,
  class: row.class,
  from: row.from_level,
  to: row.to_level,
  state: row.state as PromotionState,
  proposedAt: row.proposed_at,
  evidence: parseJson<TrustEvidence>(row.evidence),
  decidedAt: row.decided_at,
  decidedBy: row.decided_by,
  reason: row.reason,
});

export class SqlTrustStore implements TrustStore {
  constructor(private readonly db: Kysely<Database>) {}

  async checkpoint(): Promise<number> {
    const row = await this.db
      .selectFrom('trust_checkpoint')
      .select('seq')
      .where('id', '=', 1)
      .executeTakeFirst();
    return row?.seq ?? 0;
  }

  async records(filter: TrustFilter): Promise<TrustRecord[]> {
    let query = this.db.selectFrom('trust_records').select('record');
    if (filter.actorId !== undefined) query = query.where('actor_id', '=', filter.actorId);
    if (filter.domainId !== undefined) query = query.where('domain_id', '=', filter.domainId);
    if (filter.class !== undefined) query = query.where('class', '=', filter.class);
    const rows = await query.orderBy('actor_id').orderBy('domain_id').orderBy('class').execute();
    return rows.map((row) => parseJson<TrustRecord>(row.record));
  }

  async levels(filter: TrustFilter): Promise<TrustLevel[]> {
    let query = this.db.selectFrom('trust_levels').selectAll();
    if (filter.actorId !== undefined) query = query.where('actor_id', '=', filter.actorId);
    if (filter.domainId !== undefined) query = query.where('domain_id', '=', filter.domainId);
    if (filter.class !== undefined) query = query.where('class', '=', filter.class);
    const rows = await query.orderBy('actor_id').orderBy('domain_id').orderBy('class').execute();
    return rows.map(toLevel);
  }

  async promotions(
    filter: TrustFilter & { state?: PromotionState | undefined },
  ): Promise<TrustPromotion[]> {
    let query = this.db.selectFrom('trust_promotions').selectAll();
    if (filter.actorId !== undefined) query = query.where('actor_id', '=', filter.actorId);
    if (filter.domainId !== undefined) query = query.where('domain_id', '=', filter.domainId);
    if (filter.class !== undefined) query = query.where('class', '=', filter.class);
    if (filter.state !== undefined) query = query.where('state', '=', filter.state);
    const rows = await query.orderBy('id', 'desc').execute();
    return rows.map(toPromotion);
  }

  async promotion(id: string): Promise<TrustPromotion | null> {
    const row = await this.db
      .selectFrom('trust_promotions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? null : toPromotion(row);
  }

  async states(kind: string, ids?: readonly string[]): Promise<TrustStateRow[]> {
    let query = this.db.selectFrom('trust_state').selectAll().where('kind', '=', kind);
    if (ids !== undefined) {
      if (ids.length === 0) return [];
      query = query.where('id', 'in', [...ids]);
    }
    return query.execute();
  }

  async advance(from: number, to: number): Promise<boolean> {
    const result = await this.db
      .updateTable('trust_checkpoint')
      .set({ seq: to })
      .where('id', '=', 1)
      .where('seq', '=', from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async putRecords(records: readonly TrustRecord[]): Promise<void> {
    for (const record of records)
      await this.db
        .insertInto('trust_records')
        .values({
          actor_id: record.actorId,
          domain_id: record.domainId,
          class: record.class,
          record: toJson(record),
        })
        .onConflict((c) =>
          c.columns(['actor_id', 'domain_id', 'class']).doUpdateSet({ record: toJson(record) }),
        )
        .execute();
  }

  async putStates(rows: readonly TrustStateRow[]): Promise<void> {
    for (const row of rows)
      await this.db
        .insertInto('trust_state')
        .values(row)
        .onConflict((c) => c.columns(['kind', 'id']).doUpdateSet({ state: row.state }))
        .execute();
  }

  async putLevel(level: TrustLevel): Promise<void> {
    const values = {
      level: level.level,
      since: level.since,
      changed_by: level.changedBy,
      reason: level.reason,
    };
    await this.db
      .insertInto('trust_levels')
      .values({
        actor_id: level.actorId,
        domain_id: level.domainId,
        class: level.class,
        ...values,
      })
      .onConflict((c) => c.columns(['actor_id', 'domain_id', 'class']).doUpdateSet(values))
      .execute();
  }

  async insertPromotion(promotion: TrustPromotion): Promise<boolean> {
    const result = await this.db
      .insertInto('trust_promotions')
      .values({
        id: promotion.id,
        actor_id: promotion.actorId,
        domain_id: promotion.domainId,
        class: promotion.class,
        from_level: promotion.from,
        to_level: promotion.to,
        state: promotion.state,
        proposed_at: promotion.proposedAt,
        evidence: toJson(promotion.evidence),
        decided_at: null,
        decided_by: null,
        reason: null,
      })
      .onConflict((c) =>
        // The partial index's own predicate, literally: SQLite matches it by its text.
        c
          .columns(['actor_id', 'domain_id', 'class'])
          .where(sql.ref('state'), '=', sql.lit('pending'))
          .doNothing(),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async decidePromotion(
    id: string,
    decision: Exclude<PromotionState, 'pending'>,
    at: string,
    by: string,
    reason: string,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('trust_promotions')
      .set({ state: decision, decided_at: at, decided_by: by, reason })
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async resetRecords(): Promise<void> {
    await this.db.deleteFrom('trust_records').execute();
    await this.db.deleteFrom('trust_state').execute();
    await this.db.updateTable('trust_checkpoint').set({ seq: 0 }).where('id', '=', 1).execute();
  }
}
