import { ERROR_TABLE } from '../../core/error-table.js';
import { isDomainError } from '../../core/errors.js';
import type { CliIo } from './cli-context.js';
import { EXIT_UNEXPECTED } from './exit-codes.js';

/**
 * Prints a failed command's error and returns its exit code. Domain errors are expected: their
 * message and one line per offending field, with the exit code the error table gives. Anything
 * else is a fault: one line, because a stack trace helps nobody but a developer, who can ask
 * for it with AUTONOMY_DEBUG=1.
 */
export function reportError(
  error: unknown,
  io: CliIo,
  options: { json: boolean; debug: boolean },
): number {
  if (isDomainError(error)) {
    const mapping = ERROR_TABLE[error.code];
    if (options.json) {
      const body = {
        code: error.code,
        title: mapping.title,
        message: error.message,
        issues: error.issues,
        details: error.details,
      };
      io.stderr(`${JSON.stringify({ error: body })}\n`);
    } else {
      io.stderr(`error: ${error.message}\n`);
      for (const issue of error.issues)
        io.stderr(`  ${issue.path === '' ? '' : `${issue.path}: `}${issue.message}\n`);
    }
    if (options.debug && error.cause !== undefined) io.stderr(`${describeCause(error.cause)}\n`);
    return mapping.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n', 1)[0] ?? '';
  if (options.json)
    io.stderr(`${JSON.stringify({ error: { code: 'internal', message: firstLine } })}\n`);
  else io.stderr(`error: ${firstLine}\n`);
  if (options.debug) io.stderr(`${describeCause(error)}\n`);
  return EXIT_UNEXPECTED;
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const own = error.stack ?? error.message;
  return error.cause === undefined ? own : `${own}\ncaused by: ${describeCause(error.cause)}`;
}
