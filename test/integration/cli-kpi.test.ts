import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliOnFile } from '../support/cli.js';

/* `autonomy kpi` and `autonomy kpi rebuild`, run in-process through main() on a SQLite file. */

const { dir, cli } = cliOnFile('kpi');

const ORG = `apiVersion: autonomy/v1
kind: Organization
metadata: { name: Kpis }
domains:
  - { id: platform, name: Platform, owners: [tom] }
actors:
  - { id: tom, kind: human, name: Tom, domains: [platform], skills: { sre: 4 }, capacity: 2 }
workTypes:
  - { id: incident, domain: platform, name: Incident, requiredSkills: { sre: 4 }, expectedDuration: 1h, sla: 2h }
`;

describe('autonomy kpi', { timeout: 120_000 }, () => {
  it('prints a table, CSV or JSON of the KPIs, and rebuilds them from the log', async () => {
    const org = join(dir, 'org.yaml');
    writeFileSync(org, ORG);
    expect((await cli('apply', '-f', org)).code).toBe(0);
    const added = await cli('--json', 'work', 'add', '--type', 'incident', '--title', 'Down');
    expect(added.code, added.stderr).toBe(0);
    const { id } = JSON.parse(added.stdout) as { id: string };
    for (const action of ['assign', 'start', 'complete']) {
      const done = await cli(
        'work',
        'do',
        id,
        action,
        ...(action === 'assign' ? ['--actor', 'tom'] : []),
      );
      expect(done.code, done.stderr).toBe(0);
    }

    const table = await cli('kpi', '--last', '1d', '--by', 'domain');
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^work_completed_total\s+1$/m);
    expect(table.stdout).toMatch(/^autonomy_ratio\s+0\.0%$/m);
    expect(table.stdout).toMatch(/^domain\s+platform$/m);

    const json = await cli('--json', 'kpi', '--by', 'actor_kind');
    const report = JSON.parse(json.stdout) as {
      rows: { labels: Record<string, string>; values: Record<string, number | null> }[];
    };
    expect(
      report.rows.find((r) => r.labels.actor_kind === 'human')?.values.work_completed_total,
    ).toBe(1);

    const csv = join(dir, 'kpis.csv');
    const written = await cli('kpi', '--format', 'csv', '--by', 'work_type', '-o', csv);
    expect(written.code, written.stderr).toBe(0);
    const [header, row] = readFileSync(csv, 'utf8').split('\r\n');
    expect(header?.startsWith('work_type,work_arrived_total,work_completed_total')).toBe(true);
    expect(row?.startsWith('incident,1,1')).toBe(true);

    const rebuilt = await cli('--json', 'kpi', 'rebuild');
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect((JSON.parse(rebuilt.stdout) as { folded: number }).folded).toBeGreaterThan(5);
    expect((await cli('--json', 'kpi', '--by', 'actor_kind')).stdout).toBe(json.stdout);

    const bad = await cli('kpi', '--by', 'colour');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown label 'colour'/);
  });
});
