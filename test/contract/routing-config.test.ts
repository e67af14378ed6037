import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { formatOrgDiff } from '../../src/core/diff-org-config.js';
import { orgConfigSchema, toOrgModel, type OrgConfigInput } from '../../src/core/org-config.js';
import { SYSTEM } from '../../src/core/principal.js';
import { compileRouting } from '../../src/monitoring/routing/compile-routing.js';
import { matchReceivers } from '../../src/monitoring/routing/match-routes.js';
import {
  DIALECTS,
  disposeOpened,
  openTestControlPlane,
  type TestControlPlane,
} from '../support/dialects.js';
import { allEvents, orgDocument } from './fixtures.js';

/* The routing keys of an organization file survive apply and export, in every dialect. */

const ROUTING = {
  receivers: [
    {
      name: 'ops-leads',
      escalation: { steps: [{ notify: ['@domain-owners'], escalate_after: '1h' }] },
    },
  ],
  route: {
    receiver: 'ops-leads',
    group_by: ['domain'],
    routes: [
      { matchers: ['severity="critical"'], receiver: 'ann', repeat_interval: '30m' },
      { match: { domain: 'ops' }, receiver: 'bob', mute_time_intervals: ['nights'] },
    ],
  },
  inhibit_rules: [
    {
      source_matchers: ['severity="critical"'],
      target_matchers: ['severity="warning"'],
      equal: ['domain'],
    },
  ],
  time_intervals: [
    { name: 'nights', time_intervals: [{ times: [{ start_time: '22:00', end_time: '24:00' }] }] },
  ],
} satisfies Partial<OrgConfigInput>;

const model = (routing: Partial<OrgConfigInput> = ROUTING) =>
  toOrgModel(orgConfigSchema.parse({ ...orgDocument(), ...routing }));

for (const dialect of DIALECTS) {
  describe(`routing configuration [${dialect}]`, () => {
    const clock = new ManualClock('2026-05-01T10:00:00.000Z');
    let t: TestControlPlane;

    beforeEach(async () => {
      t = await openTestControlPlane(dialect, { clock });
    });
    afterEach(disposeOpened);

    it('stores the routing keys as written, records them, and exports them back', async () => {
      const result = await t.cp.applyConfig(SYSTEM, model(), 'org.yaml');
      expect(formatOrgDiff(result.diff).slice(-3)).toEqual([
        '+ routing route',
        '+ routing inhibit_rules',
        '+ routing time_intervals',
      ]);
      const events = await allEvents(t.cp);
      expect(events.find((e) => e.type === 'core.routing.updated')?.payload).toEqual(ROUTING);
      const exported = await t.cp.exportConfig(SYSTEM);
      expect(exported).toMatchObject(ROUTING);
      // What is stored routes as the file says.
      const routing = compileRouting(toOrgModel(orgConfigSchema.parse(exported)).routing ?? {});
      if (routing.tree === null) throw new Error('the stored routing lost its tree');
      expect(matchReceivers(routing.tree, { severity: 'critical', domain: 'ops' })).toEqual([
        'ann',
      ]);
      expect(matchReceivers(routing.tree, { domain: 'ops' })).toEqual(['bob']);

      const again = await t.cp.applyConfig(
        SYSTEM,
        toOrgModel(orgConfigSchema.parse(exported)),
        'export',
      );
      expect(again.applied).toBe(false);
    });

    it('lists a changed tree by its changed keys, and removes routing a file drops', async () => {
      await t.cp.applyConfig(SYSTEM, model(), 'org.yaml');
      const changed = await t.cp.applyConfig(
        SYSTEM,
        model({
          ...ROUTING,
          route: { receiver: 'ops-leads', routes: ROUTING.route.routes },
        }),
        'org.yaml',
      );
      expect(formatOrgDiff(changed.diff)).toEqual(['~ routing route (group_by)']);

      const removed = await t.cp.applyConfig(SYSTEM, model({}), 'org.yaml');
      expect(formatOrgDiff(removed.diff)).toEqual([
        '- routing route',
        '- routing inhibit_rules',
        '- routing time_intervals',
      ]);
      const exported = await t.cp.exportConfig(SYSTEM);
      expect(exported).not.toHaveProperty('route');
      expect(exported).not.toHaveProperty('inhibit_rules');
      const events = await allEvents(t.cp);
      expect(events.filter((e) => e.type === 'core.routing.updated').at(-1)?.payload).toEqual({});
    });
  });
}
