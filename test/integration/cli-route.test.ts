import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { cliInProcess as cli, ROOT, testDir } from '../support/cli.js';

/* `autonomy route test` and `autonomy route tree`, run in-process through main(). */

const ALERTMANAGER = join(ROOT, 'examples', 'alertmanager.yml');
const ORG = join(ROOT, 'examples', 'org.yaml');
const dir = testDir('route');

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('autonomy route test', { timeout: 60_000 }, () => {
  it.each([
    [['service=database', 'owner=team-x'], 'team-x-pager'],
    [['service=database'], 'team-db-pager'],
    [['service=checkout', 'severity=critical'], 'team-x-pager'],
    [['service=checkout', 'severity=warning'], 'team-x-mails'],
    // Fully anchored: `check` is not one of team X's services.
    [['service=check', 'severity=critical'], 'ops-mails'],
    [['service=files', 'severity=critical'], 'team-y-pager'],
    [['team=frontend', 'env=prod'], 'frontend-oncall,frontend-channel'],
    [['team=frontend', 'env=staging'], 'frontend-channel'],
    [['alertname=Watchdog'], 'deadmans-switch'],
    [['alertname="Disk almost full"'], 'ops-mails'],
    [[], 'ops-mails'],
  ])('routes %j as amtool would: %s', async (labels, receivers) => {
    const { code, stdout, stderr } = await cli(
      'route',
      'test',
      '--config',
      ALERTMANAGER,
      ...labels,
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(`${receivers}\n`);
  });

  it('--json gives each matched route with its effective grouping and timers', async () => {
    const { code, stdout } = await cli(
      '--json',
      'route',
      'test',
      '--config',
      ALERTMANAGER,
      'alertname=Slow',
      'service=database',
      'database=orders',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      labels: { alertname: 'Slow', service: 'database', database: 'orders' },
      receivers: ['team-db-pager'],
      routes: [
        {
          path: 'route.routes.3',
          id: '{}/{service="database"}/3',
          receiver: 'team-db-pager',
          matchers: ['service="database"'],
          continue: false,
          group_by: ['alertname', 'cluster', 'database'],
          group_wait: '30s',
          group_interval: '5m',
          repeat_interval: '3h',
          mute_time_intervals: [],
          active_time_intervals: [],
          group_key: '{}/{service="database"}:{alertname="Slow", database="orders"}',
        },
      ],
    });
    const both = await cli(
      'route',
      'test',
      '--json',
      '--config',
      ALERTMANAGER,
      'team=frontend',
      'env=prod',
    );
    const routes = (JSON.parse(both.stdout) as { routes: Record<string, unknown>[] }).routes;
    expect(routes.map((r) => [r.receiver, r.active_time_intervals, r.mute_time_intervals])).toEqual(
      [
        ['frontend-oncall', ['business-hours'], []],
        ['frontend-channel', [], ['weekly-maintenance']],
      ],
    );
    expect(routes[1]?.group_by).toEqual(['...']);
  });

  it('reads an organization file too', async () => {
    const { code, stdout } = await cli(
      'route',
      'test',
      '--config',
      ORG,
      'domain=billing',
      'work_type=refund-request',
    );
    expect(code).toBe(0);
    expect(stdout).toBe('david,support-leads\n');
  });

  it('refuses a label without =, or a matcher that is not equality, with exit code 2', async () => {
    const bad = await cli('route', 'test', '--config', ALERTMANAGER, 'service=db', 'oops', 'a=~b');
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe(
      [
        'error: labels must be given as name=value',
        "  labels[1]: 'oops' is not a label: write name=value (e.g. severity=critical)",
        "  labels[2]: 'a=~b' is not a label: write name=value (e.g. severity=critical)",
        '',
      ].join('\n'),
    );
  });

  it('reports a bad configuration at its line and path, with exit code 2', async () => {
    const broken = file(
      'broken.yml',
      [
        'route:',
        '  group_wait: soon',
        '  routes:',
        '    - receiver: x',
        '    - matchers: [\'service=~"(api"\']',
        'receivers:',
        '  - name: x',
        '',
      ].join('\n'),
    );
    const { code, stderr } = await cli('route', 'test', '--config', broken, 'a=b');
    expect(code).toBe(2);
    expect(stderr).toContain(
      `error: ${broken} is not a valid Alertmanager configuration (3 problems)`,
    );
    expect(stderr).toContain(`${broken}:1:1: route.receiver: missing required field`);
    expect(stderr).toContain(
      `${broken}:2:3: route.group_wait: 'soon' is not a duration (e.g. 30s, 5m, 4h, 1d, 1h30m)`,
    );
    expect(stderr).toContain(
      `${broken}:5:18: route.routes[1].matchers[0]: invalid regular expression '(api': Unterminated group`,
    );
    const notYaml = await cli('route', 'tree', '--config', file('list.yml', '- a\n- b\n'));
    expect(notYaml.code).toBe(2);
    expect(notYaml.stderr).toContain('expected a mapping');
    const missing = await cli('route', 'tree', '--config', join(dir, 'nope.yml'));
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('does not exist');
  });

  it('uses the applied organization without --config, and says when there is none', async () => {
    const db = join(dir, 'stored.db');
    const none = await cli('--db', db, 'route', 'test', 'domain=platform');
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/^error: no organization has been applied yet/);

    const withoutRoute = parse(readFileSync(ORG, 'utf8')) as Record<string, unknown>;
    delete withoutRoute.route;
    delete withoutRoute.inhibit_rules;
    delete withoutRoute.time_intervals;
    // Its SLO files are named relative to the example, not to this copy.
    delete withoutRoute.slos;
    // Written elsewhere: the policy files go inline (paths are relative to the file).
    withoutRoute.policies = (withoutRoute.policies as string[]).map((name) => ({
      name,
      text: readFileSync(join(ROOT, 'examples', name), 'utf8'),
    }));
    const plain = file('plain.yaml', stringify(withoutRoute));
    expect((await cli('--db', db, 'apply', '-f', plain)).code).toBe(0);
    const noTree = await cli('--db', db, 'route', 'test', 'domain=platform');
    expect(noTree.code).toBe(3);
    expect(noTree.stderr).toMatch(/the applied organization has no routing tree/);

    const applied = await cli('--db', db, 'apply', '-f', ORG);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('+ routing route');
    const stored = await cli('--db', db, 'route', 'test', 'domain=platform', 'severity=critical');
    expect(stored).toEqual({ code: 0, stdout: 'platform-oncall\n', stderr: '' });
    const tree = await cli('--db', db, 'route', 'tree');
    expect(tree.stdout.split('\n').slice(0, 3)).toEqual([
      'Routing tree:',
      '.',
      '└── default-route  receiver: operations-leads  grouping: [domain,work_type]',
    ]);
    // The export carries the routing back, and applying it changes nothing.
    const exported = await cli('--db', db, 'export', '-o', join(dir, 'exported.yaml'));
    expect(exported.code).toBe(0);
    const again = await cli('--db', db, 'apply', '-f', join(dir, 'exported.yaml'));
    expect(again.stdout).toMatch(/no changes/);
  });
});

describe('autonomy route tree', () => {
  it('draws the tree as amtool config routes show does', async () => {
    const { code, stdout } = await cli('route', 'tree', '--config', ALERTMANAGER);
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'Routing tree:',
        '.',
        '└── default-route  receiver: ops-mails  grouping: [alertname,cluster,service]',
        '    ├── {alertname="Watchdog"}  receiver: deadmans-switch  grouping: [alertname,cluster,service]',
        '    ├── {service=~"api|checkout|search"}  receiver: team-x-mails  grouping: [alertname,cluster,service]',
        '    │   └── {severity="critical"}  receiver: team-x-pager  grouping: [alertname,cluster,service]',
        '    ├── {service="files"}  receiver: team-y-mails  grouping: [alertname,cluster,service]',
        '    │   └── {severity="critical"}  receiver: team-y-pager  grouping: [alertname,cluster,service]',
        '    ├── {service="database"}  receiver: team-db-pager  grouping: [alertname,cluster,database]',
        '    │   ├── {owner="team-x"}  receiver: team-x-pager  grouping: [alertname,cluster,database]',
        '    │   └── {owner="team-y"}  receiver: team-y-pager  grouping: [alertname,cluster,database]',
        '    ├── {env!~"staging|dev",team="frontend"}  continue: true  receiver: frontend-oncall  grouping: [alertname,cluster,service]',
        '    └── {team="frontend"}  receiver: frontend-channel  grouping: [...]',
        '',
      ].join('\n'),
    );
  });

  it('--json gives the nested tree with effective options', async () => {
    const { stdout } = await cli('--json', 'route', 'tree', '--config', ALERTMANAGER);
    const tree = JSON.parse(stdout) as {
      receiver: string;
      repeat_interval: string;
      routes: { path: string; group_wait: string; routes: unknown[] }[];
    };
    expect(tree.receiver).toBe('ops-mails');
    expect(tree.repeat_interval).toBe('3h');
    expect(tree.routes.map((r) => [r.path, r.group_wait])).toEqual([
      ['route.routes.0', '0s'],
      ['route.routes.1', '30s'],
      ['route.routes.2', '30s'],
      ['route.routes.3', '30s'],
      ['route.routes.4', '30s'],
      ['route.routes.5', '30s'],
    ]);
  });
});
