import { useState } from 'react';
import type { Explanation, WorkDetail, WorkState } from '../api/types';
import { Badge, ErrorNote } from '../components/badge';
import { ConfirmDialog } from '../components/confirm-dialog';
import { dateTime, num, stateLabel, timeAgo } from '../format';
import { useApi, useLiveEvents } from '../hooks';
import { Link } from '../router';
import { useSession } from '../session';

/** What a person may do to an item from here, by state (the API checks again). */
const ACTIONS: Partial<
  Record<WorkState, readonly ('pause' | 'resume' | 'retry' | 'cancel' | 'release')[]>
> = {
  queued: ['pause', 'cancel'],
  offered: ['release', 'pause', 'cancel'],
  assigned: ['release', 'pause', 'cancel'],
  in_progress: ['release', 'pause', 'cancel'],
  blocked: ['pause', 'cancel'],
  paused: ['resume', 'cancel'],
  failed: ['retry', 'cancel'],
};

/** One item: where it stands and why (explain), its stages and dependencies, its history. */
export function WorkDetailPage({ id }: { id: string }) {
  const { api, canWrite } = useSession();
  const item = useApi((a) => a.get<WorkDetail>(`/v1/work/${encodeURIComponent(id)}`), [id]);
  const why = useApi((a) => a.get<Explanation>(`/v1/work/${encodeURIComponent(id)}/explain`), [id]);
  const [action, setAction] = useState<string | null>(null);
  useLiveEvents(['coordination.'], (events) => {
    if (events.some((e) => e.subject === id || e.type.startsWith('coordination.actor.'))) {
      item.reload();
      why.reload();
    }
  });

  const work = item.data;
  return (
    <section className="detail">
      <p>
        <Link href="/work">← Board</Link>
      </p>
      <ErrorNote error={item.error} />
      {work !== null && (
        <>
          <div className="page-head">
            <h1>{work.title}</h1>
            <Badge value={work.state} />
          </div>
          <dl className="facts">
            <dt>Id</dt>
            <dd>
              <code>{work.id}</code>
            </dd>
            <dt>Type</dt>
            <dd>{work.typeId}</dd>
            <dt>Priority</dt>
            <dd>
              {work.priorityClass} (score {num(work.priority, 2)})
            </dd>
            <dt>Owner</dt>
            <dd>
              {work.ownerId ?? (work.offeredTo !== null ? `offered to ${work.offeredTo}` : '—')}
            </dd>
            <dt>Due</dt>
            <dd>
              {dateTime(work.dueAt)} {work.dueAt !== null && `(${timeAgo(work.dueAt)})`}
            </dd>
            <dt>Attempts</dt>
            <dd>{work.attempts}</dd>
            <dt>Created</dt>
            <dd>{dateTime(work.createdAt)}</dd>
          </dl>
          {canWrite && (ACTIONS[work.state]?.length ?? 0) > 0 && (
            <div className="actions" aria-label="Actions">
              {ACTIONS[work.state]?.map((a) => (
                <button key={a} type="button" onClick={() => setAction(a)}>
                  {a[0]?.toUpperCase()}
                  {a.slice(1)}
                </button>
              ))}
            </div>
          )}
          {action !== null && (
            <ConfirmDialog
              title={`${action} "${work.title}"`}
              message={`The item is ${stateLabel(work.state)}; this records who did it and why.`}
              confirmLabel={action}
              reason
              danger={action === 'cancel'}
              onConfirm={async (reason) => {
                await api.post(`/v1/work/${encodeURIComponent(work.id)}/${action}`, { reason });
                item.reload();
                why.reload();
              }}
              onClose={() => setAction(null)}
            />
          )}
        </>
      )}

      {why.data !== null && (
        <section aria-labelledby="why">
          <h2 id="why">Why it is here</h2>
          <p data-testid="explain-summary">{why.data.summary}</p>
          {why.data.stage !== null && (
            <p>
              Stage {why.data.stage.position} of {why.data.stage.of}: {why.data.stage.name}
              {why.data.stage.next !== null && ` (next: ${why.data.stage.next})`}
            </p>
          )}
          {why.data.rank !== null && <p>Position in its queue: {why.data.rank}</p>}
          {why.data.owner !== null && (
            <p>
              Held by {why.data.owner.actorId}, lease until{' '}
              {dateTime(why.data.owner.leaseExpiresAt)}
            </p>
          )}
          <details>
            <summary>Priority, part by part</summary>
            <dl className="facts">
              {Object.entries(why.data.priority).map(([part, value]) => (
                <div key={part}>
                  <dt>{part}</dt>
                  <dd>{num(value, 2)}</dd>
                </div>
              ))}
            </dl>
          </details>
          {why.data.candidates.length > 0 && (
            <table>
              <caption>Who could take it</caption>
              <thead>
                <tr>
                  <th scope="col">Actor</th>
                  <th scope="col">Eligible</th>
                  <th scope="col">Reasons</th>
                </tr>
              </thead>
              <tbody>
                {why.data.candidates.map((c) => (
                  <tr key={c.actorId}>
                    <td>{c.actorId}</td>
                    <td>{c.eligible ? 'yes' : 'no'}</td>
                    <td>{c.reasons.join('; ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}

      {work !== null && (
        <section aria-labelledby="deps">
          <h2 id="deps">Dependencies</h2>
          {work.dependsOn.length === 0 ? (
            <p>Waits for nothing.</p>
          ) : (
            <ul>
              {work.dependsOn.map((dep) => {
                const waiting = why.data?.waitingOn.find((w) => w.id === dep);
                return (
                  <li key={dep}>
                    <Link href={`/work/${encodeURIComponent(dep)}`}>{dep}</Link>
                    {waiting !== undefined
                      ? ` — waiting (${stateLabel(waiting.state)})`
                      : ' — done'}
                  </li>
                );
              })}
            </ul>
          )}
        </section>
      )}

      {work !== null && (
        <section aria-labelledby="history">
          <h2 id="history">History</h2>
          <ol className="history">
            {work.history.map((event) => (
              <li key={event.seq}>
                <time dateTime={event.time}>{dateTime(event.time)}</time> <code>{event.type}</code>{' '}
                by {event.actor}
                <EventDetail payload={event.payload} />
              </li>
            ))}
          </ol>
        </section>
      )}
    </section>
  );
}

function EventDetail({ payload }: { payload: unknown }) {
  if (payload === null || typeof payload !== 'object') return null;
  const reason = (payload as { reason?: unknown }).reason;
  return (
    <>
      {typeof reason === 'string' && reason !== '' && <span className="reason"> — {reason}</span>}
      <details>
        <summary>payload</summary>
        <pre>{JSON.stringify(payload, null, 2)}</pre>
      </details>
    </>
  );
}
