import { randomBytes } from 'node:crypto';

let lastMs = -1;
// Random bytes are drawn in blocks: one system call per 400 ids instead of one per id.
const POOL_BYTES = 4000;
let pool = Buffer.alloc(0);
let poolAt = 0;

/** 40 random bits as a number: two halves make the 80 bits, without BigInt arithmetic. */
function random40(): number {
  if (poolAt + 5 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolAt = 0;
  }
  poolAt += 5;
  return pool.readUIntBE(poolAt - 5, 5);
}

const HALF = 2 ** 40;
/** The 80 bits after the timestamp, as two 40-bit halves (numbers hold 53 bits exactly). */
let lastHigh = 0;
let lastLow = 0;
const hex10 = (n: number) => n.toString(16).padStart(10, '0');

/**
 * A time-ordered id (48-bit millisecond timestamp, then 80 bits, hex), so ids sort in creation
 * order and cursor paging by id follows it. Within one millisecond the 80 bits count up from a
 * random start (as monotonic ULIDs do), so ids made in the same millisecond still sort in order.
 */
export function newId(prefix: string, atMs: number = Date.now()): string {
  let ms = atMs;
  if (ms <= lastMs && (lastHigh < HALF - 1 || lastLow < HALF - 1)) {
    ms = lastMs;
    lastLow += 1;
    if (lastLow === HALF) {
      lastLow = 0;
      lastHigh += 1;
    }
  } else {
    lastMs = ms;
    // Start in the lower half so the counter has room before it could overflow.
    lastHigh = Math.floor(random40() / 2);
    lastLow = random40();
  }
  return `${prefix}_${ms.toString(16).padStart(12, '0')}${hex10(lastHigh)}${hex10(lastLow)}`;
}
