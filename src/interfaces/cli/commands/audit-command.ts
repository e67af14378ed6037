import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { EXIT_CHAIN_BROKEN } from '../exit-codes.js';

export function auditCommand(program: Command, ctx: CliContext): Command {
  const audit = program.command('audit').description('the tamper-evident event log');
  audit
    .command('verify')
    .description(
      `recompute the hash chain of the whole log; exit ${EXIT_CHAIN_BROKEN} if any event was altered, removed or inserted`,
    )
    .action(async () => {
      const result = await ctx.withControlPlane((cp) => cp.verifyAudit(ctx.principal));
      ctx.output(result, () => {
        if (result.problem === null)
          ctx.print(`chain ok: ${result.checked} events verified, head seq ${result.lastSeq}`);
        else ctx.print(`chain broken at event ${result.problem.seq}: ${result.problem.message}`);
      });
      if (!result.ok) ctx.exitCode = EXIT_CHAIN_BROKEN;
    });
  return audit;
}
