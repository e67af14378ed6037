/**
 * Every failure a caller can cause has a code from this union. The table in `error-table.ts`
 * maps each code to an HTTP status, an MCP error and a CLI exit code; adding a code here does
 * not compile until that table maps it.
 */
export type ErrorCode =
  | 'validation_failed'
  | 'invalid_config'
  | 'not_found'
  | 'unknown_reference'
  | 'illegal_transition'
  | 'conflict'
  | 'dependency_cycle'
  | 'capacity_exceeded'
  | 'unauthenticated'
  | 'forbidden'
  /** Authority policies allow the action only with a person's approval. */
  | 'approval_required'
  /** The agent's cost budget for the day or month is spent: it takes no new work until the next. */
  | 'budget_exhausted'
  /** The agent made as many work actions this minute as its rate limit allows. */
  | 'rate_limited'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unavailable'
  | 'internal';

/** One problem with one field of the input. `path` is the JSON path within the input. */
export interface FieldIssue {
  path: string;
  message: string;
}

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly issues: readonly FieldIssue[];
  /** Extra machine-readable facts (e.g. the current state and the allowed transitions). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: {
      issues?: readonly FieldIssue[];
      details?: Record<string, unknown>;
      cause?: unknown;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    this.code = code;
    this.issues = options.issues ?? [];
    this.details = options.details ?? {};
  }
}

export const notFound = (what: string, id: string): DomainError =>
  new DomainError('not_found', `${what} '${id}' does not exist`, { details: { [what]: id } });

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
