import type { Command } from 'commander';
import { formatMetricSelector } from '../../../core/metric-selector.js';
import type { CliContext } from '../cli-context.js';
import { formatFields, formatTable } from '../format-table.js';

const num = (x: number | null) => (x === null ? '-' : String(Number(x.toPrecision(6))));
const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(0)}%`);

/** `autonomy objective …`: objectives and the progress and forecast of their key results. */
export function objectiveCommand(program: Command, ctx: CliContext): Command {
  const objective = program
    .command('objective')
    .alias('objectives')
    .description('objectives and key results: progress, forecast, status');

  objective
    .command('list')
    .description('every key result of every objective, with its progress and status')
    .action(async () => {
      const items = await ctx.withControlPlane((cp) => cp.outcomes.listObjectives(ctx.principal));
      ctx.output(items, () => {
        if (items.length === 0) {
          ctx.print('no objectives (add them under objectives: in the organization file)');
          return;
        }
        const rows = items.flatMap((o) => o.keyResults.map((kr) => ({ o, kr })));
        ctx.printLines(
          formatTable(rows, [
            { header: 'OBJECTIVE', value: ({ o }) => o.id },
            { header: 'KEY RESULT', value: ({ kr }) => kr.id },
            { header: 'VALUE', value: ({ kr }) => num(kr.evaluation.value), align: 'right' },
            { header: 'TARGET', value: ({ kr }) => num(kr.target), align: 'right' },
            {
              header: 'PROGRESS',
              value: ({ kr }) => pct(kr.evaluation.progress),
              align: 'right',
            },
            {
              header: 'EXPECTED',
              value: ({ kr }) => pct(kr.evaluation.expectedProgress),
              align: 'right',
            },
            { header: 'FORECAST', value: ({ kr }) => num(kr.evaluation.forecast), align: 'right' },
            { header: 'STATUS', value: ({ kr }) => kr.evaluation.status },
          ]),
        );
      });
    });

  objective
    .command('show')
    .description('one objective: each key result, why it has its status, and its history')
    .argument('<id>', 'objective id')
    .action(async (id: string) => {
      const view = await ctx.withControlPlane((cp) => cp.outcomes.getObjective(ctx.principal, id));
      ctx.output(view, () => {
        ctx.print(`${view.id}  ${view.name} — ${view.status}`);
        if (view.owner !== null) ctx.print(`  owner ${view.owner}`);
        if (view.description !== '') ctx.print(`  ${view.description}`);
        for (const kr of view.keyResults) {
          const e = kr.evaluation;
          ctx.print();
          ctx.print(`key result ${kr.id}: ${kr.name}`);
          const fields: [string, string][] = [
            ['metric', formatMetricSelector(kr.metric)],
            ['period', `${kr.periodStart} → ${kr.periodEnd}`],
            ['read over', e.window === null ? '-' : `${e.window.from} → ${e.window.to}`],
            ['start → target', `${num(kr.start)} → ${num(kr.target)}`],
            [
              'value',
              `${num(e.value)} (${pct(e.progress)} of the way; ${pct(e.expectedProgress)} of the period elapsed)`,
            ],
            ['forecast', `${num(e.forecast)} at the period's end (${e.forecastMethod ?? '-'})`],
            ['status', `${e.status}: ${e.reason}`],
          ];
          ctx.printLines(formatFields(fields));
          const history = kr.history ?? [];
          if (history.length > 0)
            ctx.printLines(
              formatTable(history.slice(-24), [
                { header: 'AT', value: (s) => s.at },
                { header: 'VALUE', value: (s) => num(s.value), align: 'right' },
                { header: 'PROGRESS', value: (s) => pct(s.progress), align: 'right' },
                { header: 'FORECAST', value: (s) => num(s.forecast), align: 'right' },
                { header: 'STATUS', value: (s) => s.status },
              ]).map((row) => `  ${row}`),
            );
        }
      });
    });
  return objective;
}
