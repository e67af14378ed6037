import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { formatTable } from '../format-table.js';

const round = (n: number) => String(Math.round(n * 100) / 100);

/** `autonomy budget`: the agents' budgets and rate limits, and what they used of them. */
export function budgetCommand(program: Command, ctx: CliContext): Command {
  const budget = program
    .command('budget')
    .description('agents’ budgets and rate limits (set in org.yaml), and their usage');

  budget
    .command('show')
    .description('each budgeted agent’s limits and usage in the current minute, day and month')
    .argument('[agent]', 'one agent only')
    .action(async (agent: string | undefined) => {
      const reports = await ctx.withControlPlane((cp) => cp.controls.budgets(ctx.principal, agent));
      ctx.output(reports, () => {
        const rows = reports.flatMap((r) => r.usage.map((u) => ({ agent: r.budget.agent, ...u })));
        if (rows.length === 0) {
          ctx.print(agent === undefined ? 'no budgets' : `no budget for '${agent}'`);
          return;
        }
        ctx.printLines(
          formatTable(rows, [
            { header: 'AGENT', value: (r) => r.agent },
            { header: 'WINDOW', value: (r) => r.window },
            { header: 'PERIOD', value: (r) => r.period },
            { header: 'USED', value: (r) => round(r.used) },
            { header: 'LIMIT', value: (r) => round(r.limit) },
            { header: 'RESETS', value: (r) => r.resetsAt },
          ]),
        );
      });
    });

  return budget;
}
