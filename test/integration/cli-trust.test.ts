import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliOnFile, opsOrg } from '../support/cli.js';

/* `autonomy trust`, run in-process through main() on a SQLite file. */

const { dir, cli } = cliOnFile('trust');

const ORG = opsOrg(
  'Trust',
  `trust:
  halfLife: 30d
  promotions:
    - { to: 1, minAttempts: 1, minSuccessRate: 0.9, automatic: true }
    - { to: 2, minAttempts: 1, minSuccessRate: 0.9 }
`,
);

describe('autonomy trust', { timeout: 120_000 }, () => {
  it('lists levels, promotes from work done, demotes on an incident, overrides, decides promotions', async () => {
    const org = join(dir, 'org.yaml');
    writeFileSync(org, ORG);
    expect((await cli('apply', '-f', org)).code).toBe(0);
    const before = await cli('trust', 'list');
    expect(before.stdout).toMatch(/bot\s+ops\s+work\s+L0\s+-\s+-\s+-\s+L1: no record yet/);

    const added = await cli('--json', 'work', 'add', '--type', 'ticket', '--title', 'a');
    const { id } = JSON.parse(added.stdout) as { id: string };
    expect((await cli('work', 'claim', '--actor', 'bot')).code).toBe(0);
    expect((await cli('work', 'do', id, 'start')).code).toBe(0);
    expect((await cli('work', 'do', id, 'complete')).code).toBe(0);

    // Listing folds the log first: level 1 is automatic, level 2 waits for a person.
    const after = await cli('trust', 'list', '--agent', 'bot');
    expect(after.stdout).toMatch(
      /bot\s+ops\s+work\s+L1\s+1\.00\s+100\.0%\s+0\.0\s+L2: pending prm_/,
    );
    const pending = await cli('--json', 'trust', 'promotions');
    const [promotion] = JSON.parse(pending.stdout) as { id: string; from: number; to: number }[];
    expect(promotion).toMatchObject({ from: 1, to: 2 });
    const approved = await cli('trust', 'approve', promotion?.id ?? '', '--reason', 'looks good');
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toMatch(/level\s+L1 → L2\s+state\s+approved/);

    const incident = await cli('trust', 'incident', '--agent', 'bot', '--reason', 'leaked a key');
    expect(incident.code, incident.stderr).toBe(0);
    expect(incident.stdout).toBe('bot ops/work: L2 → L0\n');

    const set = await cli(
      'trust',
      'set',
      '--agent',
      'bot',
      '--domain',
      'ops',
      '--class',
      'work',
      '--level',
      '3',
      '--reason',
      'reviewed the incident',
    );
    expect(set.stdout).toBe('bot ops/work: L0 → L3\n');
    const show = await cli('trust', 'show', 'bot');
    expect(show.stdout).toMatch(/incident \(ops\/work\) by cli:\S+: leaked a key/);
    expect(show.stdout).toMatch(/L0→L3 \(override\) by cli:\S+: reviewed the incident/);

    const person = await cli('trust', 'incident', '--agent', 'tom', '--reason', 'r');
    expect(person.code).not.toBe(0);
    expect(person.stderr).toMatch(/'tom' is a person/);
    const rebuilt = await cli('trust', 'rebuild');
    expect(rebuilt.stdout).toBe('1 records rebuilt\n');
  });
});
