import { BUILTIN_ACTIONS, type CustomAction } from '../core/authority-config.js';
import type { Domain, WorkItem, WorkType } from '../core/model.js';
import type { Authority } from './build-authority.js';

/** What the policies answer, or that the answer depends on the arguments (required context). */
export type MappedDecision = 'allow' | 'approval_required' | 'deny' | 'depends_on_arguments';

export interface AuthorityMap {
  actorId: string;
  revision: number;
  configured: boolean;
  /** Work actions on a typical item of each work type, by action. */
  work: { workType: string; domain: string; actions: Record<string, MappedDecision> }[];
  /** Custom actions on each resource kind they apply to. */
  custom: {
    action: string;
    class: string;
    resource: { type: 'WorkItem' | 'Domain'; id: string };
    decision: MappedDecision;
    /** The context the action takes: with required members the answer depends on them. */
    context: Record<string, string>;
  }[];
}

/** Actions taken on work waiting in the queue; the others on work the actor holds. */
const ON_QUEUED = new Set(['create', 'claim', 'assign', 'offer']);

/** A typical item of a type, as the actor would meet it for `action`. */
function typicalItem(
  type: Pick<WorkType, 'id' | 'name'>,
  actorId: string,
  action: string,
): WorkItem {
  const base = {
    id: `typical-${type.id}`,
    typeId: type.id,
    title: type.name,
    payload: {},
    value: 1,
    dueAt: null,
    priorityClass: 'normal' as const,
    dependsOn: [],
    stageId: null,
    priority: 0,
    attempts: 0,
    failedBy: [],
    declinedBy: [],
    startedAt: null,
    version: 1,
    createdAt: '1970-01-01T00:00:00.000Z',
    updatedAt: '1970-01-01T00:00:00.000Z',
  };
  return ON_QUEUED.has(action)
    ? { ...base, state: 'queued', ownerId: null, offeredTo: null, leaseExpiresAt: null }
    : {
        ...base,
        attempts: 1,
        state: 'in_progress',
        ownerId: actorId,
        offeredTo: null,
        leaseExpiresAt: '1970-01-01T00:00:00.000Z',
      };
}

/**
 * Which actions an actor may take where, as the policies in force answer (and the pauses, when
 * `authority` is pause-aware): each work action on a typical item of each work type (normal
 * priority; queued for claims, held by the actor for the rest), and each custom action the
 * organization declares on each domain or work type it applies to. A custom
 * action whose context has required members cannot be answered without them
 * (`depends_on_arguments`: ask check_authority with the real arguments).
 */
export function authorityMap(
  authority: Authority,
  actorId: string,
  org: {
    domains: readonly Pick<Domain, 'id'>[];
    workTypes: readonly Pick<WorkType, 'id' | 'name' | 'domainId'>[];
  },
): AuthorityMap {
  const answer = (verdict: { decision: MappedDecision }) => verdict.decision;
  const work = org.workTypes.map((type) => ({
    workType: type.id,
    domain: type.domainId,
    actions: Object.fromEntries(
      BUILTIN_ACTIONS.map((action) => [
        action,
        answer(
          authority.decide(actorId, action, {
            kind: 'workItem',
            item: typicalItem(type, actorId, action),
          }),
        ),
      ]),
    ),
  }));
  const actions: readonly CustomAction[] = [...authority.actions.values()];
  const custom: AuthorityMap['custom'] = [];
  for (const action of actions) {
    const required = Object.values(action.context).some((t) => !t.endsWith('?'));
    const decide = (target: Parameters<Authority['decide']>[2]): MappedDecision =>
      required ? 'depends_on_arguments' : answer(authority.decide(actorId, action.id, target, {}));
    const targets: {
      resource: AuthorityMap['custom'][number]['resource'];
      decision: MappedDecision;
    }[] = [];
    if (action.appliesTo.includes('domain'))
      for (const domain of org.domains)
        targets.push({
          resource: { type: 'Domain', id: domain.id },
          decision: decide({ kind: 'domain', id: domain.id }),
        });
    if (action.appliesTo.includes('workItem'))
      for (const type of org.workTypes)
        targets.push({
          resource: { type: 'WorkItem', id: `typical-${type.id}` },
          decision: decide({ kind: 'workItem', item: typicalItem(type, actorId, action.id) }),
        });
    for (const target of targets)
      custom.push({
        action: action.id,
        class: action.class,
        ...target,
        context: { ...action.context },
      });
  }
  return { actorId, revision: authority.revision, configured: authority.configured, work, custom };
}
