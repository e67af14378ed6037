import {
  statefulIsAuthorized,
  type CedarValueJson,
  type StatefulAuthorizationCall,
  type EntityJson,
  type TypeAndId,
} from '@cedar-policy/cedar-wasm/nodejs';
import type { PauseRef } from '../core/agent-control.js';
import type { CompiledAuthority } from './compile-authority.js';

export type AuthorityVerdict = 'allow' | 'approval_required' | 'deny';

/** A policy that determined a decision, as the API shows it. */
export interface DeterminingPolicy {
  id: string;
  effect: 'permit' | 'forbid';
  annotations: Record<string, string>;
}

export interface AuthorityDecision {
  decision: AuthorityVerdict;
  /**
   * What decided: for allow, the permits without @mode("approval") that applied; for approval
   * required, the approval permits that applied; for deny, the forbids that applied (none when
   * no permit applied or evaluation failed).
   */
  policies: DeterminingPolicy[];
  /** Evaluation errors; any of them denies. */
  errors: string[];
  reason: string;
  /** The pause of the action's class that denies it whatever the policies say, while in force. */
  pause?: PauseRef;
}

export interface AuthorityRequest {
  principal: TypeAndId;
  action: string;
  resource: TypeAndId;
  context: Record<string, CedarValueJson>;
  /** The principal, the resource and what they refer to (their domains). */
  entities: EntityJson[];
}

const describe = (request: AuthorityRequest) =>
  `${request.principal.type}::"${request.principal.id}" ${request.action} ${request.resource.type}::"${request.resource.id}"`;

/**
 * One authority decision, from one Cedar evaluation: Cedar says allow or deny and which
 * policies applied; the three-valued decision follows from them. Forbid wins (Cedar denies
 * whenever a forbid applies); an allow resting only on permits annotated @mode("approval")
 * requires approval; and anything Cedar could not evaluate — a malformed request, a policy
 * that errored on this request — denies.
 */
/** The Cedar call a request makes against the compiled policies (the benchmark makes it raw). */
export function cedarCall(
  compiled: CompiledAuthority,
  request: AuthorityRequest,
): StatefulAuthorizationCall {
  return {
    principal: request.principal,
    action: { type: 'Action', id: request.action },
    resource: request.resource,
    context: request.context,
    entities: request.entities,
    preparsedPolicySetId: compiled.policySetId,
    preparsedSchemaName: compiled.schemaName,
    validateRequest: true,
  };
}

export function decideAuthority(
  compiled: CompiledAuthority,
  request: AuthorityRequest,
): AuthorityDecision {
  const answer = statefulIsAuthorized(cedarCall(compiled, request));
  if (answer.type === 'failure') {
    const errors = answer.errors.map((e) => e.message);
    return {
      decision: 'deny',
      policies: [],
      errors,
      reason: `denied: the request could not be evaluated (${errors.join('; ')})`,
    };
  }
  const { decision, diagnostics } = answer.response;
  if (diagnostics.errors.length > 0) {
    const errors = diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`);
    return {
      decision: 'deny',
      policies: [],
      errors,
      reason: `denied: a policy could not be evaluated (${errors.join('; ')})`,
    };
  }
  const applied = diagnostics.reason.flatMap((id) => {
    const policy = compiled.policies.get(id);
    return policy === undefined ? [] : [policy];
  });
  const shown = (list: typeof applied): DeterminingPolicy[] =>
    list.map((p) => ({ id: p.id, effect: p.effect, annotations: p.annotations }));
  const ids = (list: typeof applied) => list.map((p) => p.id).join(', ');
  if (decision === 'deny') {
    return applied.length === 0
      ? {
          decision: 'deny',
          policies: [],
          errors: [],
          reason: `denied: no policy permits ${describe(request)}`,
        }
      : {
          decision: 'deny',
          policies: shown(applied),
          errors: [],
          reason: `denied by ${ids(applied)}`,
        };
  }
  const plain = applied.filter((p) => !p.approval);
  if (plain.length > 0)
    return {
      decision: 'allow',
      policies: shown(plain),
      errors: [],
      reason: `allowed by ${ids(plain)}`,
    };
  return {
    decision: 'approval_required',
    policies: shown(applied),
    errors: [],
    reason: `approval required by ${ids(applied)}`,
  };
}
