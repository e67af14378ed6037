import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MIGRATIONS } from '../../src/store/migrate.js';

/** Every migration, in the order a fresh database runs them. */
const MIGRATION_NAMES = Object.keys(MIGRATIONS).sort();

/*
 * The `autonomy` command as people run it: a separate node process on a SQLite file. Each spawn
 * costs about half a second (tsx compiles on the fly), so tests batch their assertions and run
 * independent read-only commands in parallel. Tests share one database and run in order.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'autonomy.js');
const EXAMPLE = join(ROOT, 'examples', 'org.yaml');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment without the developer's own AUTONOMY_* settings, which would leak into runs. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { AUTONOMY_LOG_LEVEL: 'warn' };
  for (const [key, value] of Object.entries(process.env))
    if (!key.startsWith('AUTONOMY_')) env[key] = value;
  return env;
}

/** One `autonomy` process, its output collected from the start. */
class Run {
  stdout = '';
  stderr = '';
  readonly done: Promise<Result>;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #listeners = new Set<() => void>();

  constructor(args: readonly string[]) {
    this.#child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: cleanEnv() });
    const changed = () => {
      for (const listener of this.#listeners) listener();
    };
    this.#child.stdout.on('data', (chunk: Buffer) => {
      this.stdout += chunk.toString();
      changed();
    });
    this.#child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
      changed();
    });
    this.done = new Promise((resolve, reject) => {
      this.#child.on('error', reject);
      this.#child.on('close', (code) => {
        resolve({ code, stdout: this.stdout, stderr: this.stderr });
        changed();
      });
    });
  }

  /** Resolves with stdout once it matches; fails with everything printed if the process ends first. */
  waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const stop = () => {
        clearTimeout(timer);
        this.#listeners.delete(check);
      };
      const fail = (why: string) => {
        stop();
        reject(
          new Error(
            `${why} waiting for ${String(pattern)}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`,
          ),
        );
      };
      const timer = setTimeout(() => {
        fail('timed out');
      }, timeoutMs);
      const check = () => {
        if (pattern.test(this.stdout)) {
          stop();
          resolve(this.stdout);
        } else if (this.#child.exitCode !== null || this.#child.signalCode !== null) {
          fail(`exited (${String(this.#child.exitCode ?? this.#child.signalCode)})`);
        }
      };
      this.#listeners.add(check);
      check();
    });
  }

  kill(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
  }
}

let dir: string;
let db: string;

const cli = (...args: string[]): Promise<Result> => new Run(['--db', db, ...args]).done;
/** The JSON a successful `--json` run printed; callers assert its shape. */
const json = (result: Result): unknown => {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
};
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

beforeAll(() => {
  // Named like the other suites' temp dirs, so a later run sweeps it if this one is killed.
  dir = mkdtempSync(join(tmpdir(), `autonomy-test-p${process.pid}-cli-`));
  db = join(dir, 'autonomy.db');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

// A test here runs a dozen processes one after another; on a busy two-core machine that alone
// can approach the default 30 s, so the suite allows more. Nothing here asserts a duration.
describe('autonomy CLI', { timeout: 120_000 }, () => {
  it('applies the example organization once, then finds nothing to change', async () => {
    const first = await cli('apply', '-f', 'examples/org.yaml');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    // The organization's own record comes first, without an id.
    expect(first.stdout.split('\n')[0]).toBe('+ organization');
    expect(first.stdout).toContain('+ domain support');
    expect(first.stdout).toContain('+ actor maria');
    expect(first.stdout).toContain('+ actor triage-bot');
    expect(first.stdout).toContain('+ workType incident-response');
    expect(first.stdout).toMatch(/applied examples\/org\.yaml: revision 1 \(\d+ changes\)/);

    const again = await cli('apply', '-f', 'examples/org.yaml');
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe('examples/org.yaml: no changes (revision 1)');
  });

  it('shows a dry run without applying it, and exports a file that applies as no change', async () => {
    const changed = parse(readFileSync(EXAMPLE, 'utf8')) as {
      actors: { id: string; capacity: number }[];
      slos: string[];
      policies: (string | { name: string; text: string })[];
    };
    // Written elsewhere, the copy carries its policy files inline (paths are relative to the file).
    changed.policies = changed.policies.map((name) =>
      typeof name === 'string'
        ? { name, text: readFileSync(join(ROOT, 'examples', name), 'utf8') }
        : name,
    );
    const maria = changed.actors.find((a) => a.id === 'maria');
    if (maria === undefined) throw new Error('the example lost maria');
    maria.capacity = 9;
    changed.actors = changed.actors.filter((a) => a.id !== 'lucas');
    // Its SLO files are named relative to it: from elsewhere, by their whole path.
    changed.slos = changed.slos.map((path) => join(ROOT, 'examples', path));
    const modified = file('modified.yaml', JSON.stringify(changed));

    const dry = await cli('apply', '-f', modified, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('~ actor maria (capacity)');
    expect(dry.stdout).toContain('- actor lucas');
    expect(dry.stdout).toContain('nothing was changed');

    const exported = join(dir, 'exported.yaml');
    const [toFile, asJson] = await Promise.all([
      cli('export', '-o', exported),
      cli('--json', 'export'),
    ]);
    expect(toFile.code).toBe(0);
    expect(toFile.stderr).toContain(`wrote revision 1 to ${exported}`);
    const config = json(asJson) as {
      metadata: { name: string; description?: string };
      actors: { id: string; capacity: number }[];
    };
    expect(config.metadata).toEqual({
      name: 'northwind',
      description: 'Northwind Cloud, a 20-person SaaS company; humans and agents side by side.',
    });
    expect(config.actors.find((a) => a.id === 'maria')?.capacity).toBe(4);
    expect(config.actors.some((a) => a.id === 'lucas')).toBe(true);

    const roundTrip = await cli('apply', '-f', exported);
    expect(roundTrip.code).toBe(0);
    expect(roundTrip.stdout).toContain('no changes (revision 1)');
  });

  it('rejects bad files and bad command lines with exit 2, naming file, line and path', async () => {
    const example = readFileSync(EXAMPLE, 'utf8');
    // actors[3] is david; his capacity becomes 0.
    const invalidText = example.replace(/(name: David Chen\n(?:.*\n)*?\s+capacity: )3/, '$10');
    expect(invalidText).not.toBe(example);
    const invalid = file('invalid.yaml', invalidText);
    const lines = invalidText.split('\n');
    const davidLine = lines.findIndex((l) => l.includes('David Chen'));
    const capacityLine = lines.findIndex((l, i) => i > davidLine && l.includes('capacity: 0')) + 1;
    const syntax = file(
      'syntax.yaml',
      'apiVersion: autonomy/v1\nkind: [Organization\nmetadata: {name: x}\n',
    );

    const [bad, broken, unknown, missing, badArg] = await Promise.all([
      cli('apply', '-f', invalid),
      cli('apply', '-f', syntax),
      cli('frobnicate'),
      cli('apply'),
      cli('work', 'list', '--limit', 'many'),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${invalid} is not a valid organization file`);
    expect(bad.stderr).toContain(
      `${invalid}:${capacityLine}:5: actors[3].capacity: Too small: expected number to be >=1`,
    );
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(`${syntax} is not valid YAML`);
    expect(broken.stderr).toMatch(
      new RegExp(`${syntax.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `),
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '-f, --file <file>' not specified");
    expect(badArg.code).toBe(2);
    expect(badArg.stderr).toContain("'many' is invalid");
    // Nothing was applied by the invalid file.
    expect((await cli('apply', '-f', 'examples/org.yaml', '--dry-run')).stdout).toContain(
      'no changes (revision 1)',
    );
  });

  it('creates tokens whose secret is shown once, lists and revokes them', async () => {
    const admin = await cli('token', 'create', '--role', 'admin');
    expect(admin.code).toBe(0);
    const secrets = admin.stdout.match(/aut_[A-Za-z0-9_-]{43}/g) ?? [];
    expect(secrets).toHaveLength(1);
    expect(admin.stdout).toContain('will not be shown again');

    const agent = json(
      await cli('--json', 'token', 'create', '--role', 'agent', '--actor', 'triage-bot'),
    ) as {
      id: string;
      role: string;
      actorId: string;
      token: string;
    };
    expect(agent).toMatchObject({ role: 'agent', actorId: 'triage-bot' });
    expect(agent.token).toMatch(/^aut_/);

    const [list, noActor] = await Promise.all([
      cli('token', 'list'),
      cli('token', 'create', '--role', 'agent'),
    ]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+NAME\s+ROLE\s+ACTOR\s+CREATED\s+STATUS$/m);
    expect(list.stdout).toContain(agent.id);
    expect(list.stdout).not.toContain('aut_');
    expect(noActor.code).toBe(2);
    expect(noActor.stderr).toContain('actorId: required for role agent');

    const revoked = await cli('token', 'revoke', agent.id);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`revoked token ${agent.id}`);
  });

  it('adds, lists, shows and moves work through its state machine', async () => {
    interface Item {
      id: string;
      state: string;
      priorityClass: string;
      payload: unknown;
      dependsOn: string[];
    }
    const login = json(
      await cli(
        '--json',
        'work',
        'add',
        '--type',
        'support-reply',
        '--title',
        'Customer cannot log in',
        '--priority',
        'high',
        '--payload',
        '{"ticket":42}',
      ),
    ) as Item;
    expect(login).toMatchObject({
      state: 'queued',
      priorityClass: 'high',
      payload: { ticket: 42 },
    });
    const fix = json(
      await cli(
        '--json',
        'work',
        'add',
        '--type',
        'bug-fix',
        '--title',
        'Fix the login redirect',
        '--depends-on',
        login.id,
      ),
    ) as Item;
    expect(fix).toMatchObject({ state: 'blocked', dependsOn: [login.id] });

    const assigned = await cli('work', 'do', login.id, 'assign', '--actor', 'james');
    expect(assigned.stdout).toContain(`${login.id}: assigned, owner james`);
    expect((await cli('work', 'do', login.id, 'start')).code).toBe(0);
    const done = await cli('work', 'do', login.id, 'complete', '--reason', 'password reset');
    expect(done.stdout.trim()).toBe(`${login.id}: done`);

    const [list, show, unblocked, illegal, unknown, queued] = await Promise.all([
      cli('work', 'list'),
      cli('work', 'show', login.id),
      cli('--json', 'work', 'show', fix.id),
      cli('work', 'do', login.id, 'start'),
      cli('work', 'show', 'w_nope'),
      cli('--json', 'work', 'list', '--state', 'queued'),
    ]);
    expect(list.stdout).toMatch(/^ID\s+TYPE\s+STATE\s+PRIORITY\s+OWNER\s+DUE\s+TITLE$/m);
    expect(list.stdout).toMatch(
      new RegExp(
        `^${login.id}\\s+support-reply\\s+done\\s+high\\s+-\\s+\\S+\\s+Customer cannot log in$`,
        'm',
      ),
    );
    expect(show.stdout).toContain('queued → assigned, owner james');
    expect(show.stdout).toContain('in_progress → done, reason: password reset');
    expect(json(unblocked)).toMatchObject({
      state: 'queued',
      history: [{ type: 'coordination.work.created' }, { type: 'coordination.work.unblocked' }],
    });
    expect(illegal.code).toBe(4);
    expect(illegal.stderr).toContain(`cannot start work item '${login.id}': it is done`);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain("work item 'w_nope' does not exist");
    expect((json(queued) as Item[]).map((w) => w.id)).toEqual([fix.id]);
  });

  it('lists actors as JSON and as a table, and tails the event log', async () => {
    const [asJson, agents, events] = await Promise.all([
      cli('--json', 'actor', 'list'),
      cli('actor', 'list', '--kind', 'agent'),
      cli('--json', 'events', 'tail', '-n', '3', '--type', 'coordination.work.*'),
    ]);
    const actors = json(asJson) as { id: string; kind: string }[];
    expect(actors.filter((a) => a.kind === 'human')).toHaveLength(10);
    expect(actors.filter((a) => a.kind === 'agent')).toHaveLength(10);
    expect(actors.find((a) => a.id === 'priya')).toMatchObject({
      capacity: 3,
      status: 'available',
      skills: { typescript: 5 },
    });
    expect(agents.stdout).toMatch(/^ID\s+KIND\s+NAME\s+STATUS\s+CAPACITY\s+DOMAINS\s+SKILLS$/m);
    expect(agents.stdout).toMatch(
      /^triage-bot\s+agent\s+Ticket triage agent\s+available\s+50\s+support\s+triage:4 product-knowledge:3$/m,
    );
    expect(agents.stdout).not.toContain('maria');

    const tail = events.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { seq: number; type: string });
    expect(tail.map((e) => e.type)).toEqual([
      'coordination.work.started',
      'coordination.work.completed',
      'coordination.work.unblocked',
    ]);
    expect(tail[1]?.seq).toBe((tail[0]?.seq ?? 0) + 1);
  });

  it('follows the log written by other processes until interrupted', async () => {
    const follower = new Run(['--db', db, 'events', 'tail', '--follow', '-n', '1']);
    await follower.waitFor(/coordination\.work\.unblocked/);
    const added = await cli(
      'work',
      'add',
      '--type',
      'crm-cleanup',
      '--title',
      'Merge duplicate accounts',
    );
    const id = /created (w_\w+)/.exec(added.stdout)?.[1] ?? 'missing';
    await follower.waitFor(new RegExp(`coordination\\.work\\.created\\s+cli:\\S+\\s+${id}`));
    follower.kill('SIGINT');
    const result = await follower.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });

  it('serves HTTP after applying a file, and stops cleanly on SIGTERM', async () => {
    const server = new Run([
      '--db',
      join(dir, 'served.db'),
      'serve',
      '--port',
      '0',
      '--apply',
      'examples/org.yaml',
    ]);
    const banner = await server.waitFor(/no admin token yet: .*\n/);
    expect(banner).toMatch(/API docs: http:\/\/\S+\/docs\n/);
    expect(banner).toContain('revision 1');
    expect(banner).toContain('no admin token yet: create one with `autonomy --db');
    const url = /listening on (http:\/\/\S+)/.exec(banner)?.[1];
    const health = await fetch(`${url ?? 'missing'}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
    server.kill('SIGTERM');
    const result = await server.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('SIGTERM: shutting down');
  });

  it('migrates a fresh database, saying what it applied, and then finds nothing to apply', async () => {
    const fresh = join(dir, 'migrate.db');
    const first = await new Run(['--db', fresh, 'migrate']).done;
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(
      `sqlite database at ${fresh}\n${MIGRATION_NAMES.map((m) => `applied ${m}\n`).join('')}schema up to date (${MIGRATION_NAMES.length} migrations)\n`,
    );
    const again = await new Run(['--db', fresh, 'migrate']).done;
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain('applied');
    expect(again.stdout).toContain(`schema up to date (${MIGRATION_NAMES.length} migrations)`);
  });

  it('lets two processes migrate the same fresh database at once', async () => {
    // One race is often won cleanly by whichever process starts first; three make a clash likely.
    for (let round = 1; round <= 3; round++) {
      const fresh = join(dir, `race-${round}.db`);
      const results = await Promise.all([
        new Run(['--db', fresh, 'migrate']).done,
        new Run(['--db', fresh, 'migrate']).done,
      ]);
      for (const result of results) {
        expect(result.stderr, `round ${round}`).toBe('');
        expect(result.code, `round ${round}: ${result.stdout}`).toBe(0);
        expect(result.stdout).toContain(`schema up to date (${MIGRATION_NAMES.length} migrations)`);
      }
      // Exactly one of them applied the migration; the other found it done.
      expect(
        results.filter((r) => r.stdout.includes('applied 0001-core')),
        `round ${round}`,
      ).toHaveLength(1);
      const sqlite = new BetterSqlite3(fresh, { readonly: true });
      try {
        expect(sqlite.prepare('select name from kysely_migration').pluck().all()).toEqual(
          MIGRATION_NAMES,
        );
      } finally {
        sqlite.close();
      }
    }
  });

  it('claims work for an actor, says why when none fits, and explains the claimed item', async () => {
    // The only queued crm-cleanup item is the one the follow test added; crm-hygiene has crm 4.
    const claimed = await cli('work', 'claim', '--actor', 'crm-hygiene');
    expect(claimed.stderr).toBe('');
    expect(claimed.code).toBe(0);
    const id = /^(w_\w+): assigned, owner crm-hygiene, lease until \S+$/m.exec(claimed.stdout)?.[1];
    expect(id, claimed.stdout).toBeDefined();
    expect(claimed.stdout).toMatch(/^ {2}Merge duplicate accounts \(priority -?\d+\.\d\)$/m);

    const [nothingQueued, scribe, explained, explainedText] = await Promise.all([
      cli('work', 'claim', '--actor', 'crm-hygiene'),
      // Incident scribe (sre 2, on-call 2, writing 4) meets only the draft stage of postmortems,
      // and none is queued.
      cli('--json', 'work', 'claim', '--actor', 'incident-scribe'),
      cli('--json', 'work', 'explain', id ?? 'missing'),
      cli('work', 'explain', id ?? 'missing'),
    ]);
    expect(nothingQueued.code).toBe(0);
    expect(nothingQueued.stdout).toMatch(/^no work for crm-hygiene: .*\(no_queued_work\)$/m);
    expect(json(scribe)).toMatchObject({
      claimed: null,
      reason: 'no_queued_work',
      message: "nothing is queued of the 1 work types actor 'incident-scribe' can take",
    });
    expect(json(explained)).toMatchObject({
      itemId: id,
      state: 'assigned',
      owner: {
        actorId: 'crm-hygiene',
        decision: { mode: 'pull', eligibleTypes: ['crm-cleanup'] },
      },
    });
    expect(explainedText.code).toBe(0);
    expect(explainedText.stdout).toContain(`${id ?? 'missing'}: assigned: leased to 'crm-hygiene'`);
    expect(explainedText.stdout).toMatch(/^ {2}priority -?\d+\.\d = class /m);
    expect(explainedText.stdout).toMatch(
      /^ {2}expected \w+ from start \(configured \w+; learned from 0 completed, 0 failed\)/m,
    );
  });

  // Last: it alters the shared database.
  it('verifies the audit chain, and reports where it was tampered with', async () => {
    const ok = await cli('audit', 'verify');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^chain ok: (\d+) events verified, head seq \1$/m);

    const sqlite = new BetterSqlite3(db);
    try {
      sqlite
        .prepare('update events set payload = ? where seq = 5')
        .run(JSON.stringify({ name: 'Mallory' }));
    } finally {
      sqlite.close();
    }
    const [broken, asJson] = await Promise.all([
      cli('audit', 'verify'),
      cli('--json', 'audit', 'verify'),
    ]);
    expect(broken.code).toBe(10);
    expect(broken.stdout).toContain('chain broken at event 5: event 5 was altered');
    expect(asJson.code).toBe(10);
    expect(JSON.parse(asJson.stdout)).toMatchObject({
      ok: false,
      checked: 4,
      problem: { seq: 5, kind: 'hash_mismatch' },
    });
  });
});
