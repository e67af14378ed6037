import type { Kysely, Selectable } from 'kysely';
import type { Domain, WorkType } from '../core/model.js';
import type { DomainStore, WorkTypeStore } from '../core/ports/config-store.js';
import { parseJson, toJson } from './json-column.js';
import type { Database, DomainsTable, WorkTypesTable } from './schema.js';

const toDomain = (row: Selectable<DomainsTable>): Domain => ({
  id: row.id,
  name: row.name,
  description: row.description,
  owners: parseJson(row.owners),
  preemption: row.preemption === 1,
});

export class SqlDomainStore implements DomainStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(id: string): Promise<Domain | null> {
    const row = await this.db
      .selectFrom('domains')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? null : toDomain(row);
  }

  async list(): Promise<Domain[]> {
    return (await this.db.selectFrom('domains').selectAll().orderBy('id').execute()).map(toDomain);
  }

  async upsert(domain: Domain): Promise<void> {
    const values = {
      name: domain.name,
      description: domain.description,
      owners: toJson(domain.owners),
      preemption: domain.preemption ? 1 : 0,
    };
    await this.db
      .insertInto('domains')
      .values({ id: domain.id, ...values })
      .onConflict((oc) => oc.column('id').doUpdateSet(values))
      .execute();
  }

  async remove(id: string): Promise<void> {
    await this.db.deleteFrom('domains').where('id', '=', id).execute();
  }
}

const toWorkType = (row: Selectable<WorkTypesTable>): WorkType => ({
  id: row.id,
  domainId: row.domain_id,
  name: row.name,
  description: row.description,
  requiredSkills: parseJson(row.required_skills),
  expectedDurationSeconds: row.expected_duration_seconds,
  slaSeconds: row.sla_seconds,
  maxAttempts: row.max_attempts,
  stages: parseJson(row.stages),
});

export class SqlWorkTypeStore implements WorkTypeStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(id: string): Promise<WorkType | null> {
    const row = await this.db
      .selectFrom('work_types')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? null : toWorkType(row);
  }

  async list(): Promise<WorkType[]> {
    return (await this.db.selectFrom('work_types').selectAll().orderBy('id').execute()).map(
      toWorkType,
    );
  }

  async upsert(workType: WorkType): Promise<void> {
    const values = {
      domain_id: workType.domainId,
      name: workType.name,
      description: workType.description,
      required_skills: toJson(workType.requiredSkills),
      expected_duration_seconds: workType.expectedDurationSeconds,
      sla_seconds: workType.slaSeconds,
      max_attempts: workType.maxAttempts,
      stages: toJson(workType.stages),
    };
    await this.db
      .insertInto('work_types')
      .values({ id: workType.id, ...values })
      .onConflict((oc) => oc.column('id').doUpdateSet(values))
      .execute();
  }

  async remove(id: string): Promise<void> {
    await this.db.deleteFrom('work_types').where('id', '=', id).execute();
  }
}
