import { useId } from 'react';
import type { Approval } from '../api/types';
import { ArgumentChanges } from '../components/argument-changes';
import { Badge } from '../components/badge';
import { whoMayDecide } from '../can-decide';
import { dateTime, timeAgo } from '../format';
import { Link } from '../router';

export type ApprovalDecision = 'approve' | 'edit' | 'reject';

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/**
 * One approval: the agent, the exact action, resource and arguments, who may decide and until
 * when; once decided, by whom and why (and the diff, when approved with edits). `onDecide` is
 * given only to someone who may decide it.
 */
export function ApprovalCard({
  approval: a,
  onDecide,
}: {
  approval: Approval;
  onDecide: ((decision: ApprovalDecision) => void) | null;
}) {
  const headingId = useId();
  const pending = a.state === 'pending';
  return (
    <li className="approval" data-testid="approval" data-id={a.id}>
      <article aria-labelledby={headingId}>
        <div className="item-head">
          <Badge value={a.state} />
          <h2 id={headingId}>
            {a.actorId} asks to <code>{a.action}</code> {a.resource.type} {a.resource.id}
          </h2>
          <span className="muted">asked {timeAgo(a.createdAt)}</span>
        </div>
        {a.justification !== '' && <p className="justification">“{a.justification}”</p>}
        <dl className="facts">
          <dt>Agent</dt>
          <dd>
            {a.actorId}
            {a.requestedBy !== a.actorId && ` (asked by ${a.requestedBy})`}
          </dd>
          <dt>Action</dt>
          <dd>
            <code>{a.action}</code> <span className="muted">(class {a.actionClass})</span>
          </dd>
          <dt>Resource</dt>
          <dd>
            {a.resource.type === 'WorkItem' ? (
              <Link href={`/work/${encodeURIComponent(a.resource.id)}`}>
                work item {a.resource.id}
              </Link>
            ) : (
              `domain ${a.resource.id}`
            )}{' '}
            <span className="muted">in {a.domainId}</span>
          </dd>
          <dt>May decide</dt>
          <dd data-testid="approvers">{whoMayDecide(a)}</dd>
          {pending ? (
            <>
              <dt>Expires</dt>
              <dd>
                {dateTime(a.expiresAt)} ({timeAgo(a.expiresAt)})
              </dd>
            </>
          ) : (
            <>
              <dt>Decided</dt>
              <dd data-testid="decision">
                {a.decidedBy === null
                  ? `nobody decided by ${dateTime(a.expiresAt)}`
                  : `${a.state === 'rejected' ? 'rejected' : 'approved'} by ${a.decidedBy}, ${dateTime(a.decidedAt)}`}
                {a.decisionReason !== null && a.decisionReason !== '' && `: ${a.decisionReason}`}
              </dd>
            </>
          )}
          {a.usedAt !== null && (
            <>
              <dt>Used</dt>
              <dd>{dateTime(a.usedAt)}</dd>
            </>
          )}
          <dt>Required by</dt>
          <dd>{a.policies.map((p) => p.id).join(', ') || '—'}</dd>
        </dl>
        <h3 className="label">Arguments{a.approvedArguments !== null && ' as requested'}</h3>
        <pre className="arguments" data-testid="arguments" tabIndex={0} aria-label="Arguments">
          {pretty(a.arguments)}
        </pre>
        {a.approvedArguments !== null && (
          <ArgumentChanges changes={a.changes} caption="Approved with these changes" />
        )}
        {pending && onDecide !== null && (
          <div className="actions">
            <button
              type="button"
              className="primary"
              aria-describedby={headingId}
              onClick={() => onDecide('approve')}
            >
              Approve
            </button>
            <button type="button" aria-describedby={headingId} onClick={() => onDecide('edit')}>
              Approve with edits
            </button>
            <button
              type="button"
              className="danger"
              aria-describedby={headingId}
              onClick={() => onDecide('reject')}
            >
              Reject
            </button>
          </div>
        )}
      </article>
    </li>
  );
}
