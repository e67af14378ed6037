import { randomBytes } from 'node:crypto';

let lastMs = -1;
// Random bytes are drawn in blocks: one system call per 400 ids instead of one per id.
const POOL_BYTES = 4000;
let pool = Buffer.alloc(0);
let poolAt = 0;

function random80(): bigint {
  if (poolAt + 10 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolAt = 0;
  }
  poolAt += 10;
  return BigInt(`0x${pool.toString('hex', poolAt - 10, poolAt)}`);
}

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
    lastRandom = random80() >> 1n;
  }
  return `${prefix}_${ms.toString(16).padStart(12, '0')}${lastRandom.toString(16).padStart(20, '0')}`;
}
