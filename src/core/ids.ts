import { randomBytes } from 'node:crypto';

/**
 * A time-ordered id (48-bit millisecond timestamp, then 80 random bits, hex), so ids created
 * later sort later and cursor paging by id follows creation order.
 */
export function newId(prefix: string, atMs: number = Date.now()): string {
  const time = atMs.toString(16).padStart(12, '0');
  return `${prefix}_${time}${randomBytes(10).toString('hex')}`;
}
