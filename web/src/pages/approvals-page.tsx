import { useState } from 'react';
import type { Approval, Page } from '../api/types';
import { ErrorNote } from '../components/badge';
import { ApproveWithEditsDialog } from '../components/approve-with-edits-dialog';
import { ConfirmDialog } from '../components/confirm-dialog';
import { canDecide } from '../can-decide';
import { useApi, useLiveReload } from '../hooks';
import { navigate, useLocation } from '../router';
import { useSession } from '../session';
import { ApprovalCard, type ApprovalDecision } from './approval-card';

const VIEWS = {
  pending: { label: 'Pending', state: 'pending' },
  approved: { label: 'Approved, not yet used', state: 'approved' },
  used: { label: 'Used', state: 'used' },
  rejected: { label: 'Rejected', state: 'rejected' },
  expired: { label: 'Expired', state: 'expired' },
  all: { label: 'All', state: undefined },
} as const;
type View = keyof typeof VIEWS;

const LIMIT = 1000;

/**
 * The approval queue: what agents asked a person's go-ahead for, the exact action and
 * arguments; approve (as asked or with edits) or reject. Decided ones on request.
 */
export function ApprovalsPage() {
  const { api, me } = useSession();
  const { query } = useLocation();
  const asked = query.get('view') ?? 'pending';
  const view: View = asked in VIEWS ? (asked as View) : 'pending';
  const list = useApi(
    (a) => a.get<Page<Approval>>('/v1/approvals', { state: VIEWS[view].state, limit: LIMIT }),
    [view],
  );
  const [pending, setPending] = useState<{ kind: ApprovalDecision; approval: Approval } | null>(
    null,
  );
  useLiveReload(['supervision.approval.'], list.reload);

  // The queue oldest first (who waited longest); decided ones newest first.
  const loaded = list.data?.items ?? [];
  const items = view === 'pending' ? loaded : [...loaded].reverse();
  const path = (approval: Approval) => `/v1/approvals/${encodeURIComponent(approval.id)}`;
  return (
    <section>
      <h1>Approvals</h1>
      <form className="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <label className="field inline">
          Show
          <select
            value={view}
            onChange={(e) =>
              navigate(
                e.target.value === 'pending' ? '/approvals' : `/approvals?view=${e.target.value}`,
                true,
              )
            }
          >
            {Object.entries(VIEWS).map(([key, v]) => (
              <option key={key} value={key}>
                {v.label}
              </option>
            ))}
          </select>
        </label>
        {list.data !== null && (
          <span className="muted" role="status" data-testid="approval-count">
            {items.length}
            {list.data.nextCursor !== null && '+'} {view === 'pending' ? 'waiting' : 'shown'}
          </span>
        )}
      </form>
      <ErrorNote error={list.error} />
      {list.data !== null && items.length === 0 && (
        <p>{view === 'pending' ? 'Nothing waits for a decision.' : 'Nothing here.'}</p>
      )}
      {list.data?.nextCursor != null && <p className="muted">The oldest {LIMIT} are shown.</p>}
      <ul className="approvals">
        {items.map((approval) => (
          <ApprovalCard
            key={approval.id}
            approval={approval}
            onDecide={canDecide(me, approval) ? (kind) => setPending({ kind, approval }) : null}
          />
        ))}
      </ul>
      {pending?.kind === 'approve' && (
        <ConfirmDialog
          title="Approve"
          message={`${pending.approval.actorId} may then ${pending.approval.action} ${pending.approval.resource.type} ${pending.approval.resource.id} once, with exactly the arguments it asked for.`}
          confirmLabel="Approve"
          reason="optional"
          onConfirm={async (reason) => {
            await api.post(`${path(pending.approval)}/approve`, reason === '' ? {} : { reason });
            list.reload();
          }}
          onClose={() => setPending(null)}
        />
      )}
      {pending?.kind === 'edit' && (
        <ApproveWithEditsDialog
          approval={pending.approval}
          onSubmit={async (edits) => {
            await api.post(`${path(pending.approval)}/approve`, edits);
            list.reload();
          }}
          onClose={() => setPending(null)}
        />
      )}
      {pending?.kind === 'reject' && (
        <ConfirmDialog
          title="Reject"
          message={`${pending.approval.actorId} may not ${pending.approval.action} ${pending.approval.resource.type} ${pending.approval.resource.id} with this approval; it is told why.`}
          confirmLabel="Reject"
          danger
          reason
          onConfirm={async (reason) => {
            await api.post(`${path(pending.approval)}/reject`, { reason });
            list.reload();
          }}
          onClose={() => setPending(null)}
        />
      )}
    </section>
  );
}
