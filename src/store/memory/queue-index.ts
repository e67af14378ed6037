/** One queued item as its queue orders it. */
export interface QueueEntry {
  id: string;
  priority: number;
}

/** Queue order: higher priority first, then older (ids are time-ordered), as the SQL index. */
const before = (a: QueueEntry, b: QueueEntry) =>
  a.priority > b.priority || (a.priority === b.priority && a.id < b.id);

/**
 * The queued items of one work type in claim order, kept sorted: a claim reads the head, a
 * transition inserts or removes one entry (binary search, then one array move). Entries are the
 * items themselves (never changed in place), so reading a head allocates and looks up nothing.
 */
export class QueueIndex<E extends QueueEntry = QueueEntry> {
  readonly entries: E[] = [];

  get size(): number {
    return this.entries.length;
  }

  /** The position `entry` has or would have. */
  position(entry: QueueEntry): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.entries[mid] as QueueEntry, entry)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(entry: E): void {
    this.entries.splice(this.position(entry), 0, entry);
  }

  remove(entry: QueueEntry): void {
    const at = this.position(entry);
    if (this.entries[at]?.id === entry.id) this.entries.splice(at, 1);
  }
}
