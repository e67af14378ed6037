import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { Principal } from '../../core/principal.js';
import { ControlPlane } from '../../runtime/control-plane.js';
import { loadRuntimeConfig, type RuntimeConfig } from '../../runtime/runtime-config.js';

/** Where the CLI writes; the process streams in production, buffers when embedded. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Aborted when stdout's reader is gone (`autonomy events tail -f | head`): stop producing. */
  closed?: AbortSignal;
  /** A terminal to draw progress bars on (stderr when it is one); none when embedded or piped. */
  progress?: NodeJS.WritableStream;
}

export interface GlobalOptions {
  db?: string;
  json?: boolean;
}

/**
 * The CLI acts with the rights of whoever can open the database, recorded under their login so
 * the audit log says who applied what. Containers without a passwd entry make `userInfo` throw.
 */
function cliPrincipal(env: NodeJS.ProcessEnv): Principal {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = env.USER ?? env.USERNAME ?? 'unknown';
  }
  return { kind: 'cli', user };
}

const NEVER = new AbortController().signal;

/** What every command needs: the global options, output, and the control plane. */
export class CliContext {
  /** Set by commands whose outcome is not an error but still not success (a broken chain). */
  exitCode = 0;
  readonly principal: Principal;

  constructor(
    readonly io: CliIo,
    readonly env: NodeJS.ProcessEnv,
    /** Read lazily: global options are known only once commander has parsed the line. */
    private readonly program: Command,
  ) {
    this.principal = cliPrincipal(env);
  }

  private get globals(): GlobalOptions {
    return this.program.opts<GlobalOptions>();
  }

  get json(): boolean {
    return this.globals.json === true;
  }

  /** `--db` given on the command line, to repeat it in hints. */
  get dbFlag(): string | undefined {
    return this.globals.db;
  }

  get outputClosed(): AbortSignal {
    return this.io.closed ?? NEVER;
  }

  get debug(): boolean {
    return this.env.AUTONOMY_DEBUG === '1';
  }

  /** The environment's settings, with `--db` taking precedence over AUTONOMY_DATABASE_URL. */
  runtimeConfig(): RuntimeConfig {
    const db = this.globals.db;
    return loadRuntimeConfig(
      db === undefined ? this.env : { ...this.env, AUTONOMY_DATABASE_URL: db },
    );
  }

  /** Opens the control plane (migrating the schema) for the length of `fn`, and always closes it. */
  async withControlPlane<T>(
    fn: (cp: ControlPlane) => Promise<T>,
    config: RuntimeConfig = this.runtimeConfig(),
  ): Promise<T> {
    const cp = await ControlPlane.open(config);
    try {
      return await fn(cp);
    } finally {
      await cp.close();
    }
  }

  print(line = ''): void {
    this.io.stdout(`${line}\n`);
  }

  printLines(lines: readonly string[]): void {
    for (const line of lines) this.print(line);
  }

  printJson(value: unknown): void {
    this.io.stdout(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** Notes for people (hints, confirmations) that must not mix with data on stdout. */
  note(line: string): void {
    this.io.stderr(`${line}\n`);
  }

  /** Prints `value` as JSON with `--json`, or runs the human-readable printer. */
  output(value: unknown, human: () => void): void {
    if (this.json) this.printJson(value);
    else human();
  }
}
