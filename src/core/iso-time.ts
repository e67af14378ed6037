/**
 * ISO 8601 timestamps (`Date#toISOString`) from epoch milliseconds and back, remembering the
 * last few conversions. Date formats one in about a microsecond and parses one in more; a
 * transition writes the same instant into several fields (updated, started, the lease, the
 * event) and the simulator runs whole bursts of transitions at one virtual instant, so most
 * conversions on the engine's path repeat one just made.
 */

/** The last few instants formatted, compared as numbers (cheap), newest overwriting oldest. */
const FORMATTED = 4;
const formattedMs = new Array<number>(FORMATTED).fill(Number.NaN);
const formattedIso = new Array<string>(FORMATTED).fill('');
let formattedNext = 0;
/**
 * Strings parsed (or formatted) lately, by string: a Map hashes a string once, where comparing
 * ISO strings, alike in their first dozen characters, costs a scan each. Cleared when it fills.
 */
const parsed = new Map<string, number>();
const PARSED = 64;

function rememberParsed(iso: string, ms: number): void {
  if (parsed.size >= PARSED) parsed.clear();
  parsed.set(iso, ms);
}

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
  for (let i = 0; i < FORMATTED; i++) if (formattedMs[i] === ms) return formattedIso[i] as string;
  const iso = format(ms);
  formattedMs[formattedNext] = ms;
  formattedIso[formattedNext] = iso;
  formattedNext = (formattedNext + 1) % FORMATTED;
  // What the string parses back to: whole milliseconds (+ 0 turns -0 into 0, as Date does).
  rememberParsed(iso, Math.trunc(ms) + 0);
  return iso;
}

/** `new Date(iso).getTime()` (NaN for a string that is no date, as Date gives). */
export function msOf(iso: string): number {
  let ms = parsed.get(iso);
  if (ms === undefined) {
    ms = new Date(iso).getTime();
    rememberParsed(iso, ms);
  }
  return ms;
}
