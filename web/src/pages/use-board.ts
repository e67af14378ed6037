import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../api/client';
import type { Page, WorkItem, WorkState } from '../api/types';

/** What one column holds: the items loaded so far, newest first, and where the next page starts. */
export interface Column {
  items: WorkItem[];
  cursor: string | null;
  /** Every item of the column is loaded. */
  complete: boolean;
  loading: boolean;
}

export interface BoardFilter {
  type: string;
  owner: string;
}

export const PAGE_SIZE = 50;

const emptyColumn = (): Column => ({ items: [], cursor: null, complete: false, loading: false });

/**
 * The board's columns, each paged from `GET /v1/work?state=…&order=desc` as it is scrolled: a
 * board over 100k items loads a page per column, never the whole store. Live changes move single
 * items between the columns they have loaded.
 */
export function useBoard(api: ApiClient, states: readonly WorkState[], filter: BoardFilter) {
  const [columns, setColumns] = useState<Columns>({});
  const generation = useRef(0);
  const columnsRef = useRef(columns);
  columnsRef.current = columns;

  const loadMore = useCallback(
    async (state: WorkState, from: Column | undefined = columnsRef.current[state]) => {
      const column = from ?? emptyColumn();
      if (column.complete || column.loading) return;
      const mine = generation.current;
      setColumns((c) => ({ ...c, [state]: { ...(c[state] ?? emptyColumn()), loading: true } }));
      try {
        const page = await api.get<Page<WorkItem>>('/v1/work', {
          state,
          type: filter.type,
          owner: filter.owner,
          order: 'desc',
          limit: PAGE_SIZE,
          after: column.cursor ?? undefined,
        });
        if (mine !== generation.current) return;
        setColumns((c) => {
          const now = c[state] ?? emptyColumn();
          const known = new Set(now.items.map((i) => i.id));
          return {
            ...c,
            [state]: {
              items: [...now.items, ...page.items.filter((i) => !known.has(i.id))],
              cursor: page.nextCursor,
              complete: page.nextCursor === null,
              loading: false,
            },
          };
        });
      } catch (error) {
        if (mine !== generation.current) return;
        setColumns((c) => ({ ...c, [state]: { ...(c[state] ?? emptyColumn()), loading: false } }));
        throw error;
      }
    },
    [api, filter.type, filter.owner],
  );

  const stateKey = states.join(',');
  // Bumped to read every column's first page again (after more changes than are worth placing one by one).
  const [epoch, setEpoch] = useState(0);
  useEffect(() => {
    generation.current += 1;
    setColumns({});
    for (const state of stateKey.split(',') as WorkState[])
      void loadMore(state, emptyColumn()).catch((error: unknown) => {
        console.warn(error);
      });
  }, [loadMore, stateKey, epoch]);
  const reload = useCallback(() => setEpoch((e) => e + 1), []);

  /** Puts fresh copies of changed items where they now belong. */
  const apply = useCallback(
    (fresh: readonly WorkItem[]) => setColumns((c) => placeItems(c, fresh, filter)),
    [filter.type, filter.owner],
  );

  return { columns, loadMore, apply, reload };
}

export type Columns = Partial<Record<WorkState, Column>>;

/**
 * The columns after items changed: each item leaves the column it was in and joins the one of
 * its state, in id order (newest first), when it passes the filter and falls within what that
 * column has loaded (an older item comes with a later page).
 */
export function placeItems(
  columns: Columns,
  fresh: readonly WorkItem[],
  filter: BoardFilter,
): Columns {
  const next: Columns = { ...columns };
  const ids = new Set(fresh.map((i) => i.id));
  for (const [state, column] of Object.entries(next) as [WorkState, Column][])
    if (column.items.some((i) => ids.has(i.id)))
      next[state] = { ...column, items: column.items.filter((i) => !ids.has(i.id)) };
  for (const item of fresh) {
    if (filter.type !== '' && item.typeId !== filter.type) continue;
    if (filter.owner !== '' && item.ownerId !== filter.owner) continue;
    const column = next[item.state];
    if (column === undefined) continue;
    const last = column.items.at(-1);
    if (!column.complete && last !== undefined && item.id < last.id) continue;
    const items = [...column.items];
    const at = items.findIndex((i) => i.id < item.id);
    items.splice(at === -1 ? items.length : at, 0, item);
    next[item.state] = { ...column, items };
  }
  return next;
}
