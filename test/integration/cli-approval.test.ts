import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../src/core/principal.js';
import { ControlPlane } from '../../src/runtime/control-plane.js';
import { cliOnFile, opsOrg } from '../support/cli.js';

/* `autonomy approval` and `autonomy authority check`, run in-process through main() on SQLite. */

const { dir, db, cli } = cliOnFile('approval');

const ORG = opsOrg(
  'Approvals',
  `actions:
  - { id: refund, appliesTo: [domain], context: { amount: Long } }
policies: [policies/ops.cedar]
`,
);

const POLICIES = `@id("large-refunds") @mode("approval") @approvers("tom")
permit (principal is Actor, action == Action::"refund", resource is Domain)
when { principal in resource && context.amount > 100 };
`;

const bot: Principal = { kind: 'token', tokenId: 't-bot', role: 'agent', actorId: 'bot' };

/** Asks approval as the agent would, through the control plane on the same file. */
async function ask(amount: number): Promise<string> {
  const cp = await ControlPlane.open({ databaseUrl: db, leaseSeconds: 300 });
  try {
    const approval = await cp.approvals.request(bot, {
      action: 'refund',
      resource: { type: 'Domain', id: 'ops' },
      arguments: { amount },
      justification: 'double charge',
    });
    return approval.id;
  } finally {
    await cp.close();
  }
}

describe('autonomy approval and authority check', { timeout: 120_000 }, () => {
  it('checks, lists, shows, approves with edits and rejects', async () => {
    mkdirSync(join(dir, 'policies'), { recursive: true });
    writeFileSync(join(dir, 'org.yaml'), ORG);
    writeFileSync(join(dir, 'policies', 'ops.cedar'), POLICIES);
    const applied = await cli('apply', '-f', join(dir, 'org.yaml'));
    expect(applied.code, applied.stderr).toBe(0);

    const check = await cli(
      'authority',
      'check',
      '--actor',
      'bot',
      '--action',
      'refund',
      '--domain',
      'ops',
      '--context',
      '{"amount": 500}',
    );
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(
      /^approval_required: approval required by large-refunds\n {2}permit large-refunds @approvers\("tom"\) @mode\("approval"\)/,
    );
    const noResource = await cli('authority', 'check', '--actor', 'bot', '--action', 'refund');
    expect(noResource.code).not.toBe(0);
    expect(noResource.stderr).toMatch(/name the resource: --work or --domain/);

    const first = await ask(500);
    const second = await ask(900);
    const listed = await cli('approval', 'list');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(first);
    expect(listed.stdout).toContain(second);
    expect(listed.stdout).toMatch(/pending +bot +refund +Domain ops/);

    const shown = await cli('approval', 'show', first);
    expect(shown.stdout).toMatch(/approvers +tom/);
    expect(shown.stdout).toMatch(/arguments +\{"amount":500\}/);

    const approved = await cli(
      'approval',
      'approve',
      first,
      '--arguments',
      '{"amount": 250}',
      '--reason',
      'half',
    );
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toMatch(/: approved\n/);
    expect(approved.stdout).toContain('~ amount: 500 → 250');

    const noReason = await cli('approval', 'reject', second);
    expect(noReason.code).not.toBe(0);
    const rejected = await cli('--json', 'approval', 'reject', second, '--reason', 'not ours');
    expect(JSON.parse(rejected.stdout)).toMatchObject({
      state: 'rejected',
      decisionReason: 'not ours',
    });
    expect((await cli('approval', 'list')).stdout).toMatch(/no pending approvals/);
    const again = await cli('approval', 'approve', second);
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(/is rejected: only a pending approval is decided/);
  });
});
