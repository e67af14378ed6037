import { z } from 'zod';
import {
  BUILTIN_ACTIONS,
  WORK_CLASS,
  customActionSchema,
  isEmptyAuthority,
  policyEntrySchema,
  type AuthorityConfig,
} from './authority-config.js';
import { budgetSchema, toBudget, toBudgetDocument, type Budget } from './budget-config.js';
import { formatDuration, parseDuration } from './duration.js';
import { DomainError } from './errors.js';
import {
  DEFAULT_MAX_ATTEMPTS,
  type Actor,
  type Domain,
  type SkillLevel,
  type WorkType,
} from './model.js';
import {
  DOMAIN_OWNERS_TARGET,
  checkRoutingConfig,
  isEmptyRoutingConfig,
  routingConfigShape,
  toRoutingConfig,
  type RoutingConfig,
} from './route-config.js';
import {
  objectiveSchema,
  toObjective,
  toObjectiveDocument,
  type Objective,
} from './objective-config.js';
import { toTrustConfig, toTrustDocument, trustConfigSchema } from './trust.js';
import {
  openSloDocumentSchema,
  resolveOpenSlo,
  toOpenSloDocument,
  type OpenSloDocument,
  type SloDefinition,
} from './slo-config.js';

export const idSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,62}$/,
    'lowercase letters, digits, ".", "_" or "-", at most 63 characters',
  );

export const skillsSchema = z.record(
  z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'skill names are lowercase identifiers'),
  z.number().int().min(1).max(5),
);

/** A duration as written in files (`90s`, `30m`, `1h30m`, or seconds), parsed to seconds. */
export const durationSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const seconds = parseDuration(value);
  if (seconds === null) {
    ctx.addIssue({
      code: 'custom',
      message: `'${value}' is not a duration (e.g. 90s, 30m, 4h, 2d, 1h30m)`,
    });
    return z.NEVER;
  }
  return seconds;
});

const domainSchema = z.strictObject({
  id: idSchema,
  name: z.string().min(1),
  description: z.string().default(''),
  owners: z.array(idSchema).default([]),
  /** Whether critical work may take the place of the domain's lowest-priority unstarted work. */
  preemption: z.boolean().default(false),
});

const actorSchema = z.strictObject({
  id: idSchema,
  kind: z.enum(['human', 'agent']),
  name: z.string().min(1),
  domains: z.array(idSchema).default([]),
  skills: skillsSchema.default({}),
  capacity: z.number().int().min(1).max(10_000),
  /** pull: the actor asks for work (claims); push: the engine offers it work to accept or reject. */
  mode: z.enum(['pull', 'push']).default('pull'),
  /** What an hour of the actor's work costs; push matching prefers the cheaper when others tie. */
  costPerHour: z.number().min(0).default(0),
});

/** One step of a staged work type; its name defaults to its id. */
const stageSchema = z.strictObject({
  id: idSchema,
  name: z.string().min(1).optional(),
  requiredSkills: skillsSchema.default({}),
  /** Defaults to an equal share of the work type's expectedDuration. */
  expectedDuration: durationSchema.optional(),
});

const workTypeSchema = z.strictObject({
  id: idSchema,
  domain: idSchema,
  name: z.string().min(1),
  description: z.string().default(''),
  requiredSkills: skillsSchema.default({}),
  expectedDuration: durationSchema,
  sla: durationSchema,
  /** Attempts before failing work stops being retried on another actor. */
  maxAttempts: z.number().int().min(1).max(100).default(DEFAULT_MAX_ATTEMPTS),
  /** Ordered steps, each with its own skills; completing one queues the item for the next. */
  stages: z.array(stageSchema).min(1, 'list at least one stage, or leave stages out').optional(),
});

/**
 * SLOs as OpenSLO documents. In a file they are usually paths (relative to the organization
 * file) that the file reader replaces by the documents they hold, with their own positions in
 * messages; what reaches this schema must be documents, inline.
 */
const slosSchema = z.array(z.unknown()).transform((entries, ctx): OpenSloDocument[] => {
  const documents: OpenSloDocument[] = [];
  entries.forEach((entry, index) => {
    if (typeof entry === 'string') {
      ctx.addIssue({
        code: 'custom',
        path: [index],
        message:
          'a path to an OpenSLO file is read only when applying a file (autonomy apply -f); give the document inline',
      });
      return;
    }
    const parsed = openSloDocumentSchema.safeParse(entry);
    if (parsed.success) documents.push(parsed.data);
    else
      for (const issue of parsed.error.issues)
        ctx.addIssue({ ...issue, path: [index, ...issue.path] });
  });
  return documents;
});

/**
 * The organization as code: what `autonomy apply` reads. The file is the whole truth: what it
 * does not list is removed on apply (unless live work still refers to it).
 */
export const orgConfigSchema = z
  .strictObject({
    apiVersion: z.literal('autonomy/v1'),
    kind: z.literal('Organization'),
    metadata: z.strictObject({ name: z.string().min(1), description: z.string().optional() }),
    domains: z.array(domainSchema).default([]),
    actors: z.array(actorSchema).default([]),
    workTypes: z.array(workTypeSchema).default([]),
    /** OpenSLO documents (SLO, SLI, Service): paths in a file, documents once read. */
    slos: slosSchema.optional(),
    /** Objectives and their key results. */
    objectives: z.array(objectiveSchema).optional(),
    /** Custom actions agents take besides the work actions, for authority policies to decide. */
    actions: z.array(customActionSchema).default([]),
    /** Cedar policy files deciding what agents may do; none: token roles alone decide. */
    policies: z.array(policyEntrySchema).default([]),
    /** How agents earn trust levels per domain and action class, and lose them. */
    trust: trustConfigSchema.optional(),
    /** Budgets and rate limits per agent: cost per day and month, actions per minute. */
    budgets: z.array(budgetSchema).default([]),
    /** Exception routing in Alertmanager's syntax: `route`, `inhibit_rules`, `time_intervals`. */
    ...routingConfigShape,
  })
  .superRefine((org, ctx) => {
    // A route names a declared receiver, an actor, or the domain's owners.
    const receiverNames = new Set<string>([
      DOMAIN_OWNERS_TARGET,
      ...org.actors.map((a) => a.id),
      ...(org.receivers ?? []).map((r) => r.name),
    ]);
    checkRoutingConfig(
      toRoutingConfig(org),
      (path, message) => {
        ctx.addIssue({ code: 'custom', path, message });
      },
      { receivers: receiverNames },
    );
    const actorIds = new Set(org.actors.map((a) => a.id));
    const declared = new Set<string>();
    (org.receivers ?? []).forEach((receiver, index) => {
      if (declared.has(receiver.name))
        ctx.addIssue({
          code: 'custom',
          path: ['receivers', index, 'name'],
          message: `duplicate receiver '${receiver.name}'`,
        });
      declared.add(receiver.name);
      if (receiver.escalation === undefined && (receiver.webhooks ?? []).length === 0)
        ctx.addIssue({
          code: 'custom',
          path: ['receivers', index],
          message: 'a receiver needs an escalation (who is told) or webhooks (where it is posted)',
        });
      receiver.escalation?.steps.forEach((step, s) => {
        step.notify.forEach((target, t) => {
          if (target !== DOMAIN_OWNERS_TARGET && !actorIds.has(target))
            ctx.addIssue({
              code: 'custom',
              path: ['receivers', index, 'escalation', 'steps', s, 'notify', t],
              message: `unknown actor '${target}' (name an actor id or ${DOMAIN_OWNERS_TARGET})`,
            });
        });
      });
    });
    const unique = (key: 'domains' | 'actors' | 'workTypes' | 'objectives') => {
      const seen = new Set<string>();
      (org[key] ?? []).forEach((entry, index) => {
        if (seen.has(entry.id))
          ctx.addIssue({
            code: 'custom',
            path: [key, index, 'id'],
            message: `duplicate id '${entry.id}'`,
          });
        seen.add(entry.id);
      });
    };
    unique('domains');
    unique('actors');
    unique('workTypes');
    unique('objectives');
    for (const issue of resolveOpenSlo(org.slos ?? []).issues)
      ctx.addIssue({
        code: 'custom',
        path: ['slos', issue.document, ...issue.path],
        message: issue.message,
      });
    const actionIds = new Set<string>(BUILTIN_ACTIONS);
    org.actions.forEach((action, index) => {
      if (actionIds.has(action.id))
        ctx.addIssue({
          code: 'custom',
          path: ['actions', index, 'id'],
          message: (BUILTIN_ACTIONS as readonly string[]).includes(action.id)
            ? `'${action.id}' is a built-in action`
            : `duplicate action '${action.id}'`,
        });
      actionIds.add(action.id);
    });
    const policyNames = new Set<string>();
    org.policies.forEach((entry, index) => {
      const name = typeof entry === 'string' ? entry : entry.name;
      if (policyNames.has(name))
        ctx.addIssue({
          code: 'custom',
          path: ['policies', index],
          message: `policy file '${name}' is listed twice`,
        });
      policyNames.add(name);
    });
    const domains = new Set(org.domains.map((d) => d.id));
    const actors = new Map(org.actors.map((a) => [a.id, a]));
    checkTrustReferences(org, actors, (path, message) => {
      ctx.addIssue({ code: 'custom', path, message });
    });
    const budgeted = new Set<string>();
    org.budgets.forEach((budget, index) => {
      const path = ['budgets', index, 'agent'];
      const actor = actors.get(budget.agent);
      if (actor === undefined)
        ctx.addIssue({ code: 'custom', path, message: `unknown actor '${budget.agent}'` });
      else if (actor.kind !== 'agent')
        ctx.addIssue({
          code: 'custom',
          path,
          message: `'${budget.agent}' is a person: budgets are for agents`,
        });
      if (budgeted.has(budget.agent))
        ctx.addIssue({ code: 'custom', path, message: `'${budget.agent}' has two budgets` });
      budgeted.add(budget.agent);
    });
    org.domains.forEach((domain, index) => {
      domain.owners.forEach((owner, o) => {
        if (!actors.has(owner)) {
          ctx.addIssue({
            code: 'custom',
            path: ['domains', index, 'owners', o],
            message: `unknown actor '${owner}'`,
          });
        }
      });
    });
    org.actors.forEach((actor, index) => {
      actor.domains.forEach((domain, d) => {
        if (!domains.has(domain)) {
          ctx.addIssue({
            code: 'custom',
            path: ['actors', index, 'domains', d],
            message: `unknown domain '${domain}'`,
          });
        }
      });
    });
    (org.objectives ?? []).forEach((objective, index) => {
      if (objective.owner !== undefined && !actors.has(objective.owner))
        ctx.addIssue({
          code: 'custom',
          path: ['objectives', index, 'owner'],
          message: `unknown actor '${objective.owner}'`,
        });
    });
    org.workTypes.forEach((type, index) => {
      if (type.stages !== undefined) {
        const seen = new Set<string>();
        type.stages.forEach((stage, s) => {
          if (seen.has(stage.id))
            ctx.addIssue({
              code: 'custom',
              path: ['workTypes', index, 'stages', s, 'id'],
              message: `duplicate stage id '${stage.id}'`,
            });
          seen.add(stage.id);
        });
        // One place for the skills of each step: a type-wide requirement beside the stages'
        // would leave readers guessing which applies.
        if (Object.keys(type.requiredSkills).length > 0)
          ctx.addIssue({
            code: 'custom',
            path: ['workTypes', index, 'requiredSkills'],
            message: 'a work type with stages names the skills of each stage instead',
          });
      }
      if (!domains.has(type.domain)) {
        ctx.addIssue({
          code: 'custom',
          path: ['workTypes', index, 'domain'],
          message: `unknown domain '${type.domain}'`,
        });
      }
    });
  });

/** Trust rules name agents and action classes the file declares. */
function checkTrustReferences(
  org: {
    trust?:
      | {
          initial: Record<string, Record<string, number>>;
          promotions: { class?: string | undefined }[];
        }
      | undefined;
    actions: { id: string; class?: string | undefined }[];
  },
  actors: ReadonlyMap<string, { kind: string }>,
  issue: (path: (string | number)[], message: string) => void,
): void {
  if (org.trust === undefined) return;
  const classes = new Set([WORK_CLASS, ...org.actions.map((a) => a.class ?? a.id)]);
  const known = [...classes].join(', ');
  for (const [actorId, levels] of Object.entries(org.trust.initial)) {
    if (actors.get(actorId)?.kind !== 'agent')
      issue(['trust', 'initial', actorId], `'${actorId}' is not an agent of the file`);
    for (const c of Object.keys(levels))
      if (!classes.has(c))
        issue(['trust', 'initial', actorId, c], `unknown action class '${c}' (known: ${known})`);
  }
  org.trust.promotions.forEach((rule, index) => {
    if (rule.class !== undefined && !classes.has(rule.class))
      issue(
        ['trust', 'promotions', index, 'class'],
        `unknown action class '${rule.class}' (known: ${known})`,
      );
  });
}

export type OrgConfigInput = z.input<typeof orgConfigSchema>;
export type OrgConfig = z.output<typeof orgConfigSchema>;

/** The stored organization, in model form, as apply compares and writes it. */
export interface OrgModel {
  name: string;
  description: string;
  domains: Domain[];
  actors: Omit<Actor, 'status' | 'lastHeartbeatAt'>[];
  workTypes: WorkType[];
  /** The routing keys as written (absent when the file has none). */
  routing?: RoutingConfig;
  /** Service level objectives (absent when the file has none). */
  slos?: SloDefinition[];
  /** Objectives and key results (absent when the file has none). */
  objectives?: Objective[];
  /** Custom actions and authority policies (absent when the file has neither). */
  authority?: AuthorityConfig;
  /** Budgets and rate limits per agent (absent when the file has none). */
  budgets?: Budget[];
}

/**
 * The authority part of a parsed file. Policy files must have been read by then (the CLI reads
 * them, relative to the organization file): a path left unread is refused, naming the entry.
 */
function toAuthority(config: OrgConfig): AuthorityConfig {
  const policies = config.policies.map((entry, index) => {
    if (typeof entry !== 'string') return entry;
    throw new DomainError('invalid_config', `policy file '${entry}' was not read`, {
      issues: [
        {
          path: `policies.${index}`,
          message:
            'a path is read by the CLI (autonomy apply, serve --apply); over HTTP give the policy inline as { name, text }',
        },
      ],
    });
  });
  return {
    actions: config.actions.map((a) => ({
      id: a.id,
      description: a.description,
      class: a.class ?? a.id,
      appliesTo: [...new Set(a.appliesTo)],
      context: a.context,
    })),
    policies,
    ...(config.trust === undefined ? {} : { trust: toTrustConfig(config.trust) }),
  };
}

export function toOrgModel(config: OrgConfig): OrgModel {
  const routing: RoutingConfig = {
    ...(config.receivers === undefined ? {} : { receivers: config.receivers }),
    ...toRoutingConfig(config),
  };
  const slos = resolveOpenSlo(config.slos ?? []).slos;
  const objectives = (config.objectives ?? []).map(toObjective);
  const authority = toAuthority(config);
  return {
    ...(isEmptyRoutingConfig(routing) ? {} : { routing }),
    ...(slos.length === 0 ? {} : { slos }),
    ...(objectives.length === 0 ? {} : { objectives }),
    ...(isEmptyAuthority(authority) ? {} : { authority }),
    ...(config.budgets.length === 0 ? {} : { budgets: config.budgets.map(toBudget) }),
    name: config.metadata.name,
    description: config.metadata.description ?? '',
    domains: config.domains.map((d) => ({
      id: d.id,
      name: d.name,
      description: d.description,
      owners: d.owners,
      preemption: d.preemption,
    })),
    actors: config.actors.map((a) => ({
      id: a.id,
      kind: a.kind,
      name: a.name,
      domains: a.domains,
      skills: a.skills as Record<string, SkillLevel>,
      capacity: a.capacity,
      mode: a.mode,
      costPerHour: a.costPerHour,
    })),
    workTypes: config.workTypes.map((t) => ({
      id: t.id,
      domainId: t.domain,
      name: t.name,
      description: t.description,
      requiredSkills: t.requiredSkills as Record<string, SkillLevel>,
      expectedDurationSeconds: t.expectedDuration,
      slaSeconds: t.sla,
      maxAttempts: t.maxAttempts,
      stages: (t.stages ?? []).map((stage, _, all) => ({
        id: stage.id,
        name: stage.name ?? stage.id,
        requiredSkills: stage.requiredSkills as Record<string, SkillLevel>,
        // Whole seconds, at least one, so the exported file parses back to the same model.
        expectedDurationSeconds:
          stage.expectedDuration ?? Math.max(1, Math.round(t.expectedDuration / all.length)),
      })),
    })),
  };
}

/** The inverse of parsing: what `autonomy export` writes. */
export function toOrgConfigDocument(model: OrgModel): OrgConfigInput {
  return {
    apiVersion: 'autonomy/v1',
    kind: 'Organization',
    metadata: {
      name: model.name,
      ...(model.description === '' ? {} : { description: model.description }),
    },
    domains: model.domains.map((d) => ({
      id: d.id,
      name: d.name,
      description: d.description,
      owners: [...d.owners],
      preemption: d.preemption,
    })),
    actors: model.actors.map((a) => ({
      id: a.id,
      kind: a.kind,
      name: a.name,
      domains: [...a.domains],
      skills: { ...a.skills },
      capacity: a.capacity,
      mode: a.mode,
      // Left out at its default, so files that never mention cost stay as they were.
      ...(a.costPerHour === 0 ? {} : { costPerHour: a.costPerHour }),
    })),
    workTypes: model.workTypes.map((t) => ({
      id: t.id,
      domain: t.domainId,
      name: t.name,
      description: t.description,
      requiredSkills: { ...t.requiredSkills },
      expectedDuration: formatDuration(t.expectedDurationSeconds),
      sla: formatDuration(t.slaSeconds),
      maxAttempts: t.maxAttempts,
      ...(t.stages.length === 0
        ? {}
        : {
            stages: t.stages.map((stage) => ({
              id: stage.id,
              name: stage.name,
              requiredSkills: { ...stage.requiredSkills },
              expectedDuration: formatDuration(stage.expectedDurationSeconds),
            })),
          }),
    })),
    ...(model.authority === undefined
      ? {}
      : {
          actions: model.authority.actions.map((a) => ({
            id: a.id,
            ...(a.description === '' ? {} : { description: a.description }),
            ...(a.class === a.id ? {} : { class: a.class }),
            appliesTo: [...a.appliesTo],
            context: { ...a.context },
          })),
          // Inline: the stored text is the truth, wherever the files were read from.
          policies: model.authority.policies.map((p) => ({ name: p.name, text: p.text })),
          ...(model.authority.trust === undefined
            ? {}
            : { trust: toTrustDocument(model.authority.trust) }),
        }),
    ...(model.routing === undefined ? {} : model.routing),
    ...(model.slos === undefined ? {} : { slos: model.slos.map(toOpenSloDocument) }),
    ...(model.objectives === undefined
      ? {}
      : { objectives: model.objectives.map(toObjectiveDocument) }),
    ...(model.budgets === undefined ? {} : { budgets: model.budgets.map(toBudgetDocument) }),
  };
}
