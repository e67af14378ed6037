import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliOnFile } from '../support/cli.js';

/* `autonomy slo` and `autonomy objective`, and how apply reads OpenSLO files. */

const { dir, cli } = cliOnFile('outcomes');

const file = (name: string, text: string) => {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
};

const ORG = (slos: string[]) => `apiVersion: autonomy/v1
kind: Organization
metadata: { name: x }
slos:
${slos.map((s) => `  - ${s}`).join('\n')}
`;

const SLO = (extra: string) => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout
spec:
  service: checkout
${extra}  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.999
`;

describe('autonomy slo and objective', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    const applied = await cli('apply', '-f', 'examples/org.yaml');
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('+ slo support-replies-on-time');
    expect(applied.stdout).toContain('+ slo incidents-on-time');
    expect(applied.stdout).toContain('+ objective responsive-support');
  });

  it('lists SLOs, before their events as no_data with the reason', async () => {
    const { code, stdout } = await cli('slo', 'list');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^SLO\s+SERVICE\s+OBJECTIVE\s+TARGET\s+SLI\s+BUDGET LEFT\s+STATUS/);
    expect(lines.slice(1, 4).map((l) => l.split(/\s{2,}/).slice(0, 3))).toEqual([
      ['support-replies-on-time', 'support', '95% on time'],
      ['incidents-on-time', 'platform', '99% within SLA'],
      ['incidents-on-time', 'platform', '95% within SLA'],
    ]);
    expect(lines.slice(1, 4).every((l) => l.includes('no_data'))).toBe(true);
    expect(stdout).toMatch(
      /support-replies-on-time: no events of work_completed_with_due_total in the budget window/,
    );
  });

  it('shows one SLO: indicator, window, and each burn-rate window', async () => {
    const { code, stdout } = await cli('slo', 'show', 'support-replies-on-time');
    expect(code).toBe(0);
    expect(stdout).toContain(
      'work_completed_within_sla_total{domain="support", work_type="support-reply"} / work_completed_with_due_total{domain="support", work_type="support-reply"}',
    );
    expect(stdout).toContain('rolling 28d');
    expect(stdout).toMatch(/page\s+1h \+ 5m\s+14\.4x/);
    expect(stdout).toMatch(/page\s+6h \+ 30m\s+6x/);
    expect(stdout).toMatch(/ticket\s+3d \+ 6h\s+1x/);
    const json = await cli('--json', 'slo', 'show', 'incidents-on-time');
    expect(JSON.parse(json.stdout)).toMatchObject({
      name: 'incidents-on-time',
      status: 'no_data',
      definition: {
        timeWindow: { kind: 'calendar', unit: 'M', count: 1 },
        objectives: [
          { name: '99% within SLA', target: 0.99 },
          { name: '95% within SLA', target: 0.95 },
        ],
      },
    });
    const missing = await cli('slo', 'show', 'nope');
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("slo 'nope' does not exist");
  });

  it('lists and shows objectives with their key results', async () => {
    const list = await cli('objective', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/responsive-support\s+reply-sla\s+-\s+0\.97/);
    expect(list.stdout).toMatch(/reliable-platform\s+incidents-on-time\s+-\s+0\.99/);
    const show = await cli('objective', 'show', 'responsive-support');
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('responsive-support  Customers get answers fast');
    expect(show.stdout).toContain('owner maria');
    expect(show.stdout).toContain('sla_attainment{domain="support", work_type="support-reply"}');
    expect((await cli('objective', 'show', 'nope')).code).toBe(3);
  });

  it('refuses invalid OpenSLO files with file, line, column and YAML path; nothing is applied', async () => {
    const bad = file(
      'slos/bad.yaml',
      `${SLO('  indicatorRef: latency\n').replace('Occurrences', 'Timeslices')}---
apiVersion: openslo/v1
kind: SLI
metadata: { name: latency }
spec:
  thresholdMetric:
    metricSource: { type: autonomy, spec: { query: 'x' } }
`,
    );
    const org = file('org.yaml', ORG(['slos/bad.yaml', 'slos/missing.yaml']));
    const { code, stderr } = await cli('apply', '-f', org);
    expect(code).toBe(2);
    expect(stderr).toContain(`${org} is not a valid organization file (3 problems)`);
    expect(stderr).toContain(
      `${bad}:11:3: spec.budgetingMethod: only budgetingMethod: Occurrences is supported (not Timeslices or RatioTimeslices)`,
    );
    expect(stderr).toContain(
      `${bad}:19:3: spec.thresholdMetric: threshold indicators are not supported; use a ratioMetric (good or bad / total)`,
    );
    expect(stderr).toContain(
      `${org}:6:5: slos[1]: file '${join(dir, 'slos', 'missing.yaml')}' does not exist`,
    );

    const refs = file('slos/refs.yaml', SLO('  indicatorRef: nowhere\n'));
    const dangling = await cli('apply', '-f', file('org2.yaml', ORG(['slos/refs.yaml'])));
    expect(dangling.code).toBe(2);
    expect(dangling.stderr).toContain(
      `${refs}:7:3: spec.indicatorRef: no SLI named 'nowhere' in the set`,
    );
    // The example is still what is applied.
    expect((await cli('apply', '-f', 'examples/org.yaml', '--dry-run')).stdout).toContain(
      'no changes',
    );
  });
});
