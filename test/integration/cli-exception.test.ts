import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliOnFile } from '../support/cli.js';

/* `autonomy exception`, `silence` and `inbox`, run in-process through main() on a SQLite file. */

const { dir, cli } = cliOnFile('exception');

const ORG = `apiVersion: autonomy/v1
kind: Organization
metadata: { name: Exceptions }
domains:
  - { id: platform, name: Platform, owners: [tom] }
actors:
  - { id: tom, kind: human, name: Tom, domains: [platform], skills: { sre: 4 }, capacity: 2 }
workTypes:
  - { id: incident-response, domain: platform, name: Incident, requiredSkills: { sre: 4 }, expectedDuration: 1h, sla: 2h }
receivers:
  - name: platform-oncall
    escalation:
      steps:
        - { notify: [tom], escalate_after: 10m }
route:
  receiver: platform-oncall
  group_wait: 0s
`;

describe('autonomy exception, silence and inbox', { timeout: 120_000 }, () => {
  it('evaluates, lists, shows, acknowledges and resolves; silences come and go', async () => {
    const org = join(dir, 'org.yaml');
    writeFileSync(org, ORG);
    const applied = await cli('apply', '-f', org);
    expect(applied.code, applied.stderr).toBe(0);
    // An incident whose deadline has passed already.
    const added = await cli(
      '--json',
      'work',
      'add',
      '--type',
      'incident-response',
      '--title',
      'Checkout down',
      '--due',
      '2020-01-01T00:00:00Z',
    );
    expect(added.code, added.stderr).toBe(0);
    const work = JSON.parse(added.stdout) as { id: string };

    const evaluated = await cli('exception', 'evaluate');
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(evaluated.stdout).toMatch(/sla_risk\s+opened 1/);

    const listed = await cli(
      '--json',
      'exception',
      'list',
      '--active',
      '--alertname',
      'SlaBreached',
    );
    const [breach] = JSON.parse(listed.stdout) as { id: string; labels: Record<string, string> }[];
    expect(breach?.labels).toMatchObject({
      work: work.id,
      domain: 'platform',
      severity: 'critical',
    });
    const id = breach?.id ?? '';

    const shown = await cli('exception', 'show', id);
    expect(shown.stdout).toMatch(/missed its deadline/);
    expect(shown.stdout).toMatch(
      /monitoring\.exception\.notified\s+system\s+platform-oncall step 1: tom/,
    );

    const inbox = await cli('inbox', 'tom');
    expect(inbox.stdout).toMatch(/opened\s+exc_/);

    expect((await cli('exception', 'ack', id, '--comment', 'on it')).stdout).toMatch(
      /acknowledged by cli:/,
    );
    const again = await cli('exception', 'ack', id);
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(/is acknowledged: it cannot be acknowledged/);
    const missing = await cli('exception', 'resolve', id);
    expect(missing.code).toBe(2);
    expect((await cli('exception', 'resolve', id, '--reason', 'rolled back')).stdout).toMatch(
      /resolved/,
    );

    const bad = await cli(
      'silence',
      'add',
      '-m',
      'work=~"("',
      '--duration',
      '1h',
      '--comment',
      'x',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/matchers\.0/);
    const silenced = await cli(
      '--json',
      'silence',
      'add',
      '-m',
      'alertname="SlaBreached"',
      '--duration',
      '2h',
      '--comment',
      'known',
    );
    expect(silenced.code, silenced.stderr).toBe(0);
    const silence = JSON.parse(silenced.stdout) as { id: string };
    expect((await cli('silence', 'list')).stdout).toContain(silence.id);
    expect((await cli('silence', 'expire', silence.id)).stdout).toMatch(/expired/);
    expect((await cli('silence', 'expire', silence.id)).code).toBe(4);
  });
});
