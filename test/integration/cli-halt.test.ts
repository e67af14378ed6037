import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliOnFile, opsOrg } from '../support/cli.js';

/* `autonomy halt`, run in-process through main() on a SQLite file. */

const { dir, cli } = cliOnFile('halt');

const ORG = opsOrg('Halts');

describe('autonomy halt', { timeout: 120_000 }, () => {
  it('halts, lists and lifts; a halt names exactly one scope', async () => {
    const org = join(dir, 'org.yaml');
    writeFileSync(org, ORG);
    expect((await cli('apply', '-f', org)).code).toBe(0);
    expect((await cli('work', 'add', '--type', 'ticket', '--title', 'a')).code).toBe(0);
    expect((await cli('work', 'claim', '--actor', 'bot')).code).toBe(0);

    const halted = await cli('halt', 'add', '--agent', 'bot', '--reason', 'loops');
    expect(halted.code, halted.stderr).toBe(0);
    expect(halted.stdout).toMatch(/agent 'bot' halted\nback to the queue: w_/);
    const claim = await cli('work', 'claim', '--actor', 'bot');
    expect(claim.code).not.toBe(0);
    expect(claim.stderr).toMatch(/'bot' is halted/);

    const listed = await cli('--json', 'halt', 'list');
    const [halt] = JSON.parse(listed.stdout) as { id: string }[];
    expect(halt).toBeDefined();
    const lifted = await cli('halt', 'lift', halt?.id ?? '', '--reason', 'fixed');
    expect(lifted.stdout).toMatch(/lifted: agent 'bot' may take work again/);
    expect((await cli('halt', 'list')).stdout).toMatch(/no halts in force/);

    const none = await cli('halt', 'add', '--reason', 'r');
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/name what to halt: --agent, --domain or --all/);
    const two = await cli('halt', 'add', '--all', '--domain', 'ops', '--reason', 'r');
    expect(two.code).not.toBe(0);
  });
});
