import { createHash } from 'node:crypto';
import {
  checkParseSchema,
  policySetTextToParts,
  policyToJson,
  preparsePolicySet,
  preparseSchema,
  validate,
  type DetailedError,
} from '@cedar-policy/cedar-wasm/nodejs';
import type { AuthorityConfig, CustomAction, PolicySource } from '../core/authority-config.js';
import { parseDuration } from '../core/duration.js';
import { DomainError, type FieldIssue } from '../core/errors.js';
import { authoritySchema, trustClasses } from './authority-schema.js';

/** The annotation that makes a permit require approval (unless a plain permit also applies). */
export const APPROVAL_MODE = 'approval';

export interface CompiledPolicy {
  /** The `@id` annotation, or `<file>#<n>` (n counts the file's policies from 0). */
  id: string;
  effect: 'permit' | 'forbid';
  annotations: Record<string, string>;
  /** Whether it is a permit annotated `@mode("approval")`. */
  approval: boolean;
  file: string;
  line: number;
  column: number;
}

/**
 * Policies ready to evaluate: parsed and validated once per configuration, held by the Cedar
 * engine under ids derived from their content (so the same policies are never parsed twice,
 * and different ones never share an id, however many organizations one process serves).
 */
export interface CompiledAuthority {
  policySetId: string;
  schemaName: string;
  /** The Cedar schema text the policies were validated against. */
  schema: string;
  policies: ReadonlyMap<string, CompiledPolicy>;
  actions: ReadonlyMap<string, CustomAction>;
  trustClasses: string[];
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

/**
 * Line and column (both from 1) of a Cedar source offset, which counts UTF-8 bytes; columns
 * count characters, as editors do.
 */
export function lineAndColumn(text: string, byteOffset: number): { line: number; column: number } {
  const before = Buffer.from(text, 'utf8').subarray(0, byteOffset).toString('utf8');
  const lastBreak = before.lastIndexOf('\n');
  return {
    line: before.split('\n').length,
    column: before.length - lastBreak,
  };
}

/** A policy file, and where it was read from when that differs from its name (for messages). */
type PolicyFile = PolicySource & { path?: string };

function issuesOf(file: PolicyFile, errors: readonly DetailedError[]): FieldIssue[] {
  return errors.map((error) => {
    const at = error.sourceLocations?.[0];
    const { line, column } = lineAndColumn(file.text, at?.start ?? 0);
    const label = at?.label === undefined || at.label === null ? '' : ` (${at.label})`;
    const help = error.help === null ? '' : `; ${error.help}`;
    return {
      path: `${file.path ?? file.name}:${line}:${column}`,
      message: `${error.message}${label}${help}`,
    };
  });
}

/** Each policy of one file, with its id, annotations and place. */
function policiesOf(
  file: PolicyFile,
  issues: FieldIssue[],
): { policy: CompiledPolicy; text: string }[] {
  const parts = policySetTextToParts(file.text);
  if (parts.type === 'failure') {
    issues.push(...issuesOf(file, parts.errors));
    return [];
  }
  const found: { policy: CompiledPolicy; text: string }[] = [];
  let searchFrom = 0;
  // Cedar gives each policy back as written, so its place is where its text first appears.
  for (const [index, text] of parts.policies.entries()) {
    const offset = Math.max(0, file.text.indexOf(text, searchFrom));
    searchFrom = offset + text.length;
    const { line, column } = lineAndColumn(
      file.text,
      Buffer.byteLength(file.text.slice(0, offset)),
    );
    const at = `${file.path ?? file.name}:${line}:${column}`;
    const json = policyToJson(text);
    if (json.type === 'failure') {
      issues.push(...issuesOf({ ...file, text }, json.errors));
      continue;
    }
    const annotations = { ...(json.json.annotations ?? {}) };
    const effect = json.json.effect;
    const mode = annotations.mode;
    if (mode !== undefined && (mode !== APPROVAL_MODE || effect !== 'permit'))
      issues.push({
        path: at,
        message:
          effect === 'permit'
            ? `unknown @mode("${mode}"): the only mode is @mode("${APPROVAL_MODE}")`
            : '@mode applies to permits only: a forbid always denies',
      });
    const expires = annotations.expires;
    if (expires !== undefined && parseDuration(expires) === null)
      issues.push({
        path: at,
        message: `@expires("${expires}") is not a duration such as 30m, 2h or 1d`,
      });
    found.push({
      policy: {
        id: annotations.id ?? `${file.name}#${index}`,
        effect,
        annotations,
        approval: effect === 'permit' && mode === APPROVAL_MODE,
        file: file.path ?? file.name,
        line,
        column,
      },
      text,
    });
  }
  if (parts.policy_templates.length > 0)
    issues.push({
      path: `${file.path ?? file.name}:1:1`,
      message: 'policy templates (?principal, ?resource) are not supported: write static policies',
    });
  return found;
}

/**
 * Parses and validates every policy file against the schema generated from the organization,
 * and hands the policies to the Cedar engine once. Every problem is reported at once, each at
 * its file, line and column; with any problem nothing is compiled (DomainError
 * `invalid_config`).
 */
export function compileAuthority(
  config: AuthorityConfig,
  /** Where each policy file was read from, by index, when it differs from its name. */
  paths: readonly string[] = [],
): CompiledAuthority {
  const schema = authoritySchema(config.actions);
  const schemaCheck = checkParseSchema(schema);
  if (schemaCheck.type === 'failure')
    throw new Error(
      `generated Cedar schema does not parse: ${schemaCheck.errors[0]?.message ?? ''}`,
    );
  const issues: FieldIssue[] = [];
  const policies = new Map<string, CompiledPolicy>();
  const texts: Record<string, string> = {};
  for (const [index, source] of config.policies.entries()) {
    const path = paths[index];
    const file: PolicyFile = path === undefined ? source : { ...source, path };
    const validation = validate({ schema, policies: { staticPolicies: file.text } });
    if (validation.type === 'failure') {
      issues.push(...issuesOf(file, validation.errors));
      continue;
    }
    if (validation.validationErrors.length > 0) {
      // Cedar numbers a file's policies policy0, policy1…; name them as decisions will.
      const ids = policiesOf(file, []).map((p) => p.policy.id);
      const named = validation.validationErrors.map((e) => ({
        ...e.error,
        message: e.error.message.replace(
          /`policy(\d+)`/g,
          (whole, n: string) => `\`${ids[Number(n)] ?? whole}\``,
        ),
      }));
      issues.push(...issuesOf(file, named));
      continue;
    }
    for (const { policy, text } of policiesOf(file, issues)) {
      const other = policies.get(policy.id);
      if (other !== undefined) {
        issues.push({
          path: `${policy.file}:${policy.line}:${policy.column}`,
          message: `policy id '${policy.id}' is already used at ${other.file}:${other.line}:${other.column}`,
        });
        continue;
      }
      policies.set(policy.id, policy);
      texts[policy.id] = text;
    }
  }
  if (issues.length > 0) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    throw new DomainError('invalid_config', `invalid authority policies (${count})`, { issues });
  }
  const policySetId = `autonomy-policies-${sha256(schema + JSON.stringify(texts))}`;
  const schemaName = `autonomy-schema-${sha256(schema)}`;
  const preparsed = preparsePolicySet(policySetId, { staticPolicies: texts });
  const preparsedSchema = preparseSchema(schemaName, schema);
  if (preparsed.type === 'failure' || preparsedSchema.type === 'failure')
    throw new Error('Cedar refused policies it had validated');
  return {
    policySetId,
    schemaName,
    schema,
    policies,
    actions: new Map(config.actions.map((a) => [a.id, a])),
    trustClasses: trustClasses(config.actions),
  };
}
