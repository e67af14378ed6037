import type { Command } from 'commander';
import { formatMetricSelector } from '../../../core/metric-selector.js';
import type { SloTimeWindow } from '../../../core/slo-config.js';
import { formatDuration } from '../../../core/duration.js';
import type { CliContext } from '../cli-context.js';
import { formatFields, formatTable } from '../format-table.js';

const pct = (x: number | null, digits = 2) => (x === null ? '-' : `${(x * 100).toFixed(digits)}%`);
const rate = (x: number | null) => (x === null ? '-' : `${x.toFixed(2)}x`);

function windowText(window: SloTimeWindow): string {
  return window.kind === 'rolling'
    ? `rolling ${formatDuration(window.seconds)}`
    : `calendar ${window.count}${window.unit} from ${window.startTime}`;
}

/** `autonomy slo …`: the SLOs applied from OpenSLO files, their error budgets and burn rates. */
export function sloCommand(program: Command, ctx: CliContext): Command {
  const slo = program
    .command('slo')
    .alias('slos')
    .description('service level objectives: error budgets and burn-rate alerts');

  slo
    .command('list')
    .description('every SLO with its status and error budget remaining')
    .action(async () => {
      const items = await ctx.withControlPlane((cp) => cp.outcomes.listSlos(ctx.principal));
      ctx.output(items, () => {
        if (items.length === 0) {
          ctx.print('no SLOs (name OpenSLO files under slos: in the organization file)');
          return;
        }
        const rows = items.flatMap((s) => s.objectives.map((o) => ({ s, o })));
        ctx.printLines(
          formatTable(rows, [
            { header: 'SLO', value: ({ s }) => s.name },
            { header: 'SERVICE', value: ({ s }) => s.service },
            { header: 'OBJECTIVE', value: ({ o }) => o.name },
            { header: 'TARGET', value: ({ o }) => pct(o.target, 3), align: 'right' },
            { header: 'SLI', value: ({ o }) => pct(o.sli, 3), align: 'right' },
            {
              header: 'BUDGET LEFT',
              value: ({ o }) => pct(o.errorBudget.remaining, 1),
              align: 'right',
            },
            { header: 'STATUS', value: ({ o }) => o.status },
            {
              header: 'FIRING',
              value: ({ o }) =>
                o.alerts
                  .filter((a) => a.firing)
                  .map((a) => `${a.severity} ${a.window}`)
                  .join(', ') || '-',
            },
          ]),
        );
        for (const s of items.filter((i) => i.reason !== undefined))
          ctx.print(`${s.name}: ${s.reason ?? ''}`);
      });
    });

  slo
    .command('show')
    .description('one SLO: its indicator, window, budget and every burn-rate window')
    .argument('<name>', 'the SLO name (metadata.name)')
    .action(async (name: string) => {
      const view = await ctx.withControlPlane((cp) => cp.outcomes.getSlo(ctx.principal, name));
      ctx.output(view, () => {
        const d = view.definition;
        const indicator = d.indicator;
        ctx.print(
          `${d.name}  ${d.displayName}${d.description === '' ? '' : ` — ${d.description}`}`,
        );
        const fields: [string, string][] = [
          ['service', d.service],
          ['status', view.status + (view.reason === undefined ? '' : ` (${view.reason})`)],
          [
            'indicator',
            indicator.good === null
              ? `1 − ${formatMetricSelector(indicator.bad ?? indicator.total)} / ${formatMetricSelector(indicator.total)}`
              : `${formatMetricSelector(indicator.good)} / ${formatMetricSelector(indicator.total)}`,
          ],
          ['window', windowText(d.timeWindow)],
          ['budget window', `${view.budgetWindow.from} → ${view.budgetWindow.to}`],
          ['events', view.total === null ? '-' : String(view.total)],
        ];
        ctx.printLines(formatFields(fields));
        for (const o of view.objectives) {
          ctx.print();
          ctx.print(
            `objective ${o.name}: target ${pct(o.target, 3)}, SLI ${pct(o.sli, 3)}, budget spent ${pct(o.errorBudget.consumed, 1)}, left ${pct(o.errorBudget.remaining, 1)} — ${o.status}`,
          );
          ctx.printLines(
            formatTable(o.alerts, [
              { header: 'ALERT', value: (a) => a.severity },
              { header: 'WINDOWS', value: (a) => `${a.window} + ${a.shortWindow}` },
              { header: 'THRESHOLD', value: (a) => `${a.factor}x`, align: 'right' },
              { header: 'LONG', value: (a) => rate(a.longBurnRate), align: 'right' },
              { header: 'SHORT', value: (a) => rate(a.shortBurnRate), align: 'right' },
              { header: 'FIRING', value: (a) => (a.firing ? 'yes' : 'no') },
            ]).map((row) => `  ${row}`),
          );
        }
      });
    });
  return slo;
}
