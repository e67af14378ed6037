import type { CedarValueJson, EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import { isEmptyAuthority, type AuthorityConfig } from '../core/authority-config.js';
import { isDomainError } from '../core/errors.js';
import type { Actor, Domain, WorkItem, WorkType } from '../core/model.js';
import { authoritySchema, ENTITY } from './authority-schema.js';
import { compileAuthority, type CompiledAuthority } from './compile-authority.js';
import {
  decideAuthority,
  type AuthorityDecision,
  type AuthorityRequest,
} from './decide-authority.js';

/** What a decision is about: a work item (as it is now, or about to be created) or a domain. */
export type AuthorityResource =
  { kind: 'workItem'; item: WorkItem } | { kind: 'domain'; id: string };

/**
 * The authority of one configuration revision: its policies compiled, and the entities of its
 * actors and domains built once, so a decision only adds the resource and asks Cedar.
 */
export interface Authority {
  revision: number;
  /** False when the organization has no policies: token roles alone decide. */
  configured: boolean;
  /** The Cedar schema policies are written against (null when the stored ones fail to compile). */
  schema: string | null;
  decide(
    actorId: string,
    action: string,
    resource: AuthorityResource,
    context?: Record<string, CedarValueJson>,
  ): AuthorityDecision;
  /**
   * The Cedar request a decision evaluates, or why there is none (which denies); for measuring
   * the engine alone. Absent when no policies are configured.
   */
  request?: (
    actorId: string,
    action: string,
    resource: AuthorityResource,
    context?: Record<string, CedarValueJson>,
  ) => AuthorityRequest | string;
  /** The compiled policies (absent when none are configured or they fail to compile). */
  compiled?: CompiledAuthority;
}

const ref = (type: string, id: string): CedarValueJson => ({ __entity: { type, id } });

function actorEntity(
  actor: Omit<Actor, 'status' | 'lastHeartbeatAt'>,
  classes: string[],
): EntityJson {
  return {
    uid: { type: ENTITY.actor, id: actor.id },
    attrs: {
      kind: actor.kind,
      name: actor.name,
      domains: actor.domains.map((d) => ref(ENTITY.domain, d)),
      skills: Object.keys(actor.skills),
      // Every actor starts at level 0 in every class; trust levels are earned later.
      trust: Object.fromEntries(classes.map((c) => [c, 0])),
    },
    parents: actor.domains.map((d) => ({ type: ENTITY.domain, id: d })),
  };
}

const domainEntity = (domain: Pick<Domain, 'id' | 'name'>): EntityJson => ({
  uid: { type: ENTITY.domain, id: domain.id },
  attrs: { name: domain.name },
  parents: [],
});

const deny = (reason: string): AuthorityDecision => ({
  decision: 'deny',
  policies: [],
  errors: [reason],
  reason: `denied: ${reason}`,
});

/**
 * Builds the authority of a revision from the organization as stored. Policies that no longer
 * compile (they were valid when applied; a newer schema may disagree) make every decision a
 * deny naming the problem: authority that cannot be evaluated never allows.
 */
export function buildAuthority(
  revision: number,
  org: {
    authority: AuthorityConfig | undefined;
    actors: readonly Omit<Actor, 'status' | 'lastHeartbeatAt'>[];
    domains: readonly Domain[];
    workTypes: readonly Pick<WorkType, 'id' | 'domainId'>[];
  },
): Authority {
  const config = org.authority;
  if (config === undefined || isEmptyAuthority(config) || config.policies.length === 0)
    return {
      revision,
      configured: false,
      // What policies would be written against, so a first policy can be.
      schema: authoritySchema(config?.actions ?? []),
      decide: () => ({
        decision: 'allow',
        policies: [],
        errors: [],
        reason: 'no authority policies are configured: token roles alone decide',
      }),
    };
  let compiled: CompiledAuthority;
  try {
    compiled = compileAuthority(config);
  } catch (error) {
    const why = isDomainError(error)
      ? `${error.message}: ${error.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`
      : String(error);
    return { revision, configured: true, schema: null, decide: () => deny(why) };
  }
  const actors = new Map(org.actors.map((a) => [a.id, actorEntity(a, compiled.trustClasses)]));
  const domains = new Map(org.domains.map((d) => [d.id, domainEntity(d)]));
  const typeDomain = new Map(org.workTypes.map((t) => [t.id, t.domainId]));
  const domainsOf = (ids: Iterable<string>) =>
    [...new Set(ids)].flatMap((id) => {
      const entity = domains.get(id);
      return entity === undefined ? [] : [entity];
    });

  const request: Authority['request'] = (actorId, action, resource, context = {}) => {
    const principal = actors.get(actorId);
    if (principal === undefined) return `actor '${actorId}' is not in the organization`;
    const entities: EntityJson[] = [principal];
    const domainIds = principal.parents.map((p) => ('id' in p ? p.id : p.__entity.id));
    let target: TypeAndId;
    if (resource.kind === 'domain') {
      target = { type: ENTITY.domain, id: resource.id };
      domainIds.push(resource.id);
    } else {
      const item = resource.item;
      const domainId = typeDomain.get(item.typeId);
      if (domainId === undefined) return `work type '${item.typeId}' is not configured`;
      target = { type: ENTITY.workItem, id: item.id };
      domainIds.push(domainId);
      entities.push({
        uid: target,
        attrs: {
          title: item.title,
          type: item.typeId,
          domain: ref(ENTITY.domain, domainId),
          ...(item.stageId === null ? {} : { stage: item.stageId }),
          state: item.state,
          priority: item.priorityClass,
          attempts: item.attempts,
          ...(item.ownerId === null ? {} : { owner: ref(ENTITY.actor, item.ownerId) }),
        },
        parents: [{ type: ENTITY.domain, id: domainId }],
      });
      const owner = item.ownerId === null ? undefined : actors.get(item.ownerId);
      if (owner !== undefined && item.ownerId !== actorId) entities.push(owner);
    }
    entities.push(...domainsOf(domainIds));
    return { principal: principal.uid as TypeAndId, action, resource: target, context, entities };
  };
  return {
    revision,
    configured: true,
    schema: compiled.schema,
    compiled,
    request,
    decide(actorId, action, resource, context) {
      const built = request(actorId, action, resource, context);
      return typeof built === 'string' ? deny(built) : decideAuthority(compiled, built);
    },
  };
}
