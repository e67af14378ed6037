import { z } from 'zod';
import type { TrustConfig } from './trust.js';

/**
 * What an organization file says about the authority of agents: the custom actions agents may
 * take besides the built-in work actions (each with the shape of its context), and the Cedar
 * policies that decide them. Supervision compiles and evaluates them; core only carries them.
 */

/**
 * The work actions every organization has, as Cedar actions on work items: what an agent token
 * does through the API. Their trust class is `work`.
 */
export const BUILTIN_ACTIONS = [
  'create',
  'claim',
  'assign',
  'offer',
  'start',
  'complete',
  'fail',
  'release',
  'pause',
  'resume',
  'retry',
  'cancel',
  'add_dependency',
] as const;
export type BuiltinAction = (typeof BUILTIN_ACTIONS)[number];

/** The trust class of the built-in work actions. */
export const WORK_CLASS = 'work';

/** Cedar types a custom action's context attribute may have; `?` marks it optional. */
export const CONTEXT_TYPES = [
  'String',
  'Long',
  'Bool',
  'Set<String>',
  'String?',
  'Long?',
  'Bool?',
  'Set<String>?',
] as const;
export type ContextType = (typeof CONTEXT_TYPES)[number];

/** The resources an action applies to: work items, domains, or both. */
export const AUTHORITY_RESOURCES = ['workItem', 'domain'] as const;
export type AuthorityResource = (typeof AUTHORITY_RESOURCES)[number];

/** Cedar identifiers, so action names and context keys read the same in policies. */
const cedarIdentifier = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]{0,62}$/,
    'a lowercase identifier: letters, digits and "_", starting with a letter',
  );

export const customActionSchema = z.strictObject({
  id: cedarIdentifier,
  description: z.string().default(''),
  /**
   * The action class trust is earned in (`principal.trust.<class>` in policies); defaults to the
   * action's own id.
   */
  class: cedarIdentifier.optional(),
  appliesTo: z.array(z.enum(AUTHORITY_RESOURCES)).min(1).default(['workItem']),
  context: z.record(cedarIdentifier, z.enum(CONTEXT_TYPES)).default({}),
});

/**
 * A policy file: a path relative to the organization file (read by the CLI), or the text itself
 * with the name it is reported under (what the HTTP API takes, and what export writes).
 */
export const policyEntrySchema = z.union([
  z.string().min(1),
  z.strictObject({ name: z.string().min(1).max(500), text: z.string().max(1_000_000) }),
]);

export interface CustomAction {
  id: string;
  description: string;
  class: string;
  appliesTo: AuthorityResource[];
  context: Record<string, ContextType>;
}

/** One policy file as applied: its name (the path as written in the file) and its text. */
export interface PolicySource {
  name: string;
  text: string;
}

/** The authority part of an organization, as stored with it. */
export interface AuthorityConfig {
  actions: CustomAction[];
  policies: PolicySource[];
  /** How trust is earned and lost (absent: the defaults, every level 0 until earned). */
  trust?: TrustConfig;
}

export function isEmptyAuthority(config: AuthorityConfig | undefined): boolean {
  return (
    config === undefined ||
    (config.actions.length === 0 && config.policies.length === 0 && config.trust === undefined)
  );
}
