import { useCallback } from 'react';
import {
  OPEN_STATES,
  WORK_STATES,
  type Actor,
  type WorkCounts,
  type WorkItem,
  type WorkType,
} from '../api/types';
import { ErrorNote } from '../components/badge';
import { useApi, useLiveEvents } from '../hooks';
import { navigate, useLocation } from '../router';
import { useSession } from '../session';
import { useBoard } from './use-board';
import { WorkColumn } from './work-column';

/** Requests in flight at once when changed items are read. */
const MAX_FETCHES = 6;
/** Changed items read one by one at most per batch; a larger burst reads the first pages again. */
const MAX_CHANGED = 60;

/** The live board: a column per state, filters in the URL so a view can be shared. */
export function WorkPage() {
  const { api } = useSession();
  const { query } = useLocation();
  const type = query.get('type') ?? '';
  const owner = query.get('owner') ?? '';
  const finished = query.get('finished') === '1';
  const states = finished ? WORK_STATES : OPEN_STATES;

  const types = useApi((a) => a.get<{ items: WorkType[] }>('/v1/work-types'), []);
  const actors = useApi((a) => a.get<{ items: Actor[] }>('/v1/actors'), []);
  const counts = useApi(
    (a) => a.get<WorkCounts>('/v1/work/counts', { type, owner }),
    [type, owner],
  );
  const board = useBoard(api, states, { type, owner });

  const { apply, reload } = board;
  const reloadCounts = counts.reload;
  useLiveEvents(
    ['coordination.work.'],
    useCallback(
      (events) => {
        reloadCounts();
        const ids = [
          ...new Set(events.map((e) => e.subject).filter((s): s is string => s !== null)),
        ];
        if (ids.length > MAX_CHANGED) {
          reload();
          return;
        }
        void fetchAll(ids, (id) => api.get<WorkItem>(`/v1/work/${encodeURIComponent(id)}`)).then(
          apply,
        );
      },
      [api, apply, reload, reloadCounts],
    ),
    30,
  );

  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(query);
    if (value === '') next.delete(key);
    else next.set(key, value);
    const text = next.toString();
    navigate(text === '' ? '/work' : `/work?${text}`, true);
  };

  return (
    <section className="work-page">
      <div className="page-head">
        <h1>Work</h1>
        <p className="total" data-testid="work-total">
          {counts.data === null
            ? '…'
            : `${counts.data.total.toLocaleString()} ${counts.data.total === 1 ? 'item' : 'items'}`}
        </p>
      </div>
      <form className="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <label className="field inline">
          Work type
          <select value={type} onChange={(e) => setFilter('type', e.target.value)}>
            <option value="">All</option>
            {types.data?.items.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          Owner
          <select value={owner} onChange={(e) => setFilter('owner', e.target.value)}>
            <option value="">Anyone</option>
            {actors.data?.items.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline check">
          <input
            type="checkbox"
            checked={finished}
            onChange={(e) => setFilter('finished', e.target.checked ? '1' : '')}
          />
          Show done and cancelled
        </label>
      </form>
      <ErrorNote error={counts.error} />
      <div className="board">
        {states.map((state) => (
          <WorkColumn
            key={state}
            state={state}
            column={board.columns[state]}
            count={counts.data?.counts[state] ?? null}
            onLoadMore={() => void board.loadMore(state).catch(() => undefined)}
          />
        ))}
      </div>
    </section>
  );
}

/** Fetches with at most MAX_FETCHES requests in flight; items that fail to load are left out. */
async function fetchAll<T>(
  ids: readonly string[],
  fetchOne: (id: string) => Promise<T>,
): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++] as string;
      try {
        results.push(await fetchOne(id));
      } catch {
        // Gone or no longer readable: nothing to place.
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(MAX_FETCHES, ids.length) }, worker));
  return results;
}
