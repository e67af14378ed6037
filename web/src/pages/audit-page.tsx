import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState, type SyntheticEvent } from 'react';
import type { AuditVerification, Page, StoredEvent } from '../api/types';
import { ErrorNote } from '../components/badge';
import { dateTime } from '../format';
import { useApi, useLiveEvents } from '../hooks';
import { navigate, useLocation } from '../router';
import { useSession } from '../session';

const ROW_HEIGHT = 34;
const PAGE = 200;
/** Without a starting point, the log is shown from this many events before its end. */
const RECENT = 500;

interface Filter {
  type: string;
  subject: string;
  actor: string;
}

const matches = (event: StoredEvent, f: Filter) =>
  (f.type === '' ||
    f.type
      .split(',')
      .some((t) => (t.endsWith('*') ? event.type.startsWith(t.slice(0, -1)) : event.type === t))) &&
  (f.subject === '' || event.subject === f.subject) &&
  (f.actor === '' || event.actor === f.actor);

/** The event log, filtered, with the hash chain's verification; new events join live. */
export function AuditPage() {
  const { api } = useSession();
  const { query } = useLocation();
  const filter: Filter = {
    type: query.get('type') ?? '',
    subject: query.get('subject') ?? '',
    actor: query.get('actor') ?? '',
  };
  const verify = useApi((a) => a.get<AuditVerification>('/v1/audit/verify'), []);
  const [events, setEvents] = useState<StoredEvent[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(false);
  const key = `${filter.type}|${filter.subject}|${filter.actor}`;

  const load = useCallback(
    async (after: number, replace: boolean) => {
      setLoading(true);
      try {
        const [type, subject, actor] = key.split('|');
        const page = await api.get<Page<StoredEvent>>('/v1/events', {
          type,
          subject,
          actor,
          after,
          limit: PAGE,
        });
        setEvents((e) => (replace ? page.items : [...e, ...page.items]));
        setCursor(page.nextCursor);
        setError(null);
      } catch (failure) {
        setError(failure instanceof Error ? failure : new Error(String(failure)));
      } finally {
        setLoading(false);
      }
    },
    [api, key],
  );

  const startAt = verify.data === null ? null : Math.max(0, verify.data.lastSeq - RECENT);
  useEffect(() => {
    if (startAt !== null) void load(startAt, true);
  }, [load, startAt]);

  useLiveEvents(
    ['core.', 'coordination.', 'monitoring.', 'performance.', 'supervision.'],
    (fresh) => {
      // Joined only when the list reaches the end of the log; otherwise they come with its pages.
      if (cursor !== null) return;
      const current = filterFromKey(key);
      setEvents((e) => {
        const last = e.at(-1)?.seq ?? 0;
        return [...e, ...fresh.filter((ev) => ev.seq > last && matches(ev, current))];
      });
    },
  );

  const submit = (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const name of ['type', 'subject', 'actor']) {
      const entry = data.get(name);
      const value = typeof entry === 'string' ? entry.trim() : '';
      if (value !== '') next.set(name, value);
    }
    navigate(`/audit${next.size > 0 ? `?${next.toString()}` : ''}`, true);
  };

  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: events.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const rows = virtualizer.getVirtualItems();
  const lastRow = rows.at(-1)?.index ?? -1;
  useEffect(() => {
    const last = events.at(-1);
    if (cursor !== null && !loading && last !== undefined && lastRow >= events.length - 1)
      void load(last.seq, false);
  }, [cursor, loading, lastRow, events, load]);

  return (
    <section>
      <h1>Audit</h1>
      <p
        role="status"
        data-testid="chain-status"
        className={verify.data?.ok === false ? 'error' : ''}
      >
        {verify.data === null
          ? 'Verifying the hash chain…'
          : verify.data.ok
            ? `Hash chain verified: ${verify.data.checked.toLocaleString()} events, none altered or missing (up to #${verify.data.lastSeq}).`
            : `Hash chain broken at #${verify.data.problem?.seq ?? '?'}: ${verify.data.problem?.message ?? ''}`}{' '}
        <button type="button" onClick={verify.reload}>
          Verify again
        </button>
      </p>
      <ErrorNote error={verify.error ?? error} />
      <form className="filters" aria-label="Filters" onSubmit={submit} key={key}>
        <label className="field inline">
          Type
          <input name="type" defaultValue={filter.type} placeholder="coordination.work.*" />
        </label>
        <label className="field inline">
          Subject
          <input name="subject" defaultValue={filter.subject} placeholder="an id" />
        </label>
        <label className="field inline">
          Actor
          <input name="actor" defaultValue={filter.actor} />
        </label>
        <button type="submit">Filter</button>
      </form>
      <p className="muted">
        From #{startAt ?? '…'} on
        {startAt !== null && startAt > 0 && ` (the last ${RECENT} events of the log)`}; newer events
        join as they happen.
      </p>
      <div ref={scroller} className="log" tabIndex={0} role="region" aria-label="Events">
        <table style={{ height: virtualizer.getTotalSize() }}>
          <thead className="visually-hidden">
            <tr>
              <th scope="col">Seq</th>
              <th scope="col">Time</th>
              <th scope="col">Type</th>
              <th scope="col">Actor</th>
              <th scope="col">Subject</th>
              <th scope="col">Hash</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const e = events[row.index];
              if (e === undefined) return null;
              return (
                <tr
                  key={e.seq}
                  style={{ transform: `translateY(${row.start}px)`, height: ROW_HEIGHT }}
                  data-testid="event-row"
                >
                  <td>#{e.seq}</td>
                  <td>{dateTime(e.time)}</td>
                  <td>
                    <code>{e.type}</code>
                  </td>
                  <td>{e.actor}</td>
                  <td>{e.subject ?? ''}</td>
                  <td className="hash" title={e.hash}>
                    {e.hash.slice(0, 12)}…
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function filterFromKey(key: string): Filter {
  const [type = '', subject = '', actor = ''] = key.split('|');
  return { type, subject, actor };
}
