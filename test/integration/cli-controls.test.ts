import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliOnFile } from '../support/cli.js';

/* `autonomy pause`, `redirect`, `budget` and `token revoke --reason`, in-process on SQLite. */

const { dir, cli } = cliOnFile('controls');

const ORG = `apiVersion: autonomy/v1
kind: Organization
metadata: { name: Controls }
domains:
  - { id: ops, name: Ops, owners: [tom] }
actors:
  - { id: tom, kind: human, name: Tom, domains: [ops], capacity: 5 }
  - { id: bot, kind: agent, name: Bot, domains: [ops], capacity: 2, costPerHour: 30 }
workTypes:
  - { id: ticket, domain: ops, name: Ticket, expectedDuration: 1h, sla: 1d }
actions:
  - { id: deploy, class: production_change, appliesTo: [domain] }
budgets:
  - { agent: bot, costPerDay: 40, costPerMonth: 600, actionsPerMinute: 30 }
`;

describe('autonomy pause, redirect, budget', { timeout: 120_000 }, () => {
  it('pauses a class, redirects work, shows budgets, and revokes with a reason', async () => {
    const org = join(dir, 'org.yaml');
    writeFileSync(org, ORG);
    const applied = await cli('apply', '-f', org);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/\+ budget bot/);

    const paused = await cli('pause', 'add', '--agent', 'bot', '--reason', 'odd output');
    expect(paused.code, paused.stderr).toBe(0);
    expect(paused.stdout).toMatch(/the 'work' actions of 'bot' are paused/);
    expect((await cli('work', 'add', '--type', 'ticket', '--title', 'a')).code).toBe(0);
    const claim = await cli('work', 'claim', '--actor', 'bot');
    expect(claim.code).toBe(5);
    expect(claim.stderr).toMatch(/'bot' takes no work: its 'work' actions are paused .*odd output/);
    const deploys = await cli(
      'pause',
      'add',
      '--agent',
      'bot',
      '--class',
      'production_change',
      '--reason',
      'freeze',
    );
    expect(deploys.code, deploys.stderr).toBe(0);
    const unknown = await cli('pause', 'add', '--agent', 'bot', '--class', 'nope', '--reason', 'x');
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/the classes are work, production_change/);
    const listed = JSON.parse((await cli('--json', 'pause', 'list')).stdout) as {
      id: string;
      actionClass: string;
    }[];
    expect(listed.map((p) => p.actionClass)).toEqual(['work', 'production_change']);
    expect((await cli('pause', 'list')).stdout).toMatch(/production_change .*freeze/);
    for (const p of listed) {
      const lifted = await cli('pause', 'lift', p.id, '--reason', 'done');
      expect(lifted.code, lifted.stderr).toBe(0);
    }
    expect((await cli('pause', 'list')).stdout).toMatch(/no pauses in force/);

    expect((await cli('work', 'claim', '--actor', 'bot')).code).toBe(0);
    const redirected = await cli(
      'redirect',
      'add',
      '--agent',
      'bot',
      '--to',
      'tom',
      '--reason',
      'needs a person',
    );
    expect(redirected.code, redirected.stderr).toBe(0);
    expect(redirected.stdout).toMatch(/the work of 'bot' goes to 'tom'\nmoved: w_\S+ → tom/);
    const [redirect] = JSON.parse((await cli('--json', 'redirect', 'list')).stdout) as {
      id: string;
      to: string;
    }[];
    expect(redirect?.to).toBe('tom');
    expect((await cli('work', 'claim', '--actor', 'bot')).code).toBe(5);
    expect((await cli('redirect', 'lift', redirect?.id ?? '', '--reason', 'ok')).code).toBe(0);
    expect((await cli('redirect', 'list', '--history')).stdout).toMatch(/bot +tom/);

    const budgets = await cli('budget', 'show');
    expect(budgets.code, budgets.stderr).toBe(0);
    expect(budgets.stdout).toMatch(/bot +minute .* 0 +30/);
    expect(budgets.stdout).toMatch(/bot +day .* 0 +40/);
    expect(budgets.stdout).toMatch(/bot +month .* 0 +600/);

    const token = JSON.parse(
      (await cli('--json', 'token', 'create', '--role', 'agent', '--actor', 'bot')).stdout,
    ) as { id: string };
    expect((await cli('token', 'revoke', token.id, '--reason', 'rotated')).code).toBe(0);
    const tail = await cli('--json', 'events', 'tail', '--subject', token.id);
    // One event per line.
    const events = tail.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; payload: unknown });
    expect(events.at(-1)).toMatchObject({
      type: 'core.token.revoked',
      payload: { reason: 'rotated' },
    });
  });
});
