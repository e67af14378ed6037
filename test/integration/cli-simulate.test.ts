import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliProcess, testDir } from '../support/cli.js';

/* `autonomy simulate` as people run it: a separate process reading a scenario file. */

const dir = testDir('simulate');
const cli = cliProcess;

const SCENARIO = `apiVersion: autonomy/v1
kind: Scenario
metadata: { name: small }
duration: 2d
drain: 1d
actors:
  - { group: agents, count: 3, kind: agent, skills: { work: 2 } }
workTypes:
  - id: job
    requiredSkills: { work: 1 }
    duration: { distribution: exponential, mean: 10m }
    deadline: 30m
    arrivals: { perHour: 12 }
`;

describe('autonomy simulate', () => {
  const file = join(dir, 'small.yaml');
  writeFileSync(file, SCENARIO);

  it('prints a row per policy, the utilization and the event rate', async () => {
    const { code, stdout, stderr } = await cli(
      'simulate',
      file,
      '--policy',
      'all',
      '--wait-target',
      '5m',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^small · seed 1 · .* simulated · [\d,]+ items, [\d,]+ measured$/m);
    expect(stdout).toMatch(
      /^policy +SLA met +value on time +cycle mean \/ p50 \/ p90 +wait mean \/ p50 \/ p90 +wait ≤ 5m +reassigned +unfinished$/m,
    );
    for (const policy of ['autonomy', 'fifo', 'round-robin', 'least-loaded', 'taskrouter'])
      expect(stdout).toMatch(new RegExp(`^${policy} +\\d+\\.\\d%`, 'm'));
    expect(stdout).toMatch(/^autonomy: [\d,]+ simulated events, [\d,]+ recorded in [\d.]+ s/m);
  });

  it('prints the report as JSON, the same for the same seed', async () => {
    const [a, b] = await Promise.all([
      cli('--json', 'simulate', file, '--seed', '7', '--policy', 'taskrouter'),
      cli('--json', 'simulate', file, '--seed', '7', '--policy', 'taskrouter'),
    ]);
    expect(a.code).toBe(0);
    const strip = (text: string) => {
      const {
        wallSeconds: _w,
        eventsPerSecond: _e,
        ...rest
      } = JSON.parse(text) as Record<string, unknown>;
      return rest;
    };
    expect(strip(a.stdout)).toEqual(strip(b.stdout));
    expect(strip(a.stdout)).toMatchObject({
      scenario: 'small',
      policy: 'taskrouter',
      seed: 7,
      items: { unfinished: 0 },
      byType: { job: { slaAttainment: expect.any(Number) as number } },
    });
  });

  it('refuses a bad scenario with file, line and path, and bad options, with exit 2', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      SCENARIO.replace('count: 3', 'count: 0').replace('deadline: 30m', 'deadline: soon'),
    );
    const invalid = await cli('simulate', bad);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/is not a valid scenario file \(2 problems\)/);
    expect(invalid.stderr).toMatch(/bad\.yaml:7:\d+: actors\[0\]\.count: /);
    expect(invalid.stderr).toMatch(
      /bad\.yaml:12:\d+: workTypes\[0\]\.deadline: 'soon' is not a duration/,
    );
    expect(invalid.stdout).toBe('');

    const [policy, seed, missing] = await Promise.all([
      cli('simulate', file, '--policy', 'random'),
      cli('simulate', file, '--seed', '-1'),
      cli('simulate', join(dir, 'nope.yaml')),
    ]);
    expect(policy.code).toBe(2);
    expect(policy.stderr).toMatch(/--policy <name>' argument 'random' is invalid/);
    expect(seed.code).toBe(2);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/does not exist/);
  });
});
