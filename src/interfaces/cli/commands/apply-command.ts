import type { Command } from 'commander';
import { applyOrgFile, describeApplyOutcome } from '../apply-org-file.js';
import type { CliContext } from '../cli-context.js';
import { readOrgFile } from '../read-org-file.js';

interface ApplyOptions {
  file: string;
  dryRun?: boolean;
}

export function applyCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('apply')
    .description(
      'validate an organization file, show what it changes, and apply it in one transaction',
    )
    .requiredOption('-f, --file <file>', 'organization file (YAML)')
    .option('--dry-run', 'only show the changes')
    .action(async (options: ApplyOptions) => {
      // Validate before opening the database: a broken file needs none, and must not create one.
      const desired = await readOrgFile(options.file);
      const outcome = await ctx.withControlPlane((cp) =>
        applyOrgFile(ctx, cp, options.file, desired, { dryRun: options.dryRun === true }),
      );
      ctx.output(outcome, () => {
        ctx.printLines(describeApplyOutcome(outcome));
      });
    });
}
