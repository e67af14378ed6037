import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { formatTable } from '../format-table.js';
import { parsePositiveInt } from '../parse-options.js';

/** `autonomy pause …`: refuse one class of an agent's actions without stopping it. */
export function pauseCommand(program: Command, ctx: CliContext): Command {
  const pause = program
    .command('pause')
    .description('pause one class of an agent’s actions (work, or a custom action’s class)');

  pause
    .command('add')
    .description('pause now: the agent’s requests of that class are refused from the next one')
    .requiredOption('--agent <id>', 'the agent')
    .option('--class <name>', 'the action class: work, or a custom action’s class', 'work')
    .requiredOption('--reason <text>', 'why, shown wherever the pause refuses something')
    .action(async (options: { agent: string; class: string; reason: string }) => {
      const done = await ctx.withControlPlane((cp) =>
        cp.controls.pause(ctx.principal, {
          actorId: options.agent,
          actionClass: options.class,
          reason: options.reason,
        }),
      );
      ctx.output(done, () => {
        ctx.print(`${done.id}: the '${done.actionClass}' actions of '${done.actorId}' are paused`);
      });
    });

  pause
    .command('list')
    .description('pauses in force (--history: all, newest first)')
    .option('--history', 'lifted pauses too')
    .option('--limit <n>', 'at most this many', parsePositiveInt, 100)
    .action(async (options: { history?: boolean; limit: number }) => {
      const pauses = await ctx.withControlPlane((cp) =>
        cp.controls.listPauses(ctx.principal, {
          active: options.history !== true,
          limit: options.limit,
        }),
      );
      ctx.output(pauses, () => {
        if (pauses.length === 0) {
          ctx.print(options.history === true ? 'no pauses' : 'no pauses in force');
          return;
        }
        ctx.printLines(
          formatTable(pauses, [
            { header: 'ID', value: (p) => p.id },
            { header: 'AGENT', value: (p) => p.actorId },
            { header: 'CLASS', value: (p) => p.actionClass },
            { header: 'BY', value: (p) => p.appliedBy },
            { header: 'SINCE', value: (p) => p.appliedAt },
            { header: 'REASON', value: (p) => p.reason, maxWidth: 40 },
            { header: 'LIFTED', value: (p) => p.liftedAt ?? '-' },
          ]),
        );
      });
    });

  pause
    .command('lift')
    .description('lift a pause: the agent’s actions of that class go on')
    .argument('<id>', 'pause id')
    .requiredOption('--reason <text>', 'why')
    .action(async (id: string, options: { reason: string }) => {
      const lifted = await ctx.withControlPlane((cp) =>
        cp.controls.liftPause(ctx.principal, id, options.reason),
      );
      ctx.output(lifted, () => {
        ctx.print(`${lifted.id} lifted: '${lifted.actorId}' may ${lifted.actionClass} again`);
      });
    });

  return pause;
}
