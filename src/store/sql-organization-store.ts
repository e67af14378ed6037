import type { Kysely } from 'kysely';
import type { Organization, OrganizationStore } from '../core/ports/organization-store.js';
import type { Objective } from '../core/objective-config.js';
import type { AuthorityConfig } from '../core/authority-config.js';
import type { Budget } from '../core/budget-config.js';
import type { RoutingConfig } from '../core/route-config.js';
import type { SloDefinition } from '../core/slo-config.js';
import { parseJson, toJson } from './json-column.js';
import type { Database } from './schema.js';

export class SqlOrganizationStore implements OrganizationStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(): Promise<Organization | null> {
    const row = await this.db
      .selectFrom('organization')
      .selectAll()
      .where('id', '=', 1)
      .executeTakeFirst();
    return row === undefined
      ? null
      : {
          name: row.name,
          description: row.description,
          revision: row.revision,
          appliedAt: row.applied_at,
          appliedBy: row.applied_by,
          ...(row.routing === null ? {} : { routing: parseJson<RoutingConfig>(row.routing) }),
          ...(row.slos === null ? {} : { slos: parseJson<SloDefinition[]>(row.slos) }),
          ...(row.objectives === null
            ? {}
            : { objectives: parseJson<Objective[]>(row.objectives) }),
          ...(row.authority === null
            ? {}
            : { authority: parseJson<AuthorityConfig>(row.authority) }),
          ...(row.budgets === null ? {} : { budgets: parseJson<Budget[]>(row.budgets) }),
        };
  }

  async revision(): Promise<number> {
    const row = await this.db
      .selectFrom('organization')
      .select('revision')
      .where('id', '=', 1)
      .executeTakeFirst();
    return row?.revision ?? 0;
  }

  async set(organization: Organization): Promise<void> {
    const values = {
      name: organization.name,
      description: organization.description,
      revision: organization.revision,
      applied_at: organization.appliedAt,
      applied_by: organization.appliedBy,
      routing: organization.routing === undefined ? null : toJson(organization.routing),
      slos: organization.slos === undefined ? null : toJson(organization.slos),
      objectives: organization.objectives === undefined ? null : toJson(organization.objectives),
      authority: organization.authority === undefined ? null : toJson(organization.authority),
      budgets: organization.budgets === undefined ? null : toJson(organization.budgets),
    };
    await this.db
      .insertInto('organization')
      .values({ id: 1, ...values })
      .onConflict((oc) => oc.column('id').doUpdateSet(values))
      .execute();
  }
}
