import type { Command } from 'commander';
import { DomainError } from '../../../core/errors.js';
import { describeScope, type HaltScope } from '../../../core/halt.js';
import type { CliContext } from '../cli-context.js';
import { formatTable } from '../format-table.js';
import { parsePositiveInt } from '../parse-options.js';

interface AddOptions {
  agent?: string;
  domain?: string;
  all?: boolean;
  reason: string;
}

/** The one scope the options name; naming none or several is a usage error. */
function scopeOf(options: AddOptions): HaltScope {
  const named: HaltScope[] = [
    ...(options.agent === undefined ? [] : [{ kind: 'actor' as const, id: options.agent }]),
    ...(options.domain === undefined ? [] : [{ kind: 'domain' as const, id: options.domain }]),
    ...(options.all === true ? [{ kind: 'all' as const }] : []),
  ];
  const [scope] = named;
  if (named.length !== 1 || scope === undefined)
    throw new DomainError('validation_failed', 'name what to halt: --agent, --domain or --all', {
      issues: [{ path: 'scope', message: 'exactly one of --agent, --domain, --all' }],
    });
  return scope;
}

/** `autonomy halt …`: stop agents (one, a domain's, all) until a person lifts the halt. */
export function haltCommand(program: Command, ctx: CliContext): Command {
  const halt = program
    .command('halt')
    .description('stop agents — one, a domain’s, or all — until the halt is lifted');

  halt
    .command('add')
    .description('halt agents now: their work goes back to the queue, their tokens may only read')
    .option('--agent <id>', 'one agent')
    .option('--domain <id>', 'every agent of a domain')
    .option('--all', 'every agent (stop the line)')
    .requiredOption('--reason <text>', 'why, shown wherever the halt refuses something')
    .action(async (options: AddOptions) => {
      const scope = scopeOf(options);
      const done = await ctx.withControlPlane((cp) =>
        cp.halt(ctx.principal, scope, options.reason),
      );
      ctx.output(done, () => {
        ctx.print(`${done.halt.id}: ${describeScope(scope)} halted`);
        ctx.print(
          done.requeued.length === 0
            ? 'no work was held'
            : `back to the queue: ${done.requeued.join(', ')}`,
        );
      });
    });

  halt
    .command('list')
    .description('halts in force (--history: all, newest first)')
    .option('--history', 'lifted halts too')
    .option('--limit <n>', 'at most this many', parsePositiveInt, 100)
    .action(async (options: { history?: boolean; limit: number }) => {
      const halts = await ctx.withControlPlane((cp) =>
        cp.listHalts(ctx.principal, { active: options.history !== true, limit: options.limit }),
      );
      ctx.output(halts, () => {
        if (halts.length === 0) {
          ctx.print(options.history === true ? 'no halts' : 'no halts in force');
          return;
        }
        ctx.printLines(
          formatTable(halts, [
            { header: 'ID', value: (h) => h.id },
            { header: 'SCOPE', value: (h) => describeScope(h.scope) },
            { header: 'BY', value: (h) => h.haltedBy },
            { header: 'SINCE', value: (h) => h.haltedAt },
            { header: 'REASON', value: (h) => h.reason, maxWidth: 40 },
            { header: 'LIFTED', value: (h) => h.liftedAt ?? '-' },
          ]),
        );
      });
    });

  halt
    .command('lift')
    .description('lift a halt: its agents take work again')
    .argument('<id>', 'halt id')
    .requiredOption('--reason <text>', 'why')
    .action(async (id: string, options: { reason: string }) => {
      const lifted = await ctx.withControlPlane((cp) =>
        cp.liftHalt(ctx.principal, id, options.reason),
      );
      ctx.output(lifted, () => {
        ctx.print(`${lifted.id} lifted: ${describeScope(lifted.scope)} may take work again`);
      });
    });

  return halt;
}
