import { DomainError } from '../../core/errors.js';

/** A time series read from `timestamp,value` CSV, with each timestamp's text kept as written. */
export interface Series {
  timestampsMs: number[];
  values: number[];
  timestampTexts: string[];
}

const NAB_FORMAT = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?$/;
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
const EPOCH_SECONDS = /^-?\d+(\.\d+)?$/;

/**
 * Milliseconds since the epoch, or null when the text is none of the accepted forms: NAB's
 * `YYYY-MM-DD HH:MM:SS` (and ISO 8601 without a zone, both read as UTC, so a series means the
 * same wherever it is scored), ISO 8601 with a zone, or epoch seconds.
 */
export function parseTimestamp(text: string): number | null {
  const nab = NAB_FORMAT.exec(text);
  if (nab !== null) {
    const [, y, mo, d, h, mi, s, frac] = nab;
    const ms = Date.UTC(
      Number(y),
      Number(mo) - 1,
      Number(d),
      Number(h),
      Number(mi),
      Number(s),
      frac === undefined ? 0 : Math.round(Number(frac) * 1000),
    );
    // Date.UTC rolls 2024-02-31 over into March; such a date is a typo, not a timestamp.
    const back = new Date(ms);
    if (back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(d)) return null;
    if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
    return ms;
  }
  if (ISO_WITH_ZONE.test(text)) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : ms;
  }
  if (EPOCH_SECONDS.test(text)) return Number(text) * 1000;
  return null;
}

/** Splits a line into cells, honouring double quotes (spreadsheets quote freely). */
function cells(line: string): string[] {
  if (!line.includes('"')) return line.split(',').map((c) => c.trim());
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line.charAt(i);
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  out.push(cell.trim());
  return out;
}

/**
 * Parses `timestamp,value` CSV (a header row naming those two columns first, in that order; any
 * further columns are ignored). Every problem names its line. Timestamps must not go backwards,
 * unless `allowBackwards` (NAB's machine-temperature file steps back once, and NAB scores its
 * rows in file order).
 */
export function parseSeriesCsv(
  text: string,
  source: string,
  options: { allowBackwards?: boolean } = {},
): Series {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const fail = (line: number, message: string) =>
    new DomainError('validation_failed', `${source}:${line}: ${message}`);
  const header = cells(lines[0] ?? '').map((c) => c.toLowerCase());
  if (header[0] !== 'timestamp' || header[1] !== 'value')
    throw fail(
      1,
      `expected the header 'timestamp,value', found '${(lines[0] ?? '').slice(0, 80)}'`,
    );
  const series: Series = { timestampsMs: [], values: [], timestampTexts: [] };
  let previous = -Infinity;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const lineNo = i + 1;
    const [timestampText = '', valueText = ''] = cells(line);
    const ms = parseTimestamp(timestampText);
    if (ms === null)
      throw fail(
        lineNo,
        `timestamp '${timestampText}' is not 'YYYY-MM-DD HH:MM:SS', ISO 8601 or epoch seconds`,
      );
    const value = valueText === '' ? Number.NaN : Number(valueText);
    if (!Number.isFinite(value)) throw fail(lineNo, `value '${valueText}' is not a number`);
    if (ms < previous && options.allowBackwards !== true)
      throw fail(lineNo, `timestamp '${timestampText}' is earlier than the line before`);
    previous = ms;
    series.timestampsMs.push(ms);
    series.values.push(value);
    series.timestampTexts.push(timestampText);
  }
  return series;
}
