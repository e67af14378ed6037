import { DomainError } from '../core/errors.js';
import type { WorkContext } from './work-context.js';
import type { WorkRequest } from './work-guard.js';

export function assertAllowed(ctx: WorkContext, request: WorkRequest): void {
  const decision = ctx.guard.check(ctx.principal, request);
  if (!decision.allowed)
    throw new DomainError(
      decision.code ?? 'forbidden',
      decision.reason,
      decision.details === undefined ? {} : { details: decision.details },
    );
}
