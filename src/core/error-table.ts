import type { ErrorCode } from './errors.js';

export interface ErrorMapping {
  /** HTTP status of the RFC 9457 problem. */
  status: number;
  title: string;
  /** Exit code of the `autonomy` command. */
  exitCode: number;
  /** JSON-RPC error code for MCP tool errors. */
  mcpCode: number;
}

/** The single mapping of domain error codes to every interface. Exhaustive by type. */
export const ERROR_TABLE: Record<ErrorCode, ErrorMapping> = {
  validation_failed: { status: 400, title: 'Invalid request', exitCode: 2, mcpCode: -32602 },
  invalid_config: { status: 422, title: 'Invalid configuration', exitCode: 2, mcpCode: -32602 },
  not_found: { status: 404, title: 'Not found', exitCode: 3, mcpCode: -32602 },
  unknown_reference: { status: 422, title: 'Unknown reference', exitCode: 3, mcpCode: -32602 },
  illegal_transition: {
    status: 409,
    title: 'Illegal state transition',
    exitCode: 4,
    mcpCode: -32600,
  },
  conflict: { status: 409, title: 'Conflict', exitCode: 4, mcpCode: -32600 },
  dependency_cycle: { status: 422, title: 'Dependency cycle', exitCode: 4, mcpCode: -32602 },
  capacity_exceeded: { status: 409, title: 'Capacity exceeded', exitCode: 4, mcpCode: -32600 },
  unauthenticated: { status: 401, title: 'Unauthenticated', exitCode: 5, mcpCode: -32001 },
  forbidden: { status: 403, title: 'Forbidden', exitCode: 5, mcpCode: -32001 },
  approval_required: { status: 403, title: 'Approval required', exitCode: 5, mcpCode: -32001 },
  // 402: the request is sound and allowed, but the budget that pays for it is spent.
  budget_exhausted: { status: 402, title: 'Budget exhausted', exitCode: 5, mcpCode: -32001 },
  // 429 with Retry-After (the seconds to the next minute), as HTTP rate limiting answers.
  rate_limited: { status: 429, title: 'Rate limited', exitCode: 6, mcpCode: -32001 },
  payload_too_large: { status: 413, title: 'Payload too large', exitCode: 2, mcpCode: -32602 },
  unsupported_media_type: {
    status: 415,
    title: 'Unsupported media type',
    exitCode: 2,
    mcpCode: -32602,
  },
  unavailable: { status: 503, title: 'Unavailable', exitCode: 6, mcpCode: -32603 },
  internal: { status: 500, title: 'Internal error', exitCode: 1, mcpCode: -32603 },
};
