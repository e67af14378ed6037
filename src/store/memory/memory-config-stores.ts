import type { Actor, ActorStatus, ApiToken, Domain, WorkType } from '../../core/model.js';
import type { ActorStore } from '../../core/ports/actor-store.js';
import type { DomainStore, WorkTypeStore } from '../../core/ports/config-store.js';
import type { Organization, OrganizationStore } from '../../core/ports/organization-store.js';
import type { TokenStore } from '../../core/ports/token-store.js';
import { JournaledMap, type Journal } from './journal.js';

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class MemoryDomainStore implements DomainStore {
  readonly #rows: JournaledMap<Domain>;

  constructor(journal: Journal) {
    this.#rows = new JournaledMap(journal);
  }

  get(id: string): Promise<Domain | null> {
    return Promise.resolve(this.#rows.get(id) ?? null);
  }

  list(): Promise<Domain[]> {
    return Promise.resolve([...this.#rows.values()].sort(byId));
  }

  upsert(domain: Domain): Promise<void> {
    this.#rows.set(domain.id, domain);
    return Promise.resolve();
  }

  remove(id: string): Promise<void> {
    this.#rows.delete(id);
    return Promise.resolve();
  }
}

export class MemoryWorkTypeStore implements WorkTypeStore {
  readonly #rows: JournaledMap<WorkType>;
  /** The sorted list, kept until the next write: claims read it on every call. */
  #sorted: WorkType[] | null = null;

  constructor(journal: Journal) {
    this.#rows = new JournaledMap(journal);
  }

  get(id: string): Promise<WorkType | null> {
    return Promise.resolve(this.#rows.get(id) ?? null);
  }

  list(): Promise<WorkType[]> {
    this.#sorted ??= [...this.#rows.values()].sort(byId);
    return Promise.resolve([...this.#sorted]);
  }

  upsert(workType: WorkType): Promise<void> {
    this.#sorted = null;
    this.#rows.set(workType.id, workType);
    return Promise.resolve();
  }

  remove(id: string): Promise<void> {
    this.#sorted = null;
    this.#rows.delete(id);
    return Promise.resolve();
  }

  /** Forgets the sorted list after a rollback restored older rows. */
  invalidate(): void {
    this.#sorted = null;
  }
}

export class MemoryActorStore implements ActorStore {
  readonly #rows: JournaledMap<Actor>;
  /** Every actor in id order, kept until the next write: push offers list them on every call. */
  #sorted: Actor[] | null = null;

  constructor(journal: Journal) {
    this.#rows = new JournaledMap(journal);
  }

  /** Forgets the sorted list after a rollback restored older rows. */
  invalidate(): void {
    this.#sorted = null;
  }

  get(id: string): Promise<Actor | null> {
    return Promise.resolve(this.#rows.get(id) ?? null);
  }

  getForUpdate(id: string): Promise<Actor | null> {
    return this.get(id);
  }

  list(
    filter: { kind?: Actor['kind'] | undefined; status?: ActorStatus | undefined } = {},
  ): Promise<Actor[]> {
    this.#sorted ??= [...this.#rows.values()].sort(byId);
    return Promise.resolve(
      this.#sorted.filter(
        (a) =>
          (filter.kind === undefined || a.kind === filter.kind) &&
          (filter.status === undefined || a.status === filter.status),
      ),
    );
  }

  upsert(actor: Actor): Promise<void> {
    this.#sorted = null;
    const existing = this.#rows.get(actor.id);
    // As in SQL: status and heartbeat survive a replace of the configured fields.
    this.#rows.set(
      actor.id,
      existing === undefined
        ? actor
        : { ...actor, status: existing.status, lastHeartbeatAt: existing.lastHeartbeatAt },
    );
    return Promise.resolve();
  }

  remove(id: string): Promise<void> {
    this.#sorted = null;
    this.#rows.delete(id);
    return Promise.resolve();
  }

  setStatus(id: string, status: ActorStatus): Promise<void> {
    const actor = this.#rows.get(id);
    if (actor !== undefined) {
      this.#sorted = null;
      this.#rows.set(id, { ...actor, status });
    }
    return Promise.resolve();
  }

  heartbeat(id: string, at: string): Promise<void> {
    const actor = this.#rows.get(id);
    if (actor !== undefined) {
      this.#sorted = null;
      this.#rows.set(id, { ...actor, lastHeartbeatAt: at });
    }
    return Promise.resolve();
  }
}

export class MemoryTokenStore implements TokenStore {
  readonly #rows: JournaledMap<{ token: ApiToken; hash: string }>;

  constructor(journal: Journal) {
    this.#rows = new JournaledMap(journal);
  }

  findActiveByHash(hash: string): Promise<ApiToken | null> {
    for (const row of this.#rows.values()) {
      if (row.hash === hash && row.token.revokedAt === null) return Promise.resolve(row.token);
    }
    return Promise.resolve(null);
  }

  get(id: string): Promise<ApiToken | null> {
    return Promise.resolve(this.#rows.get(id)?.token ?? null);
  }

  list(): Promise<ApiToken[]> {
    return Promise.resolve([...this.#rows.values()].map((r) => r.token).sort(byId));
  }

  insert(token: ApiToken, secretHash: string): Promise<void> {
    this.#rows.set(token.id, { token, hash: secretHash });
    return Promise.resolve();
  }

  revoke(id: string, at: string): Promise<void> {
    const row = this.#rows.get(id);
    if (row !== undefined) this.#rows.set(id, { ...row, token: { ...row.token, revokedAt: at } });
    return Promise.resolve();
  }
}

export class MemoryOrganizationStore implements OrganizationStore {
  readonly #rows: JournaledMap<Organization>;

  constructor(journal: Journal) {
    this.#rows = new JournaledMap(journal);
  }

  get(): Promise<Organization | null> {
    return Promise.resolve(this.#rows.get('') ?? null);
  }

  revision(): Promise<number> {
    return Promise.resolve(this.#rows.get('')?.revision ?? 0);
  }

  set(organization: Organization): Promise<void> {
    this.#rows.set('', organization);
    return Promise.resolve();
  }
}
