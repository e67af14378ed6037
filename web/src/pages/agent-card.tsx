import { useId, useState } from 'react';
import type {
  Actor,
  Pause,
  Redirect,
  RedirectResult,
  TrustEntry,
  TrustPromotion,
} from '../api/types';
import { Badge } from '../components/badge';
import { ConfirmDialog } from '../components/confirm-dialog';
import { PauseDialog } from '../components/pause-dialog';
import { RedirectDialog } from '../components/redirect-dialog';
import { timeAgo } from '../format';
import { useSession } from '../session';
import { TrustTable } from './trust-table';

type Pending =
  | { kind: 'pause' }
  | { kind: 'redirect' }
  | { kind: 'lift'; control: Pause | Redirect }
  | { kind: 'promotion'; promotion: TrustPromotion; decision: 'approve' | 'reject' };

const where = (redirect: Redirect) => (redirect.to === null ? 'the queue' : redirect.to);

function describeControl(control: Pause | Redirect): string {
  return control.kind === 'pause'
    ? `its ${control.actionClass} actions are paused`
    : `its work goes to ${where(control)}`;
}

/**
 * One agent's supervision: the pauses and redirect in force (with their lift buttons), its trust
 * per domain and class with the evidence, and its promotions waiting for a person. Who may act
 * (admins and operators, as the API allows) sees the buttons; others see the facts.
 */
export function AgentCard(props: {
  agent: Actor;
  actors: readonly Actor[];
  classes: readonly string[];
  trust: readonly TrustEntry[];
  promotions: readonly TrustPromotion[];
  pauses: readonly Pause[];
  redirect: Redirect | null;
  /** Something changed through this card: read the controls and trust again. */
  onChanged: () => void;
}) {
  const { api, canOperate } = useSession();
  const { agent, pauses, redirect } = props;
  const headingId = useId();
  const [pending, setPending] = useState<Pending | null>(null);
  const [moved, setMoved] = useState<string | null>(null);
  const inForce: (Pause | Redirect)[] = [...pauses, ...(redirect === null ? [] : [redirect])];

  return (
    <article className="agent-card" aria-labelledby={headingId} data-testid={`agent-${agent.id}`}>
      <div className="item-head">
        <h3 id={headingId}>{agent.name}</h3>
        <span className="muted">{agent.id}</span>
        {pauses.length > 0 && <Badge value="paused" />}
        {redirect !== null && <Badge value="redirected" />}
      </div>
      <h4>Controls in force</h4>
      {inForce.length === 0 ? (
        <p className="muted" data-testid={`controls-${agent.id}`}>
          None: every class of its actions goes on.
        </p>
      ) : (
        <ul className="controls" data-testid={`controls-${agent.id}`}>
          {inForce.map((c) => (
            <li key={c.id}>
              <span>
                <strong>
                  {c.kind === 'pause' ? `${c.actionClass} paused` : `redirected to ${where(c)}`}
                </strong>{' '}
                by {c.appliedBy}, {timeAgo(c.appliedAt)}: {c.reason}
              </span>
              {canOperate && (
                <button
                  type="button"
                  aria-label={
                    c.kind === 'pause'
                      ? `Lift the pause of ${agent.name}'s ${c.actionClass} actions`
                      : `Lift the redirect of ${agent.name}'s work`
                  }
                  onClick={() => setPending({ kind: 'lift', control: c })}
                >
                  Lift
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {moved !== null && (
        <p className="note" role="status">
          {moved}
        </p>
      )}
      {canOperate && (
        <div className="actions">
          <button
            type="button"
            aria-label={`Pause a class of ${agent.name}`}
            disabled={props.classes.every((c) => pauses.some((p) => p.actionClass === c))}
            onClick={() => setPending({ kind: 'pause' })}
          >
            Pause a class
          </button>
          {redirect === null && (
            <button
              type="button"
              aria-label={`Redirect the work of ${agent.name}`}
              onClick={() => setPending({ kind: 'redirect' })}
            >
              Redirect work
            </button>
          )}
        </div>
      )}
      <TrustTable
        agentName={agent.name}
        entries={props.trust}
        promotions={props.promotions}
        onDecide={
          canOperate
            ? (promotion, decision) => setPending({ kind: 'promotion', promotion, decision })
            : null
        }
      />

      {pending?.kind === 'pause' && (
        <PauseDialog
          agentName={agent.name}
          classes={props.classes}
          paused={pauses.map((p) => p.actionClass)}
          onSubmit={async (body) => {
            await api.post('/v1/pauses', { actorId: agent.id, ...body });
            props.onChanged();
          }}
          onClose={() => setPending(null)}
        />
      )}
      {pending?.kind === 'redirect' && (
        <RedirectDialog
          agent={agent}
          actors={props.actors}
          onSubmit={async (body) => {
            const result = await api.post<RedirectResult>('/v1/redirects', {
              actorId: agent.id,
              ...body,
            });
            const n = result.moved.length;
            setMoved(
              `${n === 0 ? 'Nothing to move' : `${n} item${n === 1 ? '' : 's'} moved`} to ${where(result.redirect)}.`,
            );
            props.onChanged();
          }}
          onClose={() => setPending(null)}
        />
      )}
      {pending?.kind === 'lift' && (
        <ConfirmDialog
          title={pending.control.kind === 'pause' ? 'Lift the pause' : 'Lift the redirect'}
          message={`${agent.name}: ${describeControl(pending.control)} until lifted. Lifting takes effect from its next request.`}
          confirmLabel="Lift"
          reason
          onConfirm={async (reason) => {
            const kind = pending.control.kind === 'pause' ? 'pauses' : 'redirects';
            await api.post(`/v1/${kind}/${encodeURIComponent(pending.control.id)}/lift`, {
              reason,
            });
            setMoved(null);
            props.onChanged();
          }}
          onClose={() => setPending(null)}
        />
      )}
      {pending?.kind === 'promotion' && (
        <ConfirmDialog
          title={`${pending.decision === 'approve' ? 'Approve' : 'Reject'} the promotion`}
          message={
            pending.decision === 'approve'
              ? `${agent.name} acts at level ${pending.promotion.to} in ${pending.promotion.domainId} (${pending.promotion.class}) from its next request, as the policies allow that level.`
              : `${agent.name} stays at level ${pending.promotion.from}; the same promotion is not proposed again for a while.`
          }
          confirmLabel={pending.decision === 'approve' ? 'Approve' : 'Reject'}
          reason={pending.decision === 'approve' ? 'optional' : true}
          onConfirm={async (reason) => {
            await api.post(
              `/v1/trust/promotions/${encodeURIComponent(pending.promotion.id)}/${pending.decision}`,
              { reason },
            );
            props.onChanged();
          }}
          onClose={() => setPending(null)}
        />
      )}
    </article>
  );
}
