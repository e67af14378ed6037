import type { StoredEvent } from '../../core/events.js';
import { describeEvent } from './describe-event.js';
import { formatTable } from './format-table.js';

/** The events about one thing, as `… show` commands print its history. */
export function formatHistory(events: readonly StoredEvent[]): string[] {
  return formatTable(events, [
    { header: 'SEQ', value: (e) => String(e.seq), align: 'right' },
    { header: 'TIME', value: (e) => e.time },
    { header: 'EVENT', value: (e) => e.type },
    { header: 'BY', value: (e) => e.actor },
    { header: 'DETAIL', value: describeEvent },
  ]);
}
