import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/core/principal.js';
import { ControlPlane } from '../../src/runtime/control-plane.js';
import { cliProcess, cliProcessWithin, ROOT, testDir } from '../support/cli.js';

const dir = testDir('demo');

// The example organization with its routing's first wait cut from 30 s to 1 s, so an exception
// reaches its owner within the test.
for (const folder of ['policies', 'slos'])
  cpSync(join(ROOT, 'examples', folder), join(dir, folder), { recursive: true });
writeFileSync(
  join(dir, 'org.yaml'),
  readFileSync(join(ROOT, 'examples', 'org.yaml'), 'utf8').replace(
    'group_wait: 30s',
    'group_wait: 1s',
  ),
);

/**
 * The demo at test speed: the example organization, agents on the SDK and MCP, and one that goes
 * silent on its first item and stays down (its lease outlasts the test), so monitoring's
 * exception stays open long enough for its owner to take it on however slow the machine.
 */
const SCENARIO = `
apiVersion: autonomy/v1
kind: DemoScenario
metadata: { name: fast, description: the demo at test speed }
organization: org.yaml
leaseSeconds: 20
detectors: { heartbeatTimeoutSeconds: 2, stallQuietFloorSeconds: 2 }
arrivals:
  - { typeId: ticket-triage, every: 0.5s, titles: [Cannot log in] }
  - { typeId: support-reply, every: 0.5s, titles: [Reply to a customer] }
  - { typeId: kb-article, every: 1s, titles: [Document the SSO setup] }
  - { typeId: refund-request, every: 1s, titles: [Refund a duplicate charge] }
agents:
  - { actor: triage-bot, via: sdk, work: { min: 0.1s, max: 0.3s } }
  - { actor: reply-drafter, via: mcp, work: { min: 0.1s, max: 0.3s } }
  - { actor: kb-writer, via: sdk, work: { min: 0.1s, max: 0.3s }, stallRate: 1, restartAfter: 1h }
  - actor: refund-agent
    work: { min: 0.1s, max: 0.3s }
    actions: [{ action: refund, typeIds: [refund-request], context: { amount: { min: 150, max: 300 }, currency: EUR } }]
people:
  - { actor: david, checkEvery: 0.5s, decideAfter: 0.5s, acknowledgeAfter: 5s, resolveAfter: 5s }
  - { actor: maria, checkEvery: 0.5s, acknowledgeAfter: 0.5s, resolveAfter: 0.5s }
`;

describe('autonomy demo', () => {
  it('drives the example organization through the SDK, MCP and people until it is stopped', async () => {
    const scenario = join(dir, 'fast.yaml');
    writeFileSync(scenario, SCENARIO);
    const db = join(dir, 'demo.db');
    const run = await cliProcessWithin(
      150_000,
      '--db',
      db,
      'demo',
      '--scenario',
      scenario,
      '--port',
      '0',
      '--for',
      '20s',
    );
    expect(run.stderr).not.toContain('Error');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/admin token \(log in with it\): aut_\S+/);
    expect(run.stdout).toMatch(/kb-writer went silent holding w_/);
    expect(run.stdout).toMatch(/maria acknowledged: /);
    expect(run.stdout).toMatch(
      /refund-agent asks approval to refund \{"amount":\d+,"currency":"EUR"\}/,
    );
    expect(run.stdout).toMatch(/david approved: refund-agent may refund /);

    const cp = await ControlPlane.open({ databaseUrl: db, leaseSeconds: 20 });
    try {
      const events = await cp.listEvents(SYSTEM, { limit: 10_000 });
      const by = (type: string, actor: string) =>
        events.filter((e) => e.type === type && e.actor === actor).length;
      // Work done through the SDK and through the MCP tools, by the agents themselves.
      expect(by('coordination.work.completed', 'triage-bot')).toBeGreaterThan(0);
      expect(by('coordination.work.completed', 'reply-drafter')).toBeGreaterThan(0);
      // Refunds over 100 went ahead only with an approval, each spent by the refund it allowed.
      const refunds = events.filter(
        (e) => e.type === 'supervision.action.performed' && e.actor === 'refund-agent',
      );
      expect(refunds.length).toBeGreaterThan(0);
      for (const refund of refunds)
        expect(refund.payload).toMatchObject({ approvalId: expect.stringMatching(/./) as string });
      // The silent agent was caught by monitoring, and its owner took the exception on.
      expect(by('monitoring.exception.acknowledged', 'maria')).toBeGreaterThan(0);
      const arrived = events.filter((e) => e.type === 'coordination.work.created').length;
      expect(run.stdout).toContain(`demo stopped: ${arrived} items arrived`);
    } finally {
      await cp.close();
    }
  }, 180_000);

  it('refuses a scenario with a bad field, naming its line', async () => {
    const scenario = join(dir, 'bad.yaml');
    writeFileSync(scenario, SCENARIO.replace('every: 0.5s', 'every: soon'));
    const run = await cliProcess('--db', join(dir, 'bad.db'), 'demo', '--scenario', scenario);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bad\.yaml:\d+:\d+: arrivals\[0\]\.every: a duration such as 5s/);
  });
});
