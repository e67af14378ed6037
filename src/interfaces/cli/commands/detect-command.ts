import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { DomainError } from '../../../core/errors.js';
import type { CliContext } from '../cli-context.js';

interface DetectOptions {
  input: string;
  output?: string;
  reasons?: boolean;
}

/** Scores rounded for the file: six decimals separate every threshold worth choosing. */
const formatScore = (score: number) => String(Number(score.toFixed(6)));

/** A CSV cell: quoted only when it must be. */
const cell = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

export function detectCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('detect')
    .description(
      'score every point of a time series for anomaly, causally (each score from that point and the ones before it)',
    )
    .requiredOption('--input <file>', 'CSV with a header row: timestamp,value')
    .option('--output <file>', 'CSV to write: timestamp,value,anomaly_score (default: stdout)')
    .option('--reasons', 'add a reason column: which part of the detector produced the score')
    .addHelpText(
      'after',
      `
Timestamps: 'YYYY-MM-DD HH:MM:SS' (UTC), ISO 8601, or epoch seconds, in time order.
Scores are in [0, 1]; 0.5 and above is rare on a well-behaved series.`,
    )
    .action(async (options: DetectOptions) => {
      let text: string;
      try {
        text = await readFile(options.input, 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES')
          throw new DomainError(
            'validation_failed',
            code === 'ENOENT'
              ? `input file '${options.input}' does not exist`
              : `cannot read input file '${options.input}' (${code})`,
          );
        throw error;
      }
      // Loaded here, so the other commands do not pay for the detector at every start.
      const { parseSeriesCsv } = await import('../parse-series-csv.js');
      const { createAnomalyDetector } =
        await import('../../../monitoring/anomaly/create-anomaly-detector.js');
      const series = parseSeriesCsv(text, options.input);
      const detector = createAnomalyDetector();
      const lines = [`timestamp,value,anomaly_score${options.reasons === true ? ',reason' : ''}`];
      let anomalies = 0;
      let highest = { score: 0, row: -1 };
      for (let i = 0; i < series.values.length; i++) {
        const value = series.values[i] ?? 0;
        const score = detector.update(series.timestampsMs[i] ?? 0, value);
        if (score >= 0.5) anomalies++;
        if (score > highest.score) highest = { score, row: i };
        const stamp = cell(series.timestampTexts[i] ?? '');
        lines.push(
          `${stamp},${value},${formatScore(score)}${options.reasons === true ? `,${detector.reason}` : ''}`,
        );
      }
      const body = `${lines.join('\n')}\n`;
      const summary = {
        input: options.input,
        output: options.output ?? null,
        points: series.values.length,
        scoredAtLeastHalf: anomalies,
        highest:
          highest.row === -1
            ? null
            : { timestamp: series.timestampTexts[highest.row], score: highest.score },
      };
      if (options.output === undefined) {
        ctx.io.stdout(body);
        return;
      }
      // Written aside and renamed, so a failed write never leaves half a file behind.
      const partial = `${options.output}.partial-${process.pid}`;
      try {
        await writeFile(partial, body);
        await rename(partial, options.output);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
      ctx.output(summary, () => {
        ctx.note(
          `scored ${summary.points} points → ${options.output}; ${anomalies} scored 0.5 or more` +
            (summary.highest === null
              ? ''
              : `; highest ${formatScore(summary.highest.score)} at ${summary.highest.timestamp}`),
        );
      });
    });
}
