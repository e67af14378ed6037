import type { Kysely, Selectable } from 'kysely';
import type { Actor, ActorStatus } from '../core/model.js';
import type { ActorStore } from '../core/ports/actor-store.js';
import type { Dialect } from '../core/ports/store.js';
import { parseJson, toJson } from './json-column.js';
import { PreparedQuery } from './prepared-query.js';
import type { ActorsTable, Database } from './schema.js';

// On the path of every assignment, so compiled once (see PreparedQuery).
const GET = new PreparedQuery((db, a: { id: string }) =>
  db.selectFrom('actors').selectAll().where('id', '=', a.id),
);
const GET_FOR_UPDATE = new PreparedQuery((db, a: { id: string }, dialect) => {
  const query = db.selectFrom('actors').selectAll().where('id', '=', a.id);
  return dialect === 'postgres' ? query.forUpdate() : query;
});

function toActor(row: Selectable<ActorsTable>): Actor {
  return {
    id: row.id,
    kind: row.kind as Actor['kind'],
    name: row.name,
    domains: parseJson(row.domains),
    skills: parseJson(row.skills),
    capacity: row.capacity,
    mode: row.mode as Actor['mode'],
    costPerHour: row.cost_per_hour,
    status: row.status as ActorStatus,
    lastHeartbeatAt: row.last_heartbeat_at,
  };
}

export class SqlActorStore implements ActorStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async get(id: string): Promise<Actor | null> {
    const row = await GET.takeFirst(this.db, this.dialect, { id });
    return row === undefined ? null : toActor(row);
  }

  async getForUpdate(id: string): Promise<Actor | null> {
    const row = await GET_FOR_UPDATE.takeFirst(this.db, this.dialect, { id });
    return row === undefined ? null : toActor(row);
  }

  async list(
    filter: { kind?: Actor['kind'] | undefined; status?: ActorStatus | undefined } = {},
  ): Promise<Actor[]> {
    let query = this.db.selectFrom('actors').selectAll().orderBy('id');
    if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    return (await query.execute()).map(toActor);
  }

  async upsert(actor: Actor): Promise<void> {
    const configured = {
      kind: actor.kind,
      name: actor.name,
      domains: toJson(actor.domains),
      skills: toJson(actor.skills),
      capacity: actor.capacity,
      mode: actor.mode,
      cost_per_hour: actor.costPerHour,
    };
    await this.db
      .insertInto('actors')
      .values({
        id: actor.id,
        ...configured,
        status: actor.status,
        last_heartbeat_at: actor.lastHeartbeatAt,
      })
      .onConflict((oc) => oc.column('id').doUpdateSet(configured))
      .execute();
  }

  async remove(id: string): Promise<void> {
    await this.db.deleteFrom('actors').where('id', '=', id).execute();
  }

  async setStatus(id: string, status: ActorStatus): Promise<void> {
    await this.db.updateTable('actors').set({ status }).where('id', '=', id).execute();
  }

  async heartbeat(id: string, at: string): Promise<void> {
    await this.db
      .updateTable('actors')
      .set({ last_heartbeat_at: at })
      .where('id', '=', id)
      .execute();
  }
}
