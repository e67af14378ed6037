/**
 * The SDK for agents and integrations: a typed HTTP client of the control plane and the pull
 * loop an agent runs. Refusals are values (`Result`), never thrown.
 */
export { AutonomyClient } from './autonomy-client.js';
export type {
  ApprovalRequest,
  AuthorityDecision,
  PerformedAction,
  AutonomyClientOptions,
  Claim,
  MetricPointInput,
  NoWorkReason,
  ResourceRef,
  WorkActionOptions,
} from './autonomy-client.js';
export { runClaimLoop } from './run-claim-loop.js';
export type {
  ClaimLoopOptions,
  LoopEvent,
  LoopSummary,
  WorkHandlerContext,
  WorkOutcome,
} from './run-claim-loop.js';
export type { ApiProblem, Result } from './result.js';
export type { WorkItem } from '../core/model.js';
export type { Approval } from '../core/approval.js';
