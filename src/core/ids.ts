import { randomBytes } from 'node:crypto';

let lastMs = -1;
let lastRandom = 0n;
const RANDOM_BITS = 80n;
const RANDOM_MAX = (1n << RANDOM_BITS) - 1n;

/**
 * A time-ordered id (48-bit millisecond timestamp, then 80 bits, hex), so ids sort in creation
 * order and cursor paging by id follows it. Within one millisecond the 80 bits count up from a
 * random start (as monotonic ULIDs do), so ids made in the same millisecond still sort in order.
 */
export function newId(prefix: string, atMs: number = Date.now()): string {
  let ms = atMs;
  if (ms <= lastMs && lastRandom < RANDOM_MAX) {
    ms = lastMs;
    lastRandom += 1n;
  } else {
    lastMs = ms;
    // Start in the lower half so the counter has room before it could overflow.
    lastRandom = BigInt(`0x${randomBytes(10).toString('hex')}`) >> 1n;
  }
  return `${prefix}_${ms.toString(16).padStart(12, '0')}${lastRandom.toString(16).padStart(20, '0')}`;
}
