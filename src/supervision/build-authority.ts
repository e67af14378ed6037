import type { CedarValueJson, EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import {
  BUILTIN_ACTIONS,
  isEmptyAuthority,
  WORK_CLASS,
  type AuthorityConfig,
  type CustomAction,
} from '../core/authority-config.js';
import { isDomainError } from '../core/errors.js';
import type { Actor, Domain, WorkItem, WorkType } from '../core/model.js';
import { DEFAULT_TRUST_CONFIG, type TrustConfig } from '../core/trust.js';
import { authoritySchema, ENTITY, trustClasses } from './authority-schema.js';
import { compileAuthority, type CompiledAuthority } from './compile-authority.js';
import type { TrustLevels } from './trust-levels.js';
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
  /** The action classes trust is earned in: `work`, then each custom action's. */
  trustClasses: string[];
  /** The custom actions the organization declares, by id (with policies or without). */
  actions: ReadonlyMap<string, CustomAction>;
  /** How trust is earned and lost in this revision (the defaults when the file says nothing). */
  trust: TrustConfig;
  decide(
    actorId: string,
    action: string,
    resource: AuthorityResource,
    context?: Record<string, CedarValueJson>,
    /**
     * The actor's trust levels read in the request's transaction: `principal.trust` is its
     * level in each class for the resource's domain. Without it, the file's initial levels.
     */
    trust?: TrustLevels,
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
    trust?: TrustLevels,
  ) => AuthorityRequest | string;
  /** The compiled policies (absent when none are configured or they fail to compile). */
  compiled?: CompiledAuthority;
}

const BUILTIN = new Set<string>(BUILTIN_ACTIONS);

/**
 * The class an action counts in, for trust and for pauses: `work` for the work actions, a
 * custom action's declared class (by default its id).
 */
export const actionClassOf = (authority: Pick<Authority, 'actions'>, action: string): string =>
  BUILTIN.has(action) ? WORK_CLASS : (authority.actions.get(action)?.class ?? action);

const ref = (type: string, id: string): CedarValueJson => ({ __entity: { type, id } });

function actorEntity(
  actor: Omit<Actor, 'status' | 'lastHeartbeatAt'>,
  classes: string[],
  initial: Readonly<Record<string, number>> = {},
): EntityJson {
  return {
    uid: { type: ENTITY.actor, id: actor.id },
    attrs: {
      kind: actor.kind,
      name: actor.name,
      domains: actor.domains.map((d) => ref(ENTITY.domain, d)),
      skills: Object.keys(actor.skills),
      // The file's initial levels (0 where it names none); decisions put the levels in force.
      trust: Object.fromEntries(classes.map((c) => [c, initial[c] ?? 0])),
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
  const trust = {
    trustClasses: trustClasses(config?.actions ?? []),
    trust: config?.trust ?? DEFAULT_TRUST_CONFIG,
    actions: new Map((config?.actions ?? []).map((a) => [a.id, a])),
  };
  if (config === undefined || isEmptyAuthority(config) || config.policies.length === 0)
    return {
      revision,
      ...trust,
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
    return { revision, ...trust, configured: true, schema: null, decide: () => deny(why) };
  }
  const initial = config.trust?.initial ?? {};
  const actors = new Map(
    org.actors.map((a) => [a.id, actorEntity(a, compiled.trustClasses, initial[a.id])]),
  );
  const domains = new Map(org.domains.map((d) => [d.id, domainEntity(d)]));
  const typeDomain = new Map(org.workTypes.map((t) => [t.id, t.domainId]));
  const domainsOf = (ids: Iterable<string>) =>
    [...new Set(ids)].flatMap((id) => {
      const entity = domains.get(id);
      return entity === undefined ? [] : [entity];
    });

  const request: Authority['request'] = (actorId, action, resource, context = {}, trust) => {
    const principal = actors.get(actorId);
    if (principal === undefined) return `actor '${actorId}' is not in the organization`;
    const entities: EntityJson[] = [principal];
    const domainIds = principal.parents.map((p) => ('id' in p ? p.id : p.__entity.id));
    const withTrust = (domainId: string) => {
      if (trust !== undefined)
        entities[0] = {
          ...principal,
          attrs: {
            ...principal.attrs,
            trust: trust.classLevels(actorId, domainId, compiled.trustClasses),
          },
        };
    };
    let target: TypeAndId;
    if (resource.kind === 'domain') {
      target = { type: ENTITY.domain, id: resource.id };
      domainIds.push(resource.id);
      withTrust(resource.id);
    } else {
      const item = resource.item;
      const domainId = typeDomain.get(item.typeId);
      if (domainId === undefined) return `work type '${item.typeId}' is not configured`;
      target = { type: ENTITY.workItem, id: item.id };
      domainIds.push(domainId);
      withTrust(domainId);
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
    ...trust,
    configured: true,
    schema: compiled.schema,
    compiled,
    request,
    decide(actorId, action, resource, context, trust) {
      const built = request(actorId, action, resource, context, trust);
      return typeof built === 'string' ? deny(built) : decideAuthority(compiled, built);
    },
  };
}
