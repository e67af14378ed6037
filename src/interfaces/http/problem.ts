import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  type ZodFastifySchemaValidationError,
} from 'fastify-type-provider-zod';
import { ERROR_TABLE } from '../../core/error-table.js';
import { DomainError, isDomainError, type ErrorCode, type FieldIssue } from '../../core/errors.js';

/** An RFC 9457 problem document, with the offending fields under `errors`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: ErrorCode;
  errors?: FieldIssue[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Fastify's own request errors, by code, as domain codes. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'validation_failed',
  FST_ERR_CTP_INVALID_JSON_BODY: 'validation_failed',
};

function fromZodValidation(
  validation: readonly ZodFastifySchemaValidationError[],
  context: string,
): DomainError {
  const issues = validation.flatMap((issue): FieldIssue[] => {
    const base = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    const prefix = context === 'body' ? '' : `${context}.`;
    const keys = (issue.params as { keys?: unknown }).keys;
    if (issue.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
      return (keys as string[]).map((key) => ({
        path: `${prefix}${base === '' ? key : `${base}.${key}`}`,
        message: 'unknown field',
      }));
    }
    return [{ path: `${prefix}${base}` || context, message: issue.message ?? 'invalid' }];
  });
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return new DomainError('validation_failed', `invalid ${context}: ${summary}`, { issues });
}

/** Any error a request can end in, as a domain error; unknown failures become `internal`. */
export function toDomainError(error: unknown): DomainError {
  if (isDomainError(error)) return error;
  const fastifyError = error as Partial<FastifyError> & { validationContext?: string };
  if (hasZodFastifySchemaValidationErrors(error)) {
    return fromZodValidation(error.validation, fastifyError.validationContext ?? 'body');
  }
  const mapped = fastifyError.code === undefined ? undefined : FASTIFY_CODES[fastifyError.code];
  if (mapped !== undefined) {
    return new DomainError(
      mapped,
      fastifyError.message ?? mapped,
      mapped === 'validation_failed'
        ? { issues: [{ path: 'body', message: fastifyError.message ?? 'malformed' }] }
        : {},
    );
  }
  if (
    typeof fastifyError.statusCode === 'number' &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  ) {
    return new DomainError('validation_failed', fastifyError.message ?? 'bad request');
  }
  return new DomainError('internal', 'internal error', { cause: error });
}

export function problemOf(error: DomainError, instance: string): Problem {
  const mapping = ERROR_TABLE[error.code];
  return {
    type: `urn:autonomy:problem:${error.code}`,
    title: mapping.title,
    status: mapping.status,
    detail: error.message,
    instance,
    code: error.code,
    ...(error.issues.length > 0 ? { errors: [...error.issues] } : {}),
    ...error.details,
  };
}

export async function sendProblem(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const domainError = toDomainError(error);
  if (domainError.code === 'internal') request.log.error({ err: error }, 'request failed');
  const problem = problemOf(domainError, request.url);
  if (domainError.code === 'unauthenticated') void reply.header('www-authenticate', 'Bearer');
  const retryAfter = domainError.details.retryAfterSeconds;
  if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
  await reply.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}
