import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { CliContext, type CliIo } from './cli-context.js';
import { actorCommand } from './commands/actor-command.js';
import { approvalCommand, authorityCommand } from './commands/approval-command.js';
import { applyCommand } from './commands/apply-command.js';
import { auditCommand } from './commands/audit-command.js';
import { detectCommand } from './commands/detect-command.js';
import { eventsCommand } from './commands/events-command.js';
import { exceptionCommand, inboxCommand, silenceCommand } from './commands/exception-command.js';
import { haltCommand } from './commands/halt-command.js';
import { trustCommand } from './commands/trust-command.js';
import { pauseCommand } from './commands/pause-command.js';
import { redirectCommand } from './commands/redirect-command.js';
import { budgetCommand } from './commands/budget-command.js';
import { mcpCommand } from './commands/mcp-command.js';
import { exportCommand } from './commands/export-command.js';
import { kpiCommand } from './commands/kpi-command.js';
import { migrateCommand } from './commands/migrate-command.js';
import { objectiveCommand } from './commands/objective-command.js';
import { routeCommand } from './commands/route-command.js';
import { serveCommand } from './commands/serve-command.js';
import { demoCommand } from './commands/demo-command.js';
import { simulateCommand } from './commands/simulate-command.js';
import { sloCommand } from './commands/slo-command.js';
import { tokenCommand } from './commands/token-command.js';
import { workCommand } from './commands/work-command.js';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { reportError } from './report-error.js';

/**
 * The process streams. When stdout's reader goes away (a pipe into `head`), writing fails with
 * EPIPE as an 'error' event that would crash the process with a stack trace; instead, output
 * stops and commands that would print forever are told to finish.
 */
function processIo(): { io: CliIo; dispose(): void } {
  const closed = new AbortController();
  const onError = (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE')
      process.stderr.write(`error: cannot write output: ${error.message}\n`);
    closed.abort();
  };
  process.stdout.on('error', onError);
  return {
    io: {
      stdout: (text) => {
        if (!closed.signal.aborted) process.stdout.write(text);
      },
      stderr: (text) => process.stderr.write(text),
      closed: closed.signal,
      ...(process.stderr.isTTY ? { progress: process.stderr } : {}),
    },
    dispose: () => process.stdout.off('error', onError),
  };
}

function packageVersion(): string {
  // The same relative path from src/ (run with tsx) and dist/ (built).
  const pkg = JSON.parse(
    readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
  ) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}

const EXIT_CODES_HELP = `
Exit codes:
  0   success
  1   unexpected failure (set AUTONOMY_DEBUG=1 for the stack trace)
  2   invalid command line, input or configuration
  3   something named does not exist
  4   conflict (illegal state transition, capacity, concurrent change)
  5   not allowed
  6   unavailable
  10  audit verify: the event log's hash chain is broken`;

/**
 * The `autonomy` command. Returns the exit code instead of exiting, so it can be embedded and
 * tested, and so a command's cleanup (closing the store, the server) always runs.
 */
export async function main(
  argv: string[],
  options: { io?: CliIo; env?: NodeJS.ProcessEnv } = {},
): Promise<number> {
  const streams =
    options.io === undefined ? processIo() : { io: options.io, dispose: () => undefined };
  const io = streams.io;
  const env = options.env ?? process.env;
  const program = new Command('autonomy');
  const ctx = new CliContext(io, env, program);

  program
    .description('Control plane of a self-managing organization.')
    .version(packageVersion(), '-V, --version')
    .option(
      '--db <url>',
      'SQLite file or postgres:// URL (default AUTONOMY_DATABASE_URL or ./data/autonomy.db)',
    )
    .option('--json', 'machine-readable output')
    .addHelpText('after', EXIT_CODES_HELP)
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(add --help for usage)')
    // Errors become exceptions here rather than process.exit, so they share one exit path.
    // Set before the commands are added: subcommands inherit these settings when created.
    .exitOverride();

  serveCommand(program, ctx);
  demoCommand(program, ctx);
  migrateCommand(program, ctx);
  applyCommand(program, ctx);
  exportCommand(program, ctx);
  tokenCommand(program, ctx);
  workCommand(program, ctx);
  actorCommand(program, ctx);
  eventsCommand(program, ctx);
  auditCommand(program, ctx);
  exceptionCommand(program, ctx);
  silenceCommand(program, ctx);
  haltCommand(program, ctx);
  approvalCommand(program, ctx);
  authorityCommand(program, ctx);
  trustCommand(program, ctx);
  pauseCommand(program, ctx);
  redirectCommand(program, ctx);
  budgetCommand(program, ctx);
  mcpCommand(program, ctx);
  inboxCommand(program, ctx);
  simulateCommand(program, ctx);
  routeCommand(program, ctx);
  detectCommand(program, ctx);
  kpiCommand(program, ctx);
  sloCommand(program, ctx);
  objectiveCommand(program, ctx);

  try {
    await program.parseAsync(argv);
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message (or the help) already. Help and --version exit 0;
      // everything else it raises is a usage error, and bare `autonomy` shows help as one.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    return reportError(error, io, { json: ctx.json, debug: ctx.debug });
  } finally {
    streams.dispose();
  }
}
