import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { alertmanagerConfigSchema, type RouteConfig } from '../../core/route-config.js';
import { groupKey, groupLabels } from './group-key.js';
import { matchReceivers, matchRoutes } from './match-routes.js';
import { compileRouteTree, walkRouteTree, type RouteNode } from './route-tree.js';

const tree = (yaml: string): RouteNode =>
  compileRouteTree(alertmanagerConfigSchema.parse(parse(yaml)).route);

/*
 * The tree of Alertmanager's documented example (doc/examples/simple.yml): team X's services by
 * regex, team Y's by equality, the database route with its own grouping and owners below it.
 */
const SIMPLE = tree(`
route:
  receiver: team-X-mails
  group_by: ['alertname', 'cluster', 'service']
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 3h
  routes:
    - matchers: ['service=~"foo1|foo2|baz"']
      receiver: team-X-mails
      routes:
        - matchers: [severity="critical"]
          receiver: team-X-pager
    - matchers: [service="files"]
      receiver: team-Y-mails
      routes:
        - matchers: [severity="critical"]
          receiver: team-Y-pager
    - matchers: [service="database"]
      receiver: team-DB-pager
      group_by: [alertname, cluster, database]
      routes:
        - matchers: [owner="team-X"]
          receiver: team-X-pager
          continue: true
        - matchers: [owner="team-Y"]
          receiver: team-Y-pager
`);

describe('matchRoutes on the documented example', () => {
  it.each([
    [{ service: 'foo1' }, ['team-X-mails']],
    [{ service: 'foo2', severity: 'critical' }, ['team-X-pager']],
    [{ service: 'baz', severity: 'warning' }, ['team-X-mails']],
    // Fully anchored: `foo` is not foo1, `foo12` is not foo1.
    [{ service: 'foo' }, ['team-X-mails']],
    [{ service: 'foo12', severity: 'critical' }, ['team-X-mails']],
    [{ service: 'files' }, ['team-Y-mails']],
    [{ service: 'files', severity: 'critical' }, ['team-Y-pager']],
    [{ service: 'database' }, ['team-DB-pager']],
    [{ service: 'database', owner: 'team-X' }, ['team-X-pager']],
    [{ service: 'database', owner: 'team-Y' }, ['team-Y-pager']],
    [{ service: 'unknown' }, ['team-X-mails']],
    [{}, ['team-X-mails']],
  ])('routes %j to %j', (labels, receivers) => {
    expect(matchReceivers(SIMPLE, labels)).toEqual(receivers);
  });

  it('children inherit grouping and timers unless they set their own', () => {
    const [db] = matchRoutes(SIMPLE, { service: 'database', owner: 'team-X' });
    expect(db).toMatchObject({
      path: 'route.routes.2.routes.0',
      receiver: 'team-X-pager',
      groupBy: ['alertname', 'cluster', 'database'],
      groupWaitMs: 30_000,
      groupIntervalMs: 300_000,
      repeatIntervalMs: 3 * 3_600_000,
    });
    const [files] = matchRoutes(SIMPLE, { service: 'files', severity: 'critical' });
    expect(files?.groupBy).toEqual(['alertname', 'cluster', 'service']);
  });

  it('gives each route Alertmanager key and id', () => {
    const [route] = matchRoutes(SIMPLE, { service: 'files', severity: 'critical' });
    expect(route?.key).toBe('{}/{service="files"}/{severity="critical"}');
    expect(route?.id).toBe('{}/{service="files"}/{severity="critical"}/0');
  });
});

describe('matchRoutes', () => {
  it('continue: the alert also goes to the siblings after a match, in order', () => {
    const t = tree(`
route:
  receiver: default
  routes:
    - match_re: { test: '^[12]$' }
      receiver: test1
      continue: true
    - match: { test: 2 }
      receiver: test2
`);
    expect(matchReceivers(t, { test: '1' })).toEqual(['test1']);
    expect(matchReceivers(t, { test: '2' })).toEqual(['test1', 'test2']);
    expect(matchReceivers(t, { test: 'volovina' })).toEqual(['default']);
  });

  it('without continue, the first matching sibling ends the search even when later ones match', () => {
    const t = tree(`
route:
  receiver: default
  routes:
    - match: { test: 2 }
      receiver: test2
    - match_re: { test: '^[12]$' }
      receiver: test1
      continue: true
`);
    expect(matchReceivers(t, { test: '2' })).toEqual(['test2']);
  });

  it('a matching route whose children all miss is itself the match; continue stops nothing below', () => {
    const t = tree(`
route:
  receiver: root
  routes:
    - matchers: [team="a"]
      receiver: team-a
      continue: true
      routes:
        - matchers: [severity="page"]
          receiver: team-a-pager
    - matchers: [env="prod"]
      receiver: prod
      continue: true
    - matchers: [team="a"]
      receiver: team-a-archive
`);
    expect(matchReceivers(t, { team: 'a' })).toEqual(['team-a', 'team-a-archive']);
    expect(matchReceivers(t, { team: 'a', severity: 'page', env: 'prod' })).toEqual([
      'team-a-pager',
      'prod',
      'team-a-archive',
    ]);
    expect(matchReceivers(t, { env: 'prod' })).toEqual(['prod']);
  });

  it('a route without receiver takes its parent one', () => {
    const t = tree(`
route:
  receiver: root
  routes:
    - matchers: [team="a"]
      group_wait: 1m
      routes:
        - matchers: [severity="page"]
          receiver: pager
        - matchers: [severity="info"]
`);
    expect(matchReceivers(t, { team: 'a', severity: 'info' })).toEqual(['root']);
    expect(matchReceivers(t, { team: 'a', severity: 'page' })).toEqual(['pager']);
    expect(matchRoutes(t, { team: 'a', severity: 'info' })[0]?.groupWaitMs).toBe(60_000);
  });

  it("starts from Alertmanager's defaults: 30s, 5m, 4h, no grouping labels", () => {
    const t = compileRouteTree({ receiver: 'r' });
    expect(t).toMatchObject({
      groupBy: [],
      groupWaitMs: 30_000,
      groupIntervalMs: 300_000,
      repeatIntervalMs: 14_400_000,
      continue: false,
      key: '{}',
    });
  });

  it('a missing label matches as the empty string', () => {
    const t = tree(`
route:
  receiver: root
  routes:
    - matchers: [team=""]
      receiver: unowned
    - matchers: [team!=""]
      receiver: owned
`);
    expect(matchReceivers(t, {})).toEqual(['unowned']);
    expect(matchReceivers(t, { team: 'x' })).toEqual(['owned']);
  });

  it('all three matcher forms must hold together', () => {
    const route: RouteConfig = {
      receiver: 'root',
      routes: [
        {
          receiver: 'all',
          match: { a: '1' },
          match_re: { b: '2|3' },
          matchers: ['c!="4"'],
        },
      ],
    };
    const t = compileRouteTree(route);
    expect(matchReceivers(t, { a: '1', b: '3' })).toEqual(['all']);
    expect(matchReceivers(t, { a: '1', b: '3', c: '4' })).toEqual(['root']);
    expect(matchReceivers(t, { a: '1', b: '23' })).toEqual(['root']);
    expect(t.routes[0]?.key).toBe('{}/{a="1",b=~"2|3",c!="4"}');
  });

  it('walks the tree parent first, in configuration order', () => {
    const paths: string[] = [];
    walkRouteTree(SIMPLE, (node, depth) => paths.push(`${depth}:${node.path}`));
    expect(paths.slice(0, 4)).toEqual([
      '0:route',
      '1:route.routes.0',
      '2:route.routes.0.routes.0',
      '1:route.routes.1',
    ]);
  });
});

describe('grouping', () => {
  it('groups by the route labels the alert has, and by all of them for ...', () => {
    const t = tree(`
route:
  receiver: root
  group_by: [alertname, cluster]
  routes:
    - matchers: [team="a"]
      group_by: ['...']
      receiver: a
    - matchers: [team="b"]
      receiver: b
      routes:
        - matchers: [severity="page"]
          receiver: b-pager
`);
    const labels = { alertname: 'Disk', cluster: 'eu1', team: 'b', severity: 'page', host: 'h1' };
    const [bPager] = matchRoutes(t, labels);
    if (bPager === undefined) throw new Error('no route');
    expect(groupLabels(bPager, labels)).toEqual({ alertname: 'Disk', cluster: 'eu1' });
    expect(groupKey(bPager, labels)).toBe(
      '{}/{team="b"}/{severity="page"}:{alertname="Disk", cluster="eu1"}',
    );
    // A grouping label the alert lacks is left out, so such alerts share one group.
    expect(groupKey(bPager, { team: 'b', severity: 'page', alertname: 'Disk' })).toBe(
      '{}/{team="b"}/{severity="page"}:{alertname="Disk"}',
    );
    const [a] = matchRoutes(t, { ...labels, team: 'a' });
    if (a === undefined) throw new Error('no route');
    expect(a.groupBy).toBe('all');
    expect(groupKey(a, { team: 'a', host: 'h"1' })).toBe('{}/{team="a"}:{host="h\\"1", team="a"}');
  });

  it('a child that sets group_by replaces its parent grouping, ... included', () => {
    const t = tree(`
route:
  receiver: root
  group_by: ['...']
  routes:
    - matchers: [team="a"]
      group_by: [alertname]
      receiver: a
`);
    expect(t.groupBy).toBe('all');
    expect(t.routes[0]?.groupBy).toEqual(['alertname']);
  });

  it('time intervals are not inherited, as in Alertmanager', () => {
    const t = compileRouteTree({
      receiver: 'root',
      routes: [
        {
          matchers: ['a="1"'],
          mute_time_intervals: ['nights'],
          routes: [{ matchers: ['b="2"'] }],
        },
      ],
    });
    expect(t.routes[0]?.muteTimeIntervals).toEqual(['nights']);
    expect(t.routes[0]?.routes[0]?.muteTimeIntervals).toEqual([]);
  });
});
