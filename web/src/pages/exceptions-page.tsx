import { useId, useState, type SyntheticEvent } from 'react';
import type { ExceptionView, Page } from '../api/types';
import { Badge, ErrorNote } from '../components/badge';
import { ConfirmDialog } from '../components/confirm-dialog';
import { DialogFooter, Modal } from '../components/modal';
import { dateTime, timeAgo } from '../format';
import { useApi, useLiveReload } from '../hooks';
import { navigate, useLocation } from '../router';
import { useSession } from '../session';

type Pending =
  | { kind: 'acknowledge'; exception: ExceptionView }
  | { kind: 'resolve'; exception: ExceptionView }
  | { kind: 'silence'; exception: ExceptionView };

const VIEWS = {
  active: { label: 'Open and acknowledged', query: { active: 'true' } },
  open: { label: 'Open', query: { state: 'open' } },
  acknowledged: { label: 'Acknowledged', query: { state: 'acknowledged' } },
  resolved: { label: 'Resolved', query: { state: 'resolved' } },
} as const;
type View = keyof typeof VIEWS;

/** Alertmanager matcher syntax for one label: its value quoted, quotes and backslashes escaped. */
const matcher = (name: string, value: string) =>
  `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** The inbox of exceptions: how each was routed, how far it escalated; acknowledge, resolve, silence. */
export function ExceptionsPage() {
  const { api, canWrite } = useSession();
  const { query } = useLocation();
  const asked = query.get('view') ?? 'active';
  const view: View = asked in VIEWS ? (asked as View) : 'active';
  const severity = query.get('severity') ?? '';
  const list = useApi(
    (a) =>
      a.get<Page<ExceptionView>>('/v1/exceptions', {
        ...VIEWS[view].query,
        severity,
        limit: 1000,
      }),
    [view, severity],
  );
  const [pending, setPending] = useState<Pending | null>(null);
  useLiveReload(['monitoring.exception.', 'monitoring.silence.'], list.reload);

  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(query);
    if (value === '') next.delete(key);
    else next.set(key, value);
    navigate(`/exceptions?${next.toString()}`, true);
  };

  // Newest first: the list comes in opening order.
  const items = [...(list.data?.items ?? [])].reverse();
  return (
    <section>
      <h1>Exceptions</h1>
      <form className="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <label className="field inline">
          Show
          <select
            value={view}
            onChange={(e) => setFilter('view', e.target.value === 'active' ? '' : e.target.value)}
          >
            {Object.entries(VIEWS).map(([key, v]) => (
              <option key={key} value={key}>
                {v.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          Severity
          <select value={severity} onChange={(e) => setFilter('severity', e.target.value)}>
            <option value="">Any</option>
            <option value="critical">Critical</option>
            <option value="warning">Warning</option>
            <option value="info">Info</option>
          </select>
        </label>
      </form>
      <ErrorNote error={list.error} />
      {list.data !== null && items.length === 0 && <p>Nothing here.</p>}
      <ul className="exceptions">
        {items.map((e) => (
          <li key={e.id} className="exception" data-testid="exception" data-id={e.id}>
            <div className="exception-head">
              <Badge value={e.labels.severity ?? 'warning'} />
              <Badge value={e.state} />
              {e.silencedBy !== null && <Badge value="silenced" />}
              <strong>{e.labels.alertname}</strong>
              <span className="muted">
                opened {timeAgo(e.openedAt)} · {e.source}
              </span>
            </div>
            <p>{e.summary}</p>
            <details>
              <summary>Labels, routing and escalation</summary>
              <dl className="facts">
                <dt>Labels</dt>
                <dd>
                  {Object.entries(e.labels)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(', ')}
                </dd>
                <dt>Routed by</dt>
                <dd>{e.routes.length === 0 ? 'the root route' : e.routes.join(' → ')}</dd>
                <dt>Receivers</dt>
                <dd>{e.receivers.join(', ') || '—'}</dd>
                {e.acknowledgedBy !== null && (
                  <>
                    <dt>Acknowledged</dt>
                    <dd>
                      by {e.acknowledgedBy}, {dateTime(e.acknowledgedAt)}
                    </dd>
                  </>
                )}
                {e.resolvedBy !== null && (
                  <>
                    <dt>Resolved</dt>
                    <dd>
                      by {e.resolvedBy}, {dateTime(e.resolvedAt)}
                    </dd>
                  </>
                )}
              </dl>
              {e.escalations.length > 0 && (
                <table>
                  <caption>Escalation</caption>
                  <thead>
                    <tr>
                      <th scope="col">Receiver</th>
                      <th scope="col">Step</th>
                      <th scope="col">Reached</th>
                      <th scope="col">Next step</th>
                    </tr>
                  </thead>
                  <tbody>
                    {e.escalations.map((s) => (
                      <tr key={s.receiver}>
                        <td>{s.receiver}</td>
                        <td>
                          {s.step + 1}
                          {s.loop > 0 && ` (loop ${s.loop + 1})`}
                        </td>
                        <td>{s.notified.join(', ') || '—'}</td>
                        <td>{s.nextAt === null ? 'done' : timeAgo(s.nextAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </details>
            {canWrite && e.state !== 'resolved' && (
              <div className="actions">
                {e.state === 'open' && (
                  <button
                    type="button"
                    className="primary"
                    onClick={() => setPending({ kind: 'acknowledge', exception: e })}
                  >
                    Acknowledge
                  </button>
                )}
                <button type="button" onClick={() => setPending({ kind: 'resolve', exception: e })}>
                  Resolve
                </button>
                <button type="button" onClick={() => setPending({ kind: 'silence', exception: e })}>
                  Silence
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
      {pending?.kind === 'acknowledge' && (
        <ConfirmDialog
          title="Acknowledge"
          message={`You take on "${pending.exception.summary}": escalation stops. It still resolves itself when its condition clears.`}
          confirmLabel="Acknowledge"
          onConfirm={async () => {
            await api.post(
              `/v1/exceptions/${encodeURIComponent(pending.exception.id)}/acknowledge`,
              {},
            );
            list.reload();
          }}
          onClose={() => setPending(null)}
        />
      )}
      {pending?.kind === 'resolve' && (
        <ConfirmDialog
          title="Resolve"
          message="Everyone it reached is told. A detector raises it again if its condition still holds."
          confirmLabel="Resolve"
          reason
          onConfirm={async (reason) => {
            await api.post(`/v1/exceptions/${encodeURIComponent(pending.exception.id)}/resolve`, {
              reason,
            });
            list.reload();
          }}
          onClose={() => setPending(null)}
        />
      )}
      {pending?.kind === 'silence' && (
        <SilenceDialog
          exception={pending.exception}
          onSubmit={async (body) => {
            await api.post('/v1/silences', body);
            list.reload();
          }}
          onClose={() => setPending(null)}
        />
      )}
    </section>
  );
}

function SilenceDialog(props: {
  exception: ExceptionView;
  onSubmit: (body: { matchers: string[]; duration: string; comment: string }) => Promise<void>;
  onClose: () => void;
}) {
  const id = useId();
  const labels = Object.entries(props.exception.labels);
  const [chosen, setChosen] = useState<Set<string>>(
    () => new Set(labels.map(([k]) => k).filter((k) => k !== 'severity')),
  );
  const [durationText, setDuration] = useState('2h');
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal label="Silence" onClose={props.onClose}>
      <form
        onSubmit={(event: SyntheticEvent) => {
          event.preventDefault();
          const matchers = labels.filter(([k]) => chosen.has(k)).map(([k, v]) => matcher(k, v));
          props
            .onSubmit({ matchers, duration: durationText, comment })
            .then(props.onClose, (failure: unknown) =>
              setError(failure instanceof Error ? failure.message : String(failure)),
            );
        }}
      >
        <h2>Silence exceptions like this one</h2>
        <fieldset>
          <legend>Match the labels</legend>
          {labels.map(([k, v]) => (
            <label key={k} className="check">
              <input
                type="checkbox"
                checked={chosen.has(k)}
                onChange={(e) => {
                  const next = new Set(chosen);
                  if (e.target.checked) next.add(k);
                  else next.delete(k);
                  setChosen(next);
                }}
              />
              {k}="{v}"
            </label>
          ))}
        </fieldset>
        <label className="field" htmlFor={`${id}-d`}>
          For
          <select id={`${id}-d`} value={durationText} onChange={(e) => setDuration(e.target.value)}>
            <option value="30m">30 minutes</option>
            <option value="2h">2 hours</option>
            <option value="1d">1 day</option>
            <option value="7d">7 days</option>
          </select>
        </label>
        <label className="field" htmlFor={`${id}-c`}>
          Why
          <textarea
            id={`${id}-c`}
            required
            rows={2}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
          />
        </label>
        <DialogFooter
          error={error}
          submitLabel="Silence"
          onCancel={props.onClose}
          disabled={chosen.size === 0}
        />
      </form>
    </Modal>
  );
}
