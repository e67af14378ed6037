/**
 * What a call to the control plane ends in. Refusals the control plane answers (a 4xx or 5xx
 * problem document: forbidden, approval required, a conflict) are values, so an agent handles
 * them where it calls; only a fault of the caller's own program throws.
 */
export type Result<T> = { ok: true; value: T } | { ok: false; problem: ApiProblem };

/**
 * An RFC 9457 problem as the control plane answers it, or as the client makes one when the
 * server could not be reached (`status` 0, `code` `unavailable`).
 */
export interface ApiProblem {
  status: number;
  /** The domain error code: `forbidden`, `approval_required`, `conflict`, `not_found`, … */
  code: string;
  title: string;
  detail: string;
  /** The fields at fault, for a refused request body or query. */
  errors?: { path: string; message: string }[];
  /** Everything else the problem carries (policies that decided, current state, …). */
  [extension: string]: unknown;
}

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T>(problem: ApiProblem): Result<T> => ({ ok: false, problem });
