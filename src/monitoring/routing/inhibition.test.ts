import { describe, expect, it } from 'vitest';
import { compileInhibitRules, inhibitionsOf, isInhibited, type SourceAlert } from './inhibition.js';

const CRITICAL_MUTES_WARNING = compileInhibitRules([
  {
    source_matchers: ['severity="critical"'],
    target_matchers: ['severity="warning"'],
    equal: ['alertname', 'cluster'],
  },
]);

const alert = (id: string, labels: Record<string, string>): SourceAlert => ({ id, labels });

describe('isInhibited', () => {
  const critical = alert('c1', { alertname: 'Latency', cluster: 'eu1', severity: 'critical' });

  it('mutes a target when a firing source agrees on every equal label', () => {
    const warning = { alertname: 'Latency', cluster: 'eu1', severity: 'warning' };
    expect(isInhibited(warning, [critical], CRITICAL_MUTES_WARNING)).toBe(true);
    expect(inhibitionsOf(warning, [critical], CRITICAL_MUTES_WARNING)).toEqual([
      { rule: CRITICAL_MUTES_WARNING[0], sources: ['c1'] },
    ]);
  });

  it('does not mute when an equal label differs, or the target side does not match', () => {
    expect(
      isInhibited(
        { alertname: 'Latency', cluster: 'us1', severity: 'warning' },
        [critical],
        CRITICAL_MUTES_WARNING,
      ),
    ).toBe(false);
    expect(
      isInhibited(
        { alertname: 'Latency', cluster: 'eu1', severity: 'info' },
        [critical],
        CRITICAL_MUTES_WARNING,
      ),
    ).toBe(false);
    expect(isInhibited({ severity: 'warning' }, [], CRITICAL_MUTES_WARNING)).toBe(false);
  });

  it('counts a label missing on both sides as equal, and missing on one side as different', () => {
    const source = alert('s', { alertname: 'Latency', severity: 'critical' });
    expect(
      isInhibited({ alertname: 'Latency', severity: 'warning' }, [source], CRITICAL_MUTES_WARNING),
    ).toBe(true);
    expect(
      isInhibited(
        { alertname: 'Latency', cluster: 'eu1', severity: 'warning' },
        [source],
        CRITICAL_MUTES_WARNING,
      ),
    ).toBe(false);
  });

  it('an alert matching both sides is not inhibited by itself or by peers that match both', () => {
    // Any alert of a failing node mutes the others of that node, but not itself.
    const rules = compileInhibitRules([
      {
        source_matchers: ['alertname="NodeDown"'],
        target_matchers: ['alertname=~".*"'],
        equal: ['node'],
      },
    ]);
    const nodeDown = alert('n', { alertname: 'NodeDown', node: 'a' });
    expect(isInhibited(nodeDown.labels, [nodeDown], rules)).toBe(false);
    expect(isInhibited({ alertname: 'DiskFull', node: 'a' }, [nodeDown], rules)).toBe(true);
    // A second NodeDown for the same node matches both sides too: it is not muted by the first.
    expect(isInhibited({ alertname: 'NodeDown', node: 'a', extra: 'x' }, [nodeDown], rules)).toBe(
      false,
    );
  });

  it('reads the older source_match / target_match_re forms', () => {
    const rules = compileInhibitRules([
      {
        source_match: { alertname: 'ClusterDown' },
        target_match_re: { alertname: 'Pod.*' },
        equal: ['cluster'],
      },
    ]);
    const source = alert('d', { alertname: 'ClusterDown', cluster: 'x' });
    expect(isInhibited({ alertname: 'PodCrash', cluster: 'x' }, [source], rules)).toBe(true);
    expect(isInhibited({ alertname: 'NodeCrash', cluster: 'x' }, [source], rules)).toBe(false);
    expect(rules[0]?.path).toBe('inhibit_rules.0');
  });
});
