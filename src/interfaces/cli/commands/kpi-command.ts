import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { parseDuration } from '../../../core/duration.js';
import { kpiCsv } from '../../../performance/kpi-csv.js';
import {
  BREAKDOWN_LABELS,
  KPI_NAMES,
  type BreakdownLabel,
  type KpiReport,
} from '../../../performance/read-kpis.js';
import { windowEndingNow } from '../../../performance/rollup-buckets.js';
import type { CliContext } from '../cli-context.js';
import { formatTable } from '../format-table.js';
import { parseTime } from '../parse-options.js';

interface KpiOptions {
  from?: string;
  to?: string;
  last: string;
  by?: BreakdownLabel[];
  domain?: string;
  workType?: string;
  actor?: string;
  actorKind?: string;
  format?: 'table' | 'csv' | 'json';
  output?: string;
}

function parseBy(value: string, previous: BreakdownLabel[] | undefined): BreakdownLabel[] {
  const labels = value
    .split(',')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  for (const label of labels)
    if (!(BREAKDOWN_LABELS as readonly string[]).includes(label))
      throw new InvalidArgumentError(
        `unknown label '${label}'; one of ${BREAKDOWN_LABELS.join(', ')}`,
      );
  return [...new Set([...(previous ?? []), ...(labels as BreakdownLabel[])])];
}

function parseFormat(value: string): 'table' | 'csv' | 'json' {
  if (value !== 'table' && value !== 'csv' && value !== 'json')
    throw new InvalidArgumentError('expected table, csv or json');
  return value;
}

function parseLast(value: string): string {
  const seconds = parseDuration(value);
  if (seconds === null || seconds <= 0)
    throw new InvalidArgumentError('expected a duration such as 24h or 30d');
  return value;
}

/** Durations as seconds with one decimal, ratios as percentages: a table for people. */
function show(name: string, value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  if (name.endsWith('_seconds')) return value.toFixed(1);
  if (/ratio|rate|attainment/.test(name) && name !== 'throughput_per_hour')
    return `${(value * 100).toFixed(1)}%`;
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function tableText(report: KpiReport): string {
  if (report.rows.length === 0) return `no data from ${report.from} to ${report.to}\n`;
  // One column per breakdown row, one line per KPI: fits a terminal whatever the KPI count.
  const names = report.rows.map((r) =>
    report.by.length === 0 ? 'all' : report.by.map((l) => r.labels[l] || '-').join('/'),
  );
  const lines = formatTable(KPI_NAMES, [
    { header: report.by.length === 0 ? 'kpi' : report.by.join('/'), value: (k: string) => k },
    ...report.rows.map((row, i) => ({
      header: names[i] ?? '',
      value: (k: string) => show(k, row.values[k]),
      align: 'right' as const,
    })),
  ]);
  return `KPIs from ${report.from} to ${report.to}\n${lines.join('\n')}\n`;
}

export function kpiCommand(program: Command, ctx: CliContext): Command {
  const kpi = program
    .command('kpi')
    .description('KPIs over a time range from the rollups, with breakdowns; table, CSV or JSON')
    .option(
      '--from <time>',
      'start of the range (ISO 8601); default: --last before --to',
      parseTime,
    )
    .option(
      '--to <time>',
      'end of the range, exclusive; default: now (the end of the current minute)',
      parseTime,
    )
    .option(
      '--last <duration>',
      'the range ending at --to, when --from is not given',
      parseLast,
      '30d',
    )
    .option(
      '--by <labels>',
      `break down by labels (comma-separated, repeatable): ${BREAKDOWN_LABELS.join(', ')}`,
      parseBy,
    )
    .option('--domain <id>', 'only series of this domain')
    .option('--work-type <id>', 'only series of this work type')
    .option('--actor <id>', 'only series of this actor')
    .option('--actor-kind <kind>', 'only series of humans or agents')
    .option('--format <format>', 'table (default), csv or json (also --json)', parseFormat)
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (options: KpiOptions) => {
      const report = await ctx.withControlPlane((cp) => {
        const to = options.to ?? windowEndingNow(cp.clock.now());
        const from =
          options.from ??
          new Date(Date.parse(to) - (parseDuration(options.last) ?? 0) * 1000).toISOString();
        const filter: Record<string, string> = {};
        if (options.domain !== undefined) filter.domain = options.domain;
        if (options.workType !== undefined) filter.work_type = options.workType;
        if (options.actor !== undefined) filter.actor = options.actor;
        if (options.actorKind !== undefined) filter.actor_kind = options.actorKind;
        return cp.performance.kpis(ctx.principal, { from, to, by: options.by ?? [], filter });
      });
      const format = options.format ?? (ctx.json ? 'json' : 'table');
      const text =
        format === 'json'
          ? `${JSON.stringify(report, null, 2)}\n`
          : format === 'csv'
            ? kpiCsv(report)
            : tableText(report);
      if (options.output === undefined) {
        ctx.io.stdout(text);
        return;
      }
      await writeFile(options.output, text);
      ctx.note(`wrote ${report.rows.length} rows to ${options.output}`);
    });

  kpi
    .command('rebuild')
    .description(
      'recompute every rollup from the event log (the result equals the incremental one)',
    )
    .action(async () => {
      const folded = await ctx.withControlPlane((cp) => cp.performance.rebuild(ctx.principal));
      ctx.output({ folded }, () => {
        ctx.print(`rebuilt the rollups from ${folded} events`);
      });
    });
  return kpi;
}
