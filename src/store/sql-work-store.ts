import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import { TERMINAL_STATES, type WorkItem, type WorkState } from '../core/model.js';
import {
  emptyStateCounts,
  type WorkCountFilter,
  type WorkStateCounts,
  type ActorLoadCount,
  type QueueRef,
  type WorkFilter,
  type WorkQueue,
  type WorkStore,
} from '../core/ports/work-store.js';
import type { Dialect } from '../core/ports/store.js';
import { parseJson, toJson } from './json-column.js';
import { PreparedQuery } from './prepared-query.js';
import type { Database, WorkItemsTable } from './schema.js';

type Row = Selectable<WorkItemsTable>;
type RowWithDependencies = Row & { depends_on: string };

/**
 * An item's dependencies as a JSON array, ordered, read in the same statement as the item: one
 * round trip per item instead of two.
 */
const DEPENDS_ON: Record<Dialect, RawBuilder<string>> = {
  sqlite: sql<string>`(select json_group_array(d.depends_on order by d.depends_on) from work_dependencies d where d.work_id = work_items.id)`,
  postgres: sql<string>`(select coalesce(json_agg(d.depends_on order by d.depends_on), '[]')::text from work_dependencies d where d.work_id = work_items.id)`,
};

const selectItems = (db: Kysely<Database>, dialect: Dialect) =>
  db.selectFrom('work_items').selectAll().select(DEPENDS_ON[dialect].as('depends_on'));

// The statements of a work item's life, compiled once (see PreparedQuery).
const GET = new PreparedQuery((db, a: { id: string }, dialect) =>
  selectItems(db, dialect).where('id', '=', a.id),
);
const GET_FOR_UPDATE = new PreparedQuery((db, a: { id: string }, dialect) => {
  const query = selectItems(db, dialect).where('id', '=', a.id);
  // SQLite has no row locks; its transactions already hold the database's write lock.
  return dialect === 'postgres' ? query.forUpdate() : query;
});
/** The columns a change may write: all but the id and the creation time. */
const changeable = (a: Row) => ({
  type_id: a.type_id,
  title: a.title,
  payload: a.payload,
  value: a.value,
  due_at: a.due_at,
  priority_class: a.priority_class,
  priority: a.priority,
  stage_id: a.stage_id,
  state: a.state,
  owner_id: a.owner_id,
  offered_to: a.offered_to,
  lease_expires_at: a.lease_expires_at,
  started_at: a.started_at,
  attempts: a.attempts,
  failed_by: a.failed_by,
  declined_by: a.declined_by,
  version: a.version,
  updated_at: a.updated_at,
});
const INSERT = new PreparedQuery((db, a: Row) =>
  db.insertInto('work_items').values({ id: a.id, created_at: a.created_at, ...changeable(a) }),
);
const UPDATE = new PreparedQuery((db, a: Row & { expected_version: number }) =>
  db
    .updateTable('work_items')
    .set(changeable(a))
    .where('id', '=', a.id)
    .where('version', '=', a.expected_version),
);
type Changeable = keyof ReturnType<typeof changeable>;
const CHANGEABLE = Object.keys(changeable({} as Row)) as Changeable[];
/**
 * What every transition sets, changed or not: the state and what goes with it. Their indexes
 * (state, owner, lease) change with the state anyway, and a fixed list keeps one statement per
 * kind of transition whatever the clock says (two in one millisecond would otherwise differ).
 */
const TRANSITION_COLUMNS = new Set<Changeable>([
  'state',
  'owner_id',
  'offered_to',
  'lease_expires_at',
  'started_at',
  'attempts',
  'version',
  'updated_at',
]);
/**
 * Updates that set the transition's columns and only those others that changed (type, title,
 * priority, stage, …), one statement per set of columns. SQLite rewrites every index that holds
 * a column named in SET, changed or not; naming only these spares the type, claim and class
 * indexes on most transitions.
 */
const PARTIAL_UPDATES = new Map<
  string,
  PreparedQuery<Row & { expected_version: number }, unknown>
>();
function partialUpdate(columns: readonly Changeable[]) {
  const key = columns.join(',');
  let query = PARTIAL_UPDATES.get(key);
  if (query === undefined) {
    query = new PreparedQuery((db, a: Row & { expected_version: number }) => {
      const all = changeable(a);
      return db
        .updateTable('work_items')
        .set(Object.fromEntries(columns.map((c) => [c, all[c]])))
        .where('id', '=', a.id)
        .where('version', '=', a.expected_version);
    });
    PARTIAL_UPDATES.set(key, query);
  }
  return query;
}
/** The stored form of a stage: '' for a type without stages. */
const stageKey = (stageId: string | null): string => stageId ?? '';
/** The head of one (type, stage) queue: one probe of the claim index. */
const queueHead = (db: Kysely<Database>, dialect: Dialect, typeId: string, stage: string) =>
  selectItems(db, dialect)
    .where('state', '=', 'queued')
    .where('type_id', '=', typeId)
    .where('stage_id', '=', stage)
    .orderBy('priority', 'desc')
    .orderBy('id')
    .limit(1);
const QUEUE_HEAD = new PreparedQuery((db, a: { typeId: string; stage: string }, dialect) =>
  queueHead(db, dialect, a.typeId, a.stage),
);
/** Skips a row another transaction holds instead of waiting for it. */
const LOCK_IF_QUEUED = new PreparedQuery((db, a: { id: string }, dialect) =>
  selectItems(db, dialect)
    .where('id', '=', a.id)
    .where('state', '=', 'queued')
    .forUpdate('work_items')
    .skipLocked(),
);
const passedOver = (row: Row, actorId: string) =>
  parseJson<string[]>(row.failed_by).includes(actorId) ||
  parseJson<string[]>(row.declined_by).includes(actorId);
/** Queue order: higher priority (key plus its queue's offset) first, then older (ids are time-ordered). */
const ranksBefore = (a: Row, aOffset: number, b: Row, bOffset: number) =>
  a.priority + aOffset > b.priority + bOffset ||
  (a.priority + aOffset === b.priority + bOffset && a.id < b.id);

const COUNT_OFFERED = new PreparedQuery((db, a: { actorId: string }) =>
  db
    .selectFrom('work_items')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('offered_to', '=', a.actorId)
    .where('state', '=', 'offered'),
);
const DEPENDENTS = new PreparedQuery((db, a: { id: string }) =>
  db
    .selectFrom('work_dependencies')
    .select('work_id')
    .where('depends_on', '=', a.id)
    .orderBy('work_id'),
);
const COUNT_HELD = new PreparedQuery((db, a: { actorId: string }) =>
  db
    .selectFrom('work_items')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('owner_id', '=', a.actorId)
    .where('state', 'in', ['assigned', 'in_progress']),
);

/**
 * Held and offered in one statement: each count one probe of its own index. The states are
 * written into the SQL: SQLite plans an `in (?, ?)` against a partial index anew whenever the
 * parameters are bound, which cost more than the counting.
 */
const COUNT_LOAD = new PreparedQuery((db, a: { actorId: string }) =>
  db.selectNoFrom((eb) => [
    eb
      .selectFrom('work_items')
      .select(eb.fn.countAll<number>().as('n'))
      .where('owner_id', '=', a.actorId)
      .where(sql<boolean>`state in ('assigned', 'in_progress')`)
      .as('held'),
    eb
      .selectFrom('work_items')
      .select(eb.fn.countAll<number>().as('n'))
      .where('offered_to', '=', a.actorId)
      .where(sql<boolean>`state = 'offered'`)
      .as('offered'),
  ]),
);

function toItem(row: RowWithDependencies): WorkItem {
  return {
    id: row.id,
    typeId: row.type_id,
    title: row.title,
    payload: parseJson(row.payload),
    value: row.value,
    dueAt: row.due_at,
    priorityClass: row.priority_class,
    priority: row.priority,
    dependsOn: parseJson(row.depends_on),
    stageId: row.stage_id === '' ? null : row.stage_id,
    attempts: row.attempts,
    failedBy: parseJson(row.failed_by),
    declinedBy: parseJson(row.declined_by),
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    state: row.state,
    ownerId: row.owner_id,
    offeredTo: row.offered_to,
    leaseExpiresAt: row.lease_expires_at,
    startedAt: row.started_at,
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
    priority: item.priority,
    stage_id: stageKey(item.stageId),
    state: item.state,
    owner_id: item.ownerId,
    offered_to: item.offeredTo,
    lease_expires_at: item.leaseExpiresAt,
    started_at: item.startedAt,
    attempts: item.attempts,
    failed_by: toJson(item.failedBy),
    declined_by: toJson(item.declinedBy),
    version: item.version,
    created_at: item.createdAt,
    updated_at: item.updatedAt,
  };
}

export class SqlWorkStore implements WorkStore {
  /**
   * The stored row of each item read for update in this transaction (a store inside a
   * transaction lives as long as the transaction), so that an update sets only what changed.
   */
  readonly #held = new Map<string, Row>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async get(id: string): Promise<WorkItem | null> {
    const row = await GET.takeFirst(this.db, this.dialect, { id });
    return row === undefined ? null : toItem(row);
  }

  async getForUpdate(id: string): Promise<WorkItem | null> {
    const row = await GET_FOR_UPDATE.takeFirst(this.db, this.dialect, { id });
    if (row === undefined) return null;
    this.#held.set(id, row);
    return toItem(row);
  }

  async list(filter: WorkFilter): Promise<WorkItem[]> {
    const desc = filter.order === 'desc';
    let query = selectItems(this.db, this.dialect)
      .orderBy('id', desc ? 'desc' : 'asc')
      .limit(filter.limit);
    if (filter.state !== undefined) query = query.where('state', '=', filter.state);
    if (filter.typeId !== undefined) query = query.where('type_id', '=', filter.typeId);
    if (filter.ownerId !== undefined) query = query.where('owner_id', '=', filter.ownerId);
    if (filter.offeredTo !== undefined) query = query.where('offered_to', '=', filter.offeredTo);
    if (filter.priorityClass !== undefined)
      query = query.where('priority_class', '=', filter.priorityClass);
    if (filter.after !== undefined) query = query.where('id', desc ? '<' : '>', filter.after);
    return (await query.execute()).map(toItem);
  }

  async countByState(filter: WorkCountFilter): Promise<WorkStateCounts> {
    let query = this.db
      .selectFrom('work_items')
      .select((eb) => ['state', eb.fn.countAll<number | string>().as('n')])
      .groupBy('state');
    if (filter.typeId !== undefined) query = query.where('type_id', '=', filter.typeId);
    if (filter.ownerId !== undefined) query = query.where('owner_id', '=', filter.ownerId);
    const counts = emptyStateCounts();
    // PostgreSQL answers count(*) as a bigint, which pg hands over as a string.
    for (const row of await query.execute()) counts[row.state as WorkState] = Number(row.n);
    return counts;
  }

  async dependentsOf(id: string): Promise<string[]> {
    const { rows } = await DEPENDENTS.execute(this.db, this.dialect, { id });
    return rows.map((r) => r.work_id);
  }

  async countHeldBy(actorId: string): Promise<number> {
    return (await COUNT_HELD.takeFirst(this.db, this.dialect, { actorId }))?.n ?? 0;
  }

  async countLoad(actorId: string): Promise<ActorLoadCount> {
    const row = await COUNT_LOAD.takeFirst(this.db, this.dialect, { actorId });
    return { held: row?.held ?? 0, offered: row?.offered ?? 0 };
  }

  async nextClaimable(
    queues: readonly QueueRef[],
    actorId: string,
    passOver?: (item: WorkItem) => boolean,
  ): Promise<WorkItem | null> {
    // The head of each (type, stage) queue is one index probe; the best head (stored key plus
    // its queue's offset) wins. One query over all queues would sort every queued item of them.
    const skipped: string[] = [];
    const head = async ({ typeId, stageId }: WorkQueue) =>
      skipped.length === 0
        ? QUEUE_HEAD.takeFirst(this.db, this.dialect, { typeId, stage: stageKey(stageId) })
        : queueHead(this.db, this.dialect, typeId, stageKey(stageId))
            .where('id', 'not in', skipped)
            .executeTakeFirst();
    for (;;) {
      let best: RowWithDependencies | undefined;
      let bestOffset = 0;
      for (const queue of queues) {
        let candidate = await head(queue);
        // Work this actor failed or declined before waits for someone else.
        while (
          candidate !== undefined &&
          (passedOver(candidate, actorId) || (passOver?.(toItem(candidate)) ?? false))
        ) {
          skipped.push(candidate.id);
          candidate = await head(queue);
        }
        if (
          candidate !== undefined &&
          (best === undefined || ranksBefore(candidate, queue.offset, best, bestOffset))
        ) {
          best = candidate;
          bestOffset = queue.offset;
        }
      }
      if (best === undefined) return null;
      // SQLite: the transaction holds the database's write lock, so the head is ours.
      if (this.dialect === 'sqlite') {
        this.#held.set(best.id, best);
        return toItem(best);
      }
      // PostgreSQL: lock it unless another claimer holds it; then it is theirs, look further.
      const locked = await LOCK_IF_QUEUED.takeFirst(this.db, this.dialect, { id: best.id });
      if (locked !== undefined) {
        this.#held.set(locked.id, locked);
        return toItem(locked);
      }
      skipped.push(best.id);
    }
  }

  async rankInQueue(item: WorkItem): Promise<number> {
    const row = await this.db
      .selectFrom('work_items')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('state', '=', 'queued')
      .where('type_id', '=', item.typeId)
      .where('stage_id', '=', stageKey(item.stageId))
      .where((eb) =>
        eb.or([
          eb('priority', '>', item.priority),
          eb.and([eb('priority', '=', item.priority), eb('id', '<', item.id)]),
        ]),
      )
      .executeTakeFirstOrThrow();
    return row.n + 1;
  }

  async listLeaseExpired(now: string, limit: number): Promise<WorkItem[]> {
    const rows = await selectItems(this.db, this.dialect)
      .where('state', 'in', ['offered', 'assigned', 'in_progress'])
      .where('lease_expires_at', '<', now)
      .orderBy('lease_expires_at')
      // Equal deadlines in one order everywhere, so nodes expiring at once lock alike.
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toItem);
  }

  async listOpenDueBefore(until: string, limit: number): Promise<WorkItem[]> {
    const rows = await selectItems(this.db, this.dialect)
      // The same predicate as the partial index work_items_open_due, so the planner uses it.
      .where(sql<boolean>`state not in ('done', 'failed', 'cancelled') and due_at is not null`)
      .where('due_at', '<', until)
      .orderBy('due_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toItem);
  }

  async renewLeases(actorId: string, until: string): Promise<number> {
    this.#held.clear();
    const result = await this.db
      .updateTable('work_items')
      .set({ lease_expires_at: until })
      .where('owner_id', '=', actorId)
      .where('state', 'in', ['assigned', 'in_progress'])
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async setPriority(id: string, priority: number): Promise<void> {
    // Written behind the remembered row: the next update of the item sets every column.
    this.#held.delete(id);
    await this.db.updateTable('work_items').set({ priority }).where('id', '=', id).execute();
  }

  async countOfferedTo(actorId: string): Promise<number> {
    const row = await COUNT_OFFERED.takeFirst(this.db, this.dialect, { actorId });
    return row?.n ?? 0;
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
    await INSERT.execute(this.db, this.dialect, toRow(item));
    if (item.dependsOn.length > 0) {
      await this.db
        .insertInto('work_dependencies')
        .values(item.dependsOn.map((dependsOn) => ({ work_id: item.id, depends_on: dependsOn })))
        .execute();
    }
  }

  async update(item: WorkItem): Promise<boolean> {
    const row = toRow(item);
    const args = { ...row, expected_version: item.version - 1 };
    const before = this.#held.get(item.id);
    // The version check stays in the statement: it, not this memory, guards against a
    // concurrent writer (PostgreSQL's row lock makes one unlikely; SQLite's write lock, none).
    const query =
      before?.version === item.version - 1
        ? partialUpdate(CHANGEABLE.filter((c) => TRANSITION_COLUMNS.has(c) || row[c] !== before[c]))
        : UPDATE;
    const updated = await query.affected(this.db, this.dialect, args);
    if (updated !== 1n) return false;
    this.#held.set(item.id, row);
    return true;
  }

  async addDependency(id: string, dependsOn: string): Promise<void> {
    await this.db
      .insertInto('work_dependencies')
      .values({ work_id: id, depends_on: dependsOn })
      .execute();
  }
}
