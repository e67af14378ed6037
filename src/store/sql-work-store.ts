import type { Kysely, Selectable } from 'kysely';
import { TERMINAL_STATES, type WorkItem } from '../core/model.js';
import type { WorkFilter, WorkStore } from '../core/ports/work-store.js';
import type { Dialect } from '../core/ports/store.js';
import { parseJson, toJson } from './json-column.js';
import type { Database, WorkItemsTable } from './schema.js';

type Row = Selectable<WorkItemsTable>;

function toItem(row: Row, dependsOn: string[]): WorkItem {
  return {
    id: row.id,
    typeId: row.type_id,
    title: row.title,
    payload: parseJson(row.payload),
    value: row.value,
    dueAt: row.due_at,
    priorityClass: row.priority_class,
    dependsOn,
    attempts: row.attempts,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    state: row.state,
    ownerId: row.owner_id,
    offeredTo: row.offered_to,
    leaseExpiresAt: row.lease_expires_at,
    // The check constraint in the schema guarantees the state/owner pairing the union states.
  } as WorkItem;
}

function toRow(item: WorkItem): Row {
  return {
    id: item.id,
    type_id: item.typeId,
    title: item.title,
    payload: toJson(item.payload),
    value: item.value,
    due_at: item.dueAt,
    priority_class: item.priorityClass,
    state: item.state,
    owner_id: item.ownerId,
    offered_to: item.offeredTo,
    lease_expires_at: item.leaseExpiresAt,
    attempts: item.attempts,
    version: item.version,
    created_at: item.createdAt,
    updated_at: item.updatedAt,
  };
}

export class SqlWorkStore implements WorkStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async get(id: string): Promise<WorkItem | null> {
    const row = await this.db.selectFrom('work_items').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : toItem(row, await this.dependenciesOf(id));
  }

  async getForUpdate(id: string): Promise<WorkItem | null> {
    let query = this.db.selectFrom('work_items').selectAll().where('id', '=', id);
    // SQLite has no row locks; its transactions already hold the database's write lock.
    if (this.dialect === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row === undefined ? null : toItem(row, await this.dependenciesOf(id));
  }

  async list(filter: WorkFilter): Promise<WorkItem[]> {
    let query = this.db.selectFrom('work_items').selectAll().orderBy('id').limit(filter.limit);
    if (filter.state !== undefined) query = query.where('state', '=', filter.state);
    if (filter.typeId !== undefined) query = query.where('type_id', '=', filter.typeId);
    if (filter.ownerId !== undefined) query = query.where('owner_id', '=', filter.ownerId);
    if (filter.after !== undefined) query = query.where('id', '>', filter.after);
    const rows = await query.execute();
    if (rows.length === 0) return [];
    const deps = await this.db
      .selectFrom('work_dependencies')
      .select(['work_id', 'depends_on'])
      .where(
        'work_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('depends_on')
      .execute();
    const byItem = new Map<string, string[]>();
    for (const dep of deps) {
      const list = byItem.get(dep.work_id) ?? [];
      list.push(dep.depends_on);
      byItem.set(dep.work_id, list);
    }
    return rows.map((row) => toItem(row, byItem.get(row.id) ?? []));
  }

  async dependentsOf(id: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('work_dependencies')
      .select('work_id')
      .where('depends_on', '=', id)
      .orderBy('work_id')
      .execute();
    return rows.map((r) => r.work_id);
  }

  async countHeldBy(actorId: string): Promise<number> {
    const row = await this.db
      .selectFrom('work_items')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('owner_id', '=', actorId)
      .where('state', 'in', ['assigned', 'in_progress'])
      .executeTakeFirstOrThrow();
    return row.n;
  }

  async countOpenOfType(typeId: string): Promise<number> {
    const row = await this.db
      .selectFrom('work_items')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('type_id', '=', typeId)
      .where('state', 'not in', TERMINAL_STATES)
      .executeTakeFirstOrThrow();
    return row.n;
  }

  async insert(item: WorkItem): Promise<void> {
    await this.db.insertInto('work_items').values(toRow(item)).execute();
    if (item.dependsOn.length > 0) {
      await this.db
        .insertInto('work_dependencies')
        .values(item.dependsOn.map((dependsOn) => ({ work_id: item.id, depends_on: dependsOn })))
        .execute();
    }
  }

  async update(item: WorkItem): Promise<boolean> {
    const { id: _id, created_at: _created, ...changes } = toRow(item);
    const result = await this.db
      .updateTable('work_items')
      .set(changes)
      .where('id', '=', item.id)
      .where('version', '=', item.version - 1)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async addDependency(id: string, dependsOn: string): Promise<void> {
    await this.db.insertInto('work_dependencies').values({ work_id: id, depends_on: dependsOn }).execute();
  }

  private async dependenciesOf(id: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('work_dependencies')
      .select('depends_on')
      .where('work_id', '=', id)
      .orderBy('depends_on')
      .execute();
    return rows.map((r) => r.depends_on);
  }
}
