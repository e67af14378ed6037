import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/**
 * Approvals: a person's go-ahead for one agent to take one action on one resource with exactly
 * these arguments, once, before it expires. They live in the kernel because the store
 * implements their port; who may decide and when one may be used is decided in supervision/.
 */

export const APPROVAL_STATES = ['pending', 'approved', 'rejected', 'expired', 'used'] as const;
export type ApprovalState = (typeof APPROVAL_STATES)[number];

/** What an approval is about, as Cedar names it. */
export interface ApprovalResource {
  type: 'WorkItem' | 'Domain';
  id: string;
}

/** A determining policy as the decision named it when the approval was asked for. */
export interface ApprovalPolicy {
  id: string;
  effect: 'permit' | 'forbid';
  annotations: Record<string, string>;
}

/** A webhook told when the approval is decided or expires. */
export interface ApprovalWebhook {
  url: string;
}

export interface Approval {
  id: string;
  state: ApprovalState;
  /** The agent the approval lets act: only it may use it. */
  actorId: string;
  /** Who asked (the agent itself, or the person who asked for it). */
  requestedBy: string;
  action: string;
  /** The action's trust class (`work` for the built-in work actions). */
  actionClass: string;
  resource: ApprovalResource;
  /** The domain of the resource: whose owners approve by default, and the exception's label. */
  domainId: string;
  /** The arguments as asked for: the action's context, or the body of the work request. */
  arguments: Readonly<Record<string, unknown>>;
  /** sha256 of the canonical JSON of `arguments`. */
  argumentsHash: string;
  /** The arguments as approved with edits; null when approved as asked (or not approved). */
  approvedArguments: Readonly<Record<string, unknown>> | null;
  /** The hash a use must match: the approved arguments' when edited, else the requested ones'. */
  approvedHash: string;
  /** Why the agent asks, in its words. */
  justification: string;
  /** The policies that required the approval, with their annotations. */
  policies: readonly ApprovalPolicy[];
  /** Actor ids of the people who may decide (admins may always decide). */
  approvers: readonly string[];
  /** The configuration revision whose policies required it. */
  revision: number;
  webhook: ApprovalWebhook | null;
  /** The ApprovalPending exception that routes it to people, while one is open. */
  exceptionId: string | null;
  createdAt: string;
  expiresAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  /** The approver's reason: required to reject, optional to approve. */
  decisionReason: string | null;
  usedAt: string | null;
  /** Optimistic-concurrency version, bumped on every change. */
  version: number;
}

/** The hash an approval binds its arguments by: sha256 over RFC 8785 canonical JSON. */
export function argumentsHash(args: Readonly<Record<string, unknown>>): string {
  return createHash('sha256').update(canonicalJson(args)).digest('hex');
}

/** One difference between the requested and the approved arguments, by JSON path. */
export interface ArgumentChange {
  path: string;
  /** Absent when the approver added the member. */
  requested?: unknown;
  /** Absent when the approver removed the member. */
  approved?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * What an approver's edits changed: every member added, removed or given another value, by
 * path (`amount`, `address.city`); arrays compare whole. Empty when nothing changed.
 */
export function diffArguments(
  requested: Readonly<Record<string, unknown>>,
  approved: Readonly<Record<string, unknown>>,
  prefix = '',
): ArgumentChange[] {
  const changes: ArgumentChange[] = [];
  const keys = [...new Set([...Object.keys(requested), ...Object.keys(approved)])].sort();
  for (const key of keys) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const before = requested[key];
    const after = approved[key];
    if (isRecord(before) && isRecord(after)) {
      changes.push(...diffArguments(before, after, path));
      continue;
    }
    if (
      before !== undefined &&
      after !== undefined &&
      canonicalJson(before) === canonicalJson(after)
    )
      continue;
    changes.push({
      path,
      ...(before === undefined ? {} : { requested: before }),
      ...(after === undefined ? {} : { approved: after }),
    });
  }
  return changes;
}
