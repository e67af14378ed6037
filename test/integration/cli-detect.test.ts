import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliProcess, testDir } from '../support/cli.js';

/* `autonomy detect` as people run it: a separate process reading and writing CSV files. */

const dir = testDir('detect');
const cli = cliProcess;

/** 1,200 five-minute points of a daily cycle, with a spike at row 1000. */
function seriesCsv(): string {
  const start = Date.UTC(2024, 0, 1);
  const lines = ['timestamp,value'];
  for (let i = 0; i < 1200; i++) {
    const stamp = new Date(start + i * 300_000).toISOString().slice(0, 19).replace('T', ' ');
    const value =
      i === 1000 ? 500 : 50 + 10 * Math.sin((2 * Math.PI * i) / 288) + ((i * 37) % 11) / 10;
    lines.push(`${stamp},${value}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('autonomy detect', () => {
  it('writes timestamp,value,anomaly_score for every row and flags the spike', async () => {
    const input = join(dir, 'series.csv');
    const output = join(dir, 'scores.csv');
    writeFileSync(input, seriesCsv());
    const { code, stderr } = await cli('detect', '--input', input, '--output', output);
    expect(code).toBe(0);
    expect(stderr).toMatch(/^scored 1200 points → .*scores\.csv; \d+ scored 0\.5 or more; highest/);
    const lines = readFileSync(output, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('timestamp,value,anomaly_score');
    expect(lines).toHaveLength(1201);
    expect(lines[1]).toBe('2024-01-01 00:00:00,50,0');
    const spike = lines[1001]?.split(',');
    expect(spike?.[0]).toBe('2024-01-04 11:20:00');
    expect(Number(spike?.[2])).toBeGreaterThanOrEqual(0.5);
    const scores = lines.slice(1).map((l) => Number(l.split(',')[2]));
    expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);
  });

  it('rejects bad input with the line named, exit 2, and writes nothing', async () => {
    const output = join(dir, 'never.csv');
    const cases: [string, RegExp][] = [
      ['time,value\n1,2\n', /bad-0\.csv:1: expected the header 'timestamp,value'/],
      [
        'timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 00:05:00,n/a\n',
        /bad-1\.csv:3: value 'n\/a' is not a number/,
      ],
      [
        'timestamp,value\n2024-01-01 00:05:00,1\n2024-01-01 00:00:00,2\n',
        /bad-2\.csv:3: timestamp '2024-01-01 00:00:00' is earlier than the line before/,
      ],
    ];
    const runs = cases.map(async ([text, message], i) => {
      const input = join(dir, `bad-${i}.csv`);
      writeFileSync(input, text);
      const result = await cli('detect', '--input', input, '--output', output);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });
    const missing = cli('detect', '--input', join(dir, 'absent.csv'), '--output', output).then(
      (result) => {
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(/input file '.*absent\.csv' does not exist/);
      },
    );
    await Promise.all([...runs, missing]);
    expect(existsSync(output)).toBe(false);
  });
});
