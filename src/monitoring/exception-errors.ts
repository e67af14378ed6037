import { DomainError } from '../core/errors.js';
import type { ExceptionRecord } from '../core/exception.js';

export const changedConcurrently = (id: string): DomainError =>
  new DomainError('conflict', `exception '${id}' was changed concurrently; retry`, {
    details: { exception: id },
  });

export function illegalExceptionTransition(
  exception: ExceptionRecord,
  action: string,
): DomainError {
  return new DomainError(
    'illegal_transition',
    `exception '${exception.id}' is ${exception.state}: it cannot be ${action}`,
    { details: { exception: exception.id, state: exception.state } },
  );
}
