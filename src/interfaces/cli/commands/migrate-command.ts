import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';

export function migrateCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('migrate')
    .description('create the database or bring its schema up to date (every command does this too)')
    .action(async () => {
      // Opening the control plane runs the migrations; what remains is to say where and that it worked.
      const { dialect, location, migrations } = await ctx.withControlPlane((cp) =>
        Promise.resolve({ dialect: cp.dialect, location: cp.location, migrations: cp.migrations }),
      );
      ctx.output(
        { dialect, location, applied: migrations.applied, current: migrations.current },
        () => {
          ctx.print(`${dialect} database at ${location}`);
          for (const name of migrations.applied) ctx.print(`applied ${name}`);
          ctx.print(`schema up to date (${migrations.current.length} migrations)`);
        },
      );
    });
}
