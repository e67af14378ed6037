import { describe, expect, it } from 'vitest';
import { isDomainError } from '../../core/errors.js';
import { parseSeriesCsv, parseTimestamp } from './parse-series-csv.js';

function failure(text: string): string {
  try {
    parseSeriesCsv(text, 'in.csv');
  } catch (error) {
    if (isDomainError(error)) return error.message;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('parseSeriesCsv', () => {
  it('reads NAB, ISO 8601 and epoch-second timestamps, keeping their text', () => {
    const series = parseSeriesCsv(
      'timestamp,value\r\n2014-07-01 00:00:00,10844\n2014-07-01T00:30:00Z,8127.5\n"1404176400",-3e2\n\n',
      'in.csv',
    );
    expect(series.values).toEqual([10844, 8127.5, -300]);
    expect(series.timestampsMs).toEqual([1404172800000, 1404174600000, 1404176400000]);
    expect(series.timestampTexts).toEqual([
      '2014-07-01 00:00:00',
      '2014-07-01T00:30:00Z',
      '1404176400',
    ]);
    expect(parseTimestamp('2014-07-01T02:00:00+02:00')).toBe(1404172800000);
    expect(parseTimestamp('2014-02-30 00:00:00')).toBeNull();
  });

  it('names the line of every problem', () => {
    expect(failure('time,value\n1,2\n')).toMatch(
      /^in\.csv:1: expected the header 'timestamp,value'/,
    );
    expect(failure('timestamp,value\n2014-07-01 00:00:00,1\n2014-07-01 00:05:00,abc\n')).toBe(
      "in.csv:3: value 'abc' is not a number",
    );
    expect(failure('timestamp,value\n2014-07-01 00:00:00,\n')).toBe(
      "in.csv:2: value '' is not a number",
    );
    expect(failure('timestamp,value\nyesterday,1\n')).toMatch(/^in\.csv:2: timestamp 'yesterday'/);
    expect(failure('timestamp,value\n2014-07-01 00:05:00,1\n2014-07-01 00:00:00,2\n')).toBe(
      "in.csv:3: timestamp '2014-07-01 00:00:00' is earlier than the line before",
    );
  });

  it('accepts a step back when asked to (NAB scores rows in file order)', () => {
    const text = 'timestamp,value\n2014-07-01 00:05:00,1\n2014-07-01 00:00:00,2\n';
    expect(parseSeriesCsv(text, 'in.csv', { allowBackwards: true }).values).toEqual([1, 2]);
  });
});
