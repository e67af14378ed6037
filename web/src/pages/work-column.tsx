import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { WorkItem, WorkState } from '../api/types';
import { stateLabel, timeAgo } from '../format';
import { Link } from '../router';
import type { Column } from './use-board';

const CARD_HEIGHT = 78;

export interface WorkColumnProps {
  state: WorkState;
  column: Column | undefined;
  count: number | null;
  onLoadMore: () => void;
}

/** One state's items, virtualized: only the cards in view (and a few around) are in the page. */
export function WorkColumn({ state, column, count, onLoadMore }: WorkColumnProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const items = column?.items ?? [];
  const more = column !== undefined && !column.complete;
  const virtualizer = useVirtualizer({
    count: items.length + (more ? 1 : 0),
    getScrollElement: () => scroller.current,
    estimateSize: () => CARD_HEIGHT,
    overscan: 6,
    getItemKey: (index) => items[index]?.id ?? 'more',
  });
  const virtual = virtualizer.getVirtualItems();
  const lastIndex = virtual.at(-1)?.index ?? -1;
  useEffect(() => {
    if (more && !column.loading && lastIndex >= items.length - 1) onLoadMore();
  }, [more, column?.loading, lastIndex, items.length, onLoadMore]);

  const headingId = `col-${state}`;
  return (
    <section className="column" aria-labelledby={headingId} data-state={state}>
      <h2 id={headingId}>
        {stateLabel(state)}{' '}
        <span className="count" data-testid={`count-${state}`}>
          {count === null ? '…' : count.toLocaleString()}
        </span>
      </h2>
      <div
        ref={scroller}
        className="column-scroll"
        tabIndex={0}
        role="region"
        aria-label={`${stateLabel(state)} items`}
      >
        {items.length === 0 && column?.complete === true && <p className="empty">None</p>}
        <ul style={{ height: virtualizer.getTotalSize() }} className="cards">
          {virtual.map((row) => {
            const item = items[row.index];
            return (
              <li
                key={row.key}
                className="card-row"
                style={{ transform: `translateY(${row.start}px)`, height: CARD_HEIGHT }}
              >
                {item === undefined ? (
                  <span className="loading">Loading…</span>
                ) : (
                  <WorkCard item={item} />
                )}
              </li>
            );
          })}
        </ul>
      </div>
    </section>
  );
}

function WorkCard({ item }: { item: WorkItem }) {
  return (
    <Link
      href={`/work/${encodeURIComponent(item.id)}`}
      className={`card prio-${item.priorityClass}`}
      data-testid="work-card"
    >
      <span className="card-title">{item.title}</span>
      <span className="card-meta">
        {item.typeId}
        {item.priorityClass !== 'normal' && ` · ${item.priorityClass}`}
        {item.ownerId !== null && ` · ${item.ownerId}`}
        {item.offeredTo !== null && ` · offered to ${item.offeredTo}`}
      </span>
      <span className="card-meta">created {timeAgo(item.createdAt)}</span>
    </Link>
  );
}
