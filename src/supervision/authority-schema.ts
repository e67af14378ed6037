import {
  BUILTIN_ACTIONS,
  WORK_CLASS,
  type AuthorityResource,
  type ContextType,
  type CustomAction,
} from '../core/authority-config.js';

/** Cedar entity type names, as policies write them (`principal is Actor`). */
export const ENTITY = { actor: 'Actor', domain: 'Domain', workItem: 'WorkItem' } as const;

const RESOURCE_TYPE: Record<AuthorityResource, string> = {
  workItem: ENTITY.workItem,
  domain: ENTITY.domain,
};

/** The trust classes of an organization: `work` for the built-in actions, then each custom one's. */
export function trustClasses(actions: readonly CustomAction[]): string[] {
  return [...new Set([WORK_CLASS, ...actions.map((a) => a.class)])];
}

function contextAttribute(name: string, type: ContextType): string {
  const optional = type.endsWith('?');
  return `${JSON.stringify(name)}${optional ? '?' : ''}: ${type.replace('?', '')}`;
}

/**
 * The Cedar schema policies are validated against, generated from the organization: actors
 * (members of their domains, with their kind, domains and a trust level per action class),
 * domains, work items (in their work type's domain), the built-in work actions on work items,
 * and the custom actions with the context shape the file declares.
 */
export function authoritySchema(actions: readonly CustomAction[]): string {
  const trust = trustClasses(actions)
    .map((c) => `${JSON.stringify(c)}: Long`)
    .join(', ');
  const lines = [
    `entity ${ENTITY.domain} = { name: String };`,
    `entity ${ENTITY.actor} in [${ENTITY.domain}] = {`,
    '  kind: String,',
    '  name: String,',
    `  domains: Set<${ENTITY.domain}>,`,
    '  skills: Set<String>,',
    `  trust: { ${trust} },`,
    '};',
    `entity ${ENTITY.workItem} in [${ENTITY.domain}] = {`,
    '  title: String,',
    '  type: String,',
    `  domain: ${ENTITY.domain},`,
    '  stage?: String,',
    '  state: String,',
    '  priority: String,',
    '  attempts: Long,',
    `  owner?: ${ENTITY.actor},`,
    '};',
    `action ${BUILTIN_ACTIONS.map((a) => JSON.stringify(a)).join(', ')}`,
    `  appliesTo { principal: ${ENTITY.actor}, resource: ${ENTITY.workItem}, context: {} };`,
  ];
  for (const action of actions) {
    const resources = action.appliesTo.map((r) => RESOURCE_TYPE[r]).join(', ');
    const context = Object.entries(action.context)
      .map(([name, type]) => contextAttribute(name, type))
      .join(', ');
    lines.push(
      `action ${JSON.stringify(action.id)}`,
      `  appliesTo { principal: ${ENTITY.actor}, resource: [${resources}], context: { ${context} } };`,
    );
  }
  return lines.join('\n') + '\n';
}
