/**
 * ISO 8601 timestamps (`Date#toISOString`) from epoch milliseconds and back, remembering the
 * last few conversions. Date formats one in about a microsecond and parses one in more; a
 * transition writes the same instant into several fields (updated, started, the lease, the
 * event) and the simulator runs whole bursts of transitions at one virtual instant, so most
 * conversions on the engine's path repeat one just made.
 */

/**
 * The last few instants formatted and strings parsed, newest overwriting oldest: a transition's
 * times are mostly the very strings just made, which compare equal at once.
 */
const SIZE = 4;
const formattedMs = new Array<number>(SIZE).fill(Number.NaN);
const formattedIso = new Array<string>(SIZE).fill('');
let formattedNext = 0;
const parsedIso = new Array<string>(SIZE).fill('');
const parsedMs = new Array<number>(SIZE).fill(Number.NaN);
let parsedNext = 0;

const DAY_MS = 86_400_000;
/** Years 0000–9999, which Date writes with four digits (others as ±YYYYYY). */
const FIRST_MS = -62_167_219_200_000;
const LAST_MS = 253_402_300_799_999;
const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);
/** The date part (`YYYY-MM-DDT`) of the last day formatted: the calendar is Date's own. */
let lastDay = Number.NaN;
let lastDayPrefix = '';

/**
 * As Date writes it, about five times faster: the day's `YYYY-MM-DDT` comes from Date once
 * per day, the time of day is plain arithmetic.
 */
function format(ms: number): string {
  if (!(ms >= FIRST_MS && ms <= LAST_MS)) return new Date(ms).toISOString();
  // A time value is a whole number of milliseconds: Date drops the fraction (toward zero).
  const whole = Math.trunc(ms);
  const day = Math.floor(whole / DAY_MS);
  if (day !== lastDay) {
    lastDayPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    lastDay = day;
  }
  let rest = whole - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  return `${lastDayPrefix}${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${pad3(rest - seconds * 1000)}Z`;
}

/** `new Date(ms).toISOString()`. */
export function isoAt(ms: number): string {
  for (let i = 0; i < SIZE; i++) if (formattedMs[i] === ms) return formattedIso[i] as string;
  const iso = format(ms);
  formattedMs[formattedNext] = ms;
  formattedIso[formattedNext] = iso;
  formattedNext = (formattedNext + 1) % SIZE;
  return iso;
}

/** `new Date(iso).getTime()` (NaN for a string that is no date, as Date gives). */
export function msOf(iso: string): number {
  for (let i = 0; i < SIZE; i++) {
    // What a formatted string parses back to: whole milliseconds (+ 0 turns -0 into 0, as Date
    // does).
    if (formattedIso[i] === iso) return Math.trunc(formattedMs[i] as number) + 0;
    if (parsedIso[i] === iso) return parsedMs[i] as number;
  }
  const ms = new Date(iso).getTime();
  parsedIso[parsedNext] = iso;
  parsedMs[parsedNext] = ms;
  parsedNext = (parsedNext + 1) % SIZE;
  return ms;
}
