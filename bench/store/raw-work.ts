/**
 * The raw-driver side of the store benchmark: a work item's life (create → assign → start →
 * complete) written directly against better-sqlite3 and pg, executing the very SQL texts the
 * store layer executes, in the same order and the same transactions, with the same checks and
 * the same hash-chain computation. Only the layer in between is missing.
 *
 * The texts are compiled once from the same Kysely builders the stores use; the benchmark then
 * checks, statement by statement, that both sides executed the same SQL for one item.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import { priorityKey } from '../../src/coordination/prioritize.js';
import { hashEvent } from '../../src/core/hash-chain.js';
import { newId } from '../../src/core/ids.js';
import type { Dialect } from '../../src/core/ports/store.js';
import type { Database } from '../../src/store/schema.js';
import {
  recordStatsArgs,
  recordStatsQuery,
  type RecordStatsArgs,
} from '../../src/store/sql-work-stats-store.js';
import { LEARNING } from '../../src/coordination/estimate-work.js';

export interface RawStatements {
  begin: string;
  commit: string;
  rollback: string;
  workType: string;
  insertItem: string;
  itemForUpdate: string;
  actorForUpdate: string;
  countLoad: string;
  updateItem: string;
  dependents: string;
  head: string;
  insertEvent: string;
  updateHead: string;
  recordStats: string;
  /** Per parameter of recordStats: the argument it takes, or a value fixed in the statement. */
  recordStatsSlots: (keyof RecordStatsArgs | { constant: unknown })[];
}

/** Compiles the learning statement once, noting which argument each parameter takes. */
function compileRecordStats(
  db: Kysely<Database>,
): Pick<RawStatements, 'recordStats' | 'recordStatsSlots'> {
  const keys = Object.keys(
    recordStatsArgs({
      typeId: '',
      actorId: '',
      outcome: 'completed',
      durationSeconds: 0,
      decay: 1,
      at: '',
    }),
  ) as (keyof RecordStatsArgs)[];
  const marked = Object.fromEntries(
    keys.map((k) => [k, `\u0000${k}`]),
  ) as unknown as RecordStatsArgs;
  const compiled = recordStatsQuery(db, marked).compile();
  return {
    recordStats: compiled.sql,
    recordStatsSlots: compiled.parameters.map(
      (p) => keys.find((k) => p === `\u0000${k}`) ?? { constant: p },
    ),
  };
}

/** Compiles, from the builders the stores use, the SQL texts of one item's life. */
export function compileRawStatements(db: Kysely<Database>, dialect: Dialect): RawStatements {
  const postgres = dialect === 'postgres';
  // A WorkItem carries its dependencies, so reading one reads them too.
  const dependsOn = postgres
    ? sql<string>`(select coalesce(json_agg(d.depends_on order by d.depends_on), '[]')::text from work_dependencies d where d.work_id = work_items.id)`
    : sql<string>`(select json_group_array(d.depends_on order by d.depends_on) from work_dependencies d where d.work_id = work_items.id)`;
  const itemForUpdate = db
    .selectFrom('work_items')
    .selectAll()
    .select(dependsOn.as('depends_on'))
    .where('id', '=', '');
  const actorForUpdate = db.selectFrom('actors').selectAll().where('id', '=', '');
  const head = db.selectFrom('event_chain_head').select(['seq', 'hash']).where('id', '=', 1);
  const row = {
    id: '',
    type_id: '',
    title: '',
    payload: '',
    value: 0,
    due_at: null,
    priority_class: '',
    priority: 0,
    stage_id: '',
    state: '',
    owner_id: null,
    offered_to: null,
    lease_expires_at: null,
    started_at: null,
    attempts: 0,
    failed_by: '',
    declined_by: '',
    version: 0,
    created_at: '',
    updated_at: '',
  };
  const { id: _id, created_at: _created, ...changes } = row;
  return {
    begin: postgres ? 'begin' : 'begin immediate',
    commit: 'commit',
    rollback: 'rollback',
    workType: db.selectFrom('work_types').selectAll().where('id', '=', '').compile().sql,
    insertItem: db
      .insertInto('work_items')
      .values({ id: row.id, created_at: row.created_at, ...changes })
      .compile().sql,
    itemForUpdate: (postgres ? itemForUpdate.forUpdate() : itemForUpdate).compile().sql,
    actorForUpdate: (postgres ? actorForUpdate.forUpdate() : actorForUpdate).compile().sql,
    countLoad: db
      .selectNoFrom((eb) => [
        eb
          .selectFrom('work_items')
          .select(eb.fn.countAll<number>().as('n'))
          .where('owner_id', '=', '')
          .where(sql<boolean>`state in ('assigned', 'in_progress')`)
          .as('held'),
        eb
          .selectFrom('work_items')
          .select(eb.fn.countAll<number>().as('n'))
          .where('offered_to', '=', '')
          .where(sql<boolean>`state = 'offered'`)
          .as('offered'),
      ])
      .compile().sql,
    // A transition of an item read for update sets its state and what goes with it (the other
    // columns only when they change, which assign, start and complete never do).
    updateItem: db
      .updateTable('work_items')
      .set({
        state: changes.state,
        owner_id: changes.owner_id,
        offered_to: changes.offered_to,
        lease_expires_at: changes.lease_expires_at,
        started_at: changes.started_at,
        attempts: changes.attempts,
        version: changes.version,
        updated_at: changes.updated_at,
      })
      .where('id', '=', '')
      .where('version', '=', 0)
      .compile().sql,
    dependents: db
      .selectFrom('work_dependencies')
      .select('work_id')
      .where('depends_on', '=', '')
      .orderBy('work_id')
      .compile().sql,
    head: (postgres ? head.forUpdate() : head).compile().sql,
    insertEvent: db
      .insertInto('events')
      .values([
        {
          seq: 0,
          time: '',
          type: '',
          actor: '',
          subject: null,
          payload: '',
          prev_hash: '',
          hash: '',
        },
      ])
      .compile().sql,
    updateHead: db
      .updateTable('event_chain_head')
      .set({ seq: 0, hash: '' })
      .where('id', '=', 1)
      .compile().sql,
    ...compileRecordStats(db),
  };
}

export type RawRow = Record<string, unknown>;
export interface RawResult {
  rows: RawRow[];
  changes: number;
}
export interface RawStatement {
  sql: string;
  params: unknown[];
}
/** A transaction's body: yields statements, receives their results. Runs sync or async alike. */
export type RawOps<T> = Generator<RawStatement, T, RawResult>;

interface WorkTypeRow {
  sla_seconds: number;
}
interface ItemRow {
  type_id: string;
  title: string;
  payload: string;
  value: number;
  due_at: string | null;
  priority_class: string;
  priority: number;
  stage_id: string;
  state: string;
  owner_id: string | null;
  lease_expires_at: string | null;
  started_at: string | null;
  attempts: number;
  failed_by: string;
  declined_by: string;
  version: number;
}
interface ActorRow {
  status: string;
  capacity: number;
}
interface HeadRow {
  seq: number;
  hash: string;
}

export interface RawWorkSettings {
  typeId: string;
  actorId: string;
  leaseSeconds: number;
  /** The event actor: what principalName(SYSTEM) records. */
  eventActor: string;
}

type Step = 'assign' | 'start' | 'complete';
const FROM: Record<Step, string> = { assign: 'queued', start: 'assigned', complete: 'in_progress' };
const TO: Record<Step, string> = { assign: 'assigned', start: 'in_progress', complete: 'done' };
const EVENT: Record<Step, string> = {
  assign: 'coordination.work.assigned',
  start: 'coordination.work.started',
  complete: 'coordination.work.completed',
};

function first(result: RawResult): RawRow | undefined {
  return result.rows[0];
}

/** Appends one event at the chain head: the transaction's last statements, as in SqlStore. */
function* appendEvent(
  s: RawStatements,
  actor: string,
  type: string,
  subject: string,
  payload: unknown,
): RawOps<void> {
  const head = first(yield { sql: s.head, params: [1] }) as HeadRow | undefined;
  if (head === undefined) throw new Error('no chain head');
  // Time is read after the lock, as the store does.
  const time = new Date().toISOString();
  const seq = head.seq + 1;
  const hash = hashEvent(head.hash, { seq, time, type, actor, subject, payload });
  yield {
    sql: s.insertEvent,
    params: [seq, time, type, actor, subject, JSON.stringify(payload), head.hash, hash],
  };
  yield { sql: s.updateHead, params: [seq, hash, 1] };
}

export function* createOp(s: RawStatements, w: RawWorkSettings, title: string): RawOps<string> {
  const type = first(yield { sql: s.workType, params: [w.typeId] }) as WorkTypeRow | undefined;
  if (type === undefined) throw new Error(`work type '${w.typeId}' does not exist`);
  const now = new Date();
  const id = newId('w', now.getTime());
  const at = now.toISOString();
  const dueAt = new Date(now.getTime() + type.sla_seconds * 1000).toISOString();
  const payload = JSON.stringify({});
  const priority = priorityKey({
    priorityClass: 'normal',
    value: 1,
    blocks: 0,
    createdAt: at,
    dueAt,
  });
  yield {
    sql: s.insertItem,
    params: [
      id,
      at,
      w.typeId,
      title,
      payload,
      1,
      dueAt,
      'normal',
      priority,
      '',
      'queued',
      null,
      null,
      null,
      null,
      0,
      '[]',
      '[]',
      1,
      at,
    ],
  };
  yield* appendEvent(s, w.eventActor, 'coordination.work.created', id, {
    typeId: w.typeId,
    title,
    value: 1,
    dueAt,
    priorityClass: 'normal',
    dependsOn: [],
    state: 'queued',
  });
  return id;
}

export function* transitionOp(
  s: RawStatements,
  w: RawWorkSettings,
  id: string,
  step: Step,
): RawOps<void> {
  const item = first(yield { sql: s.itemForUpdate, params: [id] }) as ItemRow | undefined;
  if (item === undefined) throw new Error(`work item '${id}' does not exist`);
  if (item.state !== FROM[step])
    throw new Error(`cannot ${step} work item '${id}': it is ${item.state}`);
  if (step === 'assign') {
    const actor = first(yield { sql: s.actorForUpdate, params: [w.actorId] }) as
      ActorRow | undefined;
    if (actor === undefined) throw new Error(`actor '${w.actorId}' does not exist`);
    if (actor.status === 'offline') throw new Error(`actor '${w.actorId}' is offline`);
    const load = first(yield { sql: s.countLoad, params: [w.actorId, w.actorId] }) as
      { held: number; offered: number } | undefined;
    if (load === undefined || load.held + load.offered >= actor.capacity)
      throw new Error(`actor '${w.actorId}' is at capacity`);
  }
  // Completing reads the work type: an item with stages still to go moves to the next stage.
  if (step === 'complete') yield { sql: s.workType, params: [item.type_id] };
  const now = new Date();
  const to = TO[step];
  const ownerId = step === 'assign' ? w.actorId : step === 'start' ? item.owner_id : null;
  const leaseExpiresAt =
    step === 'complete' ? null : new Date(now.getTime() + w.leaseSeconds * 1000).toISOString();
  const attempts = step === 'assign' ? item.attempts + 1 : item.attempts;
  const startedAt =
    step === 'start' ? now.toISOString() : step === 'complete' ? item.started_at : null;
  const { changes } = yield {
    sql: s.updateItem,
    params: [
      to,
      ownerId,
      null,
      leaseExpiresAt,
      startedAt,
      attempts,
      item.version + 1,
      now.toISOString(),
      id,
      item.version,
    ],
  };
  if (changes !== 1) throw new Error(`work item '${id}' was changed concurrently`);
  const payload = { action: step, from: item.state, to, ownerId, offeredTo: null };
  let attempt = null;
  if (step === 'complete') {
    const durationSeconds =
      item.started_at === null
        ? null
        : Math.max(0, (now.getTime() - new Date(item.started_at).getTime()) / 1000);
    attempt = {
      typeId: item.type_id,
      actorId: item.owner_id as string,
      startedAt: item.started_at,
      durationSeconds,
    };
    // Completing an item looks for the items waiting on it, to unblock them, then learns.
    yield { sql: s.dependents, params: [id] };
    const args = recordStatsArgs({
      typeId: item.type_id,
      actorId: item.owner_id as string,
      outcome: 'completed',
      durationSeconds,
      decay: LEARNING.decay,
      at: new Date().toISOString(),
    });
    yield {
      sql: s.recordStats,
      params: s.recordStatsSlots.map((slot) =>
        typeof slot === 'object' ? slot.constant : args[slot],
      ),
    };
  }
  yield* appendEvent(
    s,
    w.eventActor,
    EVENT[step],
    id,
    step === 'assign'
      ? { ...payload, leaseExpiresAt, decision: { mode: 'manual' } }
      : attempt === null
        ? payload
        : { ...payload, attempt },
  );
}

/** Per-operation latencies in nanoseconds. */
export interface OpLatencies {
  create: number[];
  assign: number[];
  start: number[];
  complete: number[];
}

/** One side of the comparison. */
export interface WorkSide {
  /** One item's whole life, four transactions; appends each one's latency when given. */
  life(title: string, latencies?: OpLatencies): Promise<void>;
}

export interface RawSide extends WorkSide {
  /** Records the SQL texts executed until stopped: for the statement check. */
  record(into: string[] | null): void;
}

function elapsed(since: bigint): number {
  return Number(process.hrtime.bigint() - since);
}

/** better-sqlite3, synchronous, each SQL text prepared once. */
export class RawSqliteWork implements RawSide {
  private readonly prepared = new Map<string, BetterSqlite3.Statement>();
  private recording: string[] | null = null;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly s: RawStatements,
    private readonly w: RawWorkSettings,
  ) {}

  record(into: string[] | null): void {
    this.recording = into;
  }

  private exec(sql: string, params: unknown[]): RawResult {
    let statement = this.prepared.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.prepared.set(sql, statement);
    }
    this.recording?.push(sql);
    if (statement.reader) return { rows: statement.all(params) as RawRow[], changes: 0 };
    return { rows: [], changes: statement.run(params).changes };
  }

  private transaction<T>(ops: RawOps<T>): T {
    this.exec(this.s.begin, []);
    try {
      let step = ops.next();
      while (step.done !== true) step = ops.next(this.exec(step.value.sql, step.value.params));
      this.exec(this.s.commit, []);
      return step.value;
    } catch (error) {
      this.exec(this.s.rollback, []);
      throw error;
    }
  }

  life(title: string, latencies?: OpLatencies): Promise<void> {
    let t = process.hrtime.bigint();
    const id = this.transaction(createOp(this.s, this.w, title));
    latencies?.create.push(elapsed(t));
    for (const step of ['assign', 'start', 'complete'] as const) {
      t = process.hrtime.bigint();
      this.transaction(transitionOp(this.s, this.w, id, step));
      latencies?.[step].push(elapsed(t));
    }
    return Promise.resolve();
  }
}

/** pg, one dedicated client, `client.query(text, values)` as Kysely's driver calls it. */
export class RawPostgresWork implements RawSide {
  private recording: string[] | null = null;

  constructor(
    private readonly client: pg.Client,
    private readonly s: RawStatements,
    private readonly w: RawWorkSettings,
  ) {}

  record(into: string[] | null): void {
    this.recording = into;
  }

  private async exec(sql: string, params: unknown[]): Promise<RawResult> {
    this.recording?.push(sql);
    const result = await this.client.query<RawRow>(sql, params);
    return { rows: result.rows, changes: result.rowCount ?? 0 };
  }

  private async transaction<T>(ops: RawOps<T>): Promise<T> {
    await this.exec(this.s.begin, []);
    try {
      let step = ops.next();
      while (step.done !== true)
        step = ops.next(await this.exec(step.value.sql, step.value.params));
      await this.exec(this.s.commit, []);
      return step.value;
    } catch (error) {
      await this.exec(this.s.rollback, []);
      throw error;
    }
  }

  async life(title: string, latencies?: OpLatencies): Promise<void> {
    let t = process.hrtime.bigint();
    const id = await this.transaction(createOp(this.s, this.w, title));
    latencies?.create.push(elapsed(t));
    for (const step of ['assign', 'start', 'complete'] as const) {
      t = process.hrtime.bigint();
      await this.transaction(transitionOp(this.s, this.w, id, step));
      latencies?.[step].push(elapsed(t));
    }
  }
}
