import type { Kysely, Selectable } from 'kysely';
import type { Halt, HaltScope } from '../core/halt.js';
import type { HaltStore } from '../core/ports/halt-store.js';
import type { Database, HaltsTable } from './schema.js';

function toHalt(row: Selectable<HaltsTable>): Halt {
  const scope: HaltScope =
    row.scope_kind === 'all'
      ? { kind: 'all' }
      : { kind: row.scope_kind as 'actor' | 'domain', id: row.scope_id };
  return {
    id: row.id,
    scope,
    reason: row.reason,
    haltedBy: row.halted_by,
    haltedAt: row.halted_at,
    liftedAt: row.lifted_at,
    liftedBy: row.lifted_by,
    liftReason: row.lift_reason,
  };
}

const scopeId = (scope: HaltScope) => (scope.kind === 'all' ? '' : scope.id);

export class SqlHaltStore implements HaltStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(id: string): Promise<Halt | null> {
    const row = await this.db
      .selectFrom('halts')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? null : toHalt(row);
  }

  async listActive(): Promise<Halt[]> {
    const rows = await this.db
      .selectFrom('halts')
      .selectAll()
      .where('lifted_at', 'is', null)
      .orderBy('id')
      .execute();
    return rows.map(toHalt);
  }

  async list(filter: { before?: string | undefined; limit: number }): Promise<Halt[]> {
    let query = this.db.selectFrom('halts').selectAll();
    if (filter.before !== undefined) query = query.where('id', '<', filter.before);
    const rows = await query.orderBy('id', 'desc').limit(filter.limit).execute();
    return rows.map(toHalt);
  }

  async activeFor(scope: HaltScope): Promise<Halt | null> {
    const row = await this.db
      .selectFrom('halts')
      .selectAll()
      .where('scope_kind', '=', scope.kind)
      .where('scope_id', '=', scopeId(scope))
      .where('lifted_at', 'is', null)
      .executeTakeFirst();
    return row === undefined ? null : toHalt(row);
  }

  async insert(halt: Halt): Promise<boolean> {
    const result = await this.db
      .insertInto('halts')
      .values({
        id: halt.id,
        scope_kind: halt.scope.kind,
        scope_id: scopeId(halt.scope),
        reason: halt.reason,
        halted_by: halt.haltedBy,
        halted_at: halt.haltedAt,
        lifted_at: null,
        lifted_by: null,
        lift_reason: null,
      })
      .onConflict((c) =>
        c.columns(['scope_kind', 'scope_id']).where('lifted_at', 'is', null).doNothing(),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async lift(id: string, at: string, by: string, reason: string): Promise<boolean> {
    const result = await this.db
      .updateTable('halts')
      .set({ lifted_at: at, lifted_by: by, lift_reason: reason })
      .where('id', '=', id)
      .where('lifted_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
