import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliInProcess, testDir } from '../support/cli.js';

/* Authority policy files through `autonomy apply`, run in-process through main() on SQLite. */

const dir = testDir('authority');
const cli = (db: string, ...args: string[]) => cliInProcess('--db', join(dir, db), ...args);

const org = (policies: string) => `apiVersion: autonomy/v1
kind: Organization
metadata: { name: Policies }
domains:
  - { id: ops, name: Ops, owners: [tom] }
actors:
  - { id: tom, kind: human, name: Tom, domains: [ops], capacity: 2 }
  - { id: bot, kind: agent, name: Bot, domains: [ops], capacity: 2 }
workTypes:
  - { id: ticket, domain: ops, name: Ticket, expectedDuration: 1h, sla: 1d }
actions:
  - { id: refund, appliesTo: [workItem], context: { amount: Long } }
policies: [${policies}]
`;

describe('autonomy apply with policy files', { timeout: 120_000 }, () => {
  it('reads policy files relative to the organization file and applies them', async () => {
    mkdirSync(join(dir, 'policies'), { recursive: true });
    writeFileSync(
      join(dir, 'policies', 'ops.cedar'),
      '@id("refunds") permit(principal, action == Action::"refund", resource)\n  when { context.amount < 100 };\n',
    );
    writeFileSync(join(dir, 'org.yaml'), org('policies/ops.cedar'));
    const applied = await cli('a.db', 'apply', '-f', join(dir, 'org.yaml'));
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('+ action refund');
    expect(applied.stdout).toContain('+ policy policies/ops.cedar');
  });

  it('names policy file, line and column of every problem, and opens no database', async () => {
    writeFileSync(
      join(dir, 'policies', 'bad.cedar'),
      'permit(principal, action, resource);\n\npermit(principal, action == Action::"refund", resource)\n  when { context.amout < 100 };\n',
    );
    writeFileSync(join(dir, 'bad.yaml'), org('policies/bad.cedar'));
    const refused = await cli('b.db', 'apply', '-f', join(dir, 'bad.yaml'));
    expect(refused.code).toBe(2);
    const file = relative(process.cwd(), join(dir, 'policies', 'bad.cedar'));
    expect(refused.stderr).toContain(`${file}:4:10: for policy \`policies/bad.cedar#1\``);
    expect(refused.stderr).toMatch(/amout/);
    expect(existsSync(join(dir, 'b.db'))).toBe(false);

    writeFileSync(join(dir, 'missing.yaml'), org('policies/none.cedar'));
    const missing = await cli('b.db', 'apply', '-f', join(dir, 'missing.yaml'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/policies\[0\]: '.*none\.cedar' does not exist/);
  });

  it('applies the example organization and its policies', async () => {
    const applied = await cli('example.db', 'apply', '-f', 'examples/org.yaml');
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('+ policy policies/billing.cedar');
  });
});
