import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { formatTable } from '../format-table.js';
import { parsePositiveInt } from '../parse-options.js';

/** `autonomy redirect …`: move an agent's work to another actor or the queue. */
export function redirectCommand(program: Command, ctx: CliContext): Command {
  const redirect = program
    .command('redirect')
    .description('move an agent’s work to another actor or back to the queue, until lifted');

  redirect
    .command('add')
    .description('move what the agent holds or is offered now; it is given no work until lifted')
    .requiredOption('--agent <id>', 'the agent whose work moves')
    .option('--to <actor>', 'who receives it (default: the queue, for others)')
    .requiredOption('--reason <text>', 'why, recorded on every move')
    .action(async (options: { agent: string; to?: string; reason: string }) => {
      const done = await ctx.withControlPlane((cp) =>
        cp.controls.redirect(ctx.principal, {
          actorId: options.agent,
          to: options.to ?? null,
          reason: options.reason,
        }),
      );
      ctx.output(done, () => {
        const where = done.redirect.to === null ? 'the queue' : `'${done.redirect.to}'`;
        ctx.print(`${done.redirect.id}: the work of '${done.redirect.actorId}' goes to ${where}`);
        ctx.print(
          done.moved.length === 0
            ? 'it held nothing'
            : `moved: ${done.moved.map((m) => `${m.workItem} → ${m.to ?? 'queue'}`).join(', ')}`,
        );
      });
    });

  redirect
    .command('list')
    .description('redirects in force (--history: all, newest first)')
    .option('--history', 'lifted redirects too')
    .option('--limit <n>', 'at most this many', parsePositiveInt, 100)
    .action(async (options: { history?: boolean; limit: number }) => {
      const redirects = await ctx.withControlPlane((cp) =>
        cp.controls.listRedirects(ctx.principal, {
          active: options.history !== true,
          limit: options.limit,
        }),
      );
      ctx.output(redirects, () => {
        if (redirects.length === 0) {
          ctx.print(options.history === true ? 'no redirects' : 'no redirects in force');
          return;
        }
        ctx.printLines(
          formatTable(redirects, [
            { header: 'ID', value: (r) => r.id },
            { header: 'AGENT', value: (r) => r.actorId },
            { header: 'TO', value: (r) => r.to ?? 'queue' },
            { header: 'BY', value: (r) => r.appliedBy },
            { header: 'SINCE', value: (r) => r.appliedAt },
            { header: 'REASON', value: (r) => r.reason, maxWidth: 40 },
            { header: 'LIFTED', value: (r) => r.liftedAt ?? '-' },
          ]),
        );
      });
    });

  redirect
    .command('lift')
    .description('lift a redirect: the agent is given work again')
    .argument('<id>', 'redirect id')
    .requiredOption('--reason <text>', 'why')
    .action(async (id: string, options: { reason: string }) => {
      const lifted = await ctx.withControlPlane((cp) =>
        cp.controls.liftRedirect(ctx.principal, id, options.reason),
      );
      ctx.output(lifted, () => {
        ctx.print(`${lifted.id} lifted: '${lifted.actorId}' takes work again`);
      });
    });

  return redirect;
}
