import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { formatOrgDiff } from '../../src/core/diff-org-config.js';
import { orgConfigSchema, toOrgModel } from '../../src/core/org-config.js';
import { SYSTEM } from '../../src/core/principal.js';
import {
  DIALECTS,
  disposeOpened,
  openTestControlPlane,
  type TestControlPlane,
} from '../support/dialects.js';
import {
  allEvents,
  ANN,
  type ActorInput,
  createTicket,
  expectDomainError,
  itemIn,
  orgDocument,
  orgModel,
  TEST_ACTORS,
} from './fixtures.js';

const CAT: ActorInput = { id: 'cat', kind: 'agent', name: 'Cat', domains: ['ops'], capacity: 2 };

for (const dialect of DIALECTS) {
  describe(`organization config apply [${dialect}]`, () => {
    const clock = new ManualClock('2026-05-01T10:00:00.000Z');
    let t: TestControlPlane;

    beforeEach(async () => {
      t = await openTestControlPlane(dialect, { clock });
    });
    afterEach(disposeOpened);

    /** Everything apply could touch. */
    const observe = async () => ({
      organization: await t.cp.organization(),
      exported: await t.cp.exportConfig(SYSTEM),
      actors: await t.cp.listActors(SYSTEM),
      domains: await t.cp.listDomains(SYSTEM),
      workTypes: await t.cp.listWorkTypes(SYSTEM),
      seq: await t.cp.latestSeq(SYSTEM),
    });

    it('applies a first config as additions, each an event, then one config.applied', async () => {
      const result = await t.cp.applyConfig(SYSTEM, orgModel(), 'org.yaml');
      expect(result).toMatchObject({ applied: true, revision: 1 });
      expect(formatOrgDiff(result.diff)).toEqual([
        '+ domain ops',
        '+ actor ann',
        '+ actor bob',
        '+ workType ticket',
      ]);
      const events = await allEvents(t.cp);
      expect(events.map((e) => [e.type, e.subject])).toEqual([
        ['core.domain.upserted', 'ops'],
        ['core.actor.upserted', 'ann'],
        ['core.actor.upserted', 'bob'],
        ['core.work_type.upserted', 'ticket'],
        ['core.config.applied', null],
      ]);
      expect(events.at(-1)?.payload).toMatchObject({
        source: 'org.yaml',
        revision: 1,
        name: 'Acme',
        changes: result.diff.changes,
      });
      expect(await t.cp.organization()).toEqual({
        name: 'Acme',
        revision: 1,
        appliedAt: clock.now().toISOString(),
        appliedBy: 'system',
      });
      expect((await t.cp.listActors(SYSTEM)).map((a) => [a.id, a.status])).toEqual([
        ['ann', 'available'],
        ['bob', 'available'],
      ]);
    });

    it('records nothing when the same config is applied again', async () => {
      await t.cp.applyConfig(SYSTEM, orgModel(), 'org.yaml');
      const before = await observe();
      clock.advance(60_000);
      const again = await t.cp.applyConfig(SYSTEM, orgModel(), 'org.yaml');
      expect(again).toEqual({ applied: false, revision: 1, diff: { changes: [], renamed: false } });
      expect(await observe()).toEqual(before);
    });

    it('records nothing when its own export is applied back', async () => {
      await t.cp.applyConfig(SYSTEM, orgModel(), 'org.yaml');
      const before = await observe();
      const exported = await t.cp.exportConfig(SYSTEM);
      const again = await t.cp.applyConfig(
        SYSTEM,
        toOrgModel(orgConfigSchema.parse(exported)),
        'export',
      );
      expect(again.applied).toBe(false);
      expect(await observe()).toEqual(before);
    });

    it('lists added, changed and removed entries, applies them, and keeps live status', async () => {
      await t.cp.applyConfig(SYSTEM, orgModel(), 'org.yaml');
      await t.cp.setActorStatus(SYSTEM, 'ann', 'away');
      const seqBefore = await t.cp.latestSeq(SYSTEM);
      const desired = orgModel([{ ...ANN, name: 'Ann B.', capacity: 3 }, CAT]);

      const preview = await t.cp.applyConfig(SYSTEM, desired, 'org.yaml', { dryRun: true });
      expect(preview.applied).toBe(false);
      expect(await t.cp.latestSeq(SYSTEM)).toBe(seqBefore);

      const result = await t.cp.applyConfig(SYSTEM, desired, 'org.yaml');
      expect(result.diff).toEqual(preview.diff);
      expect(result.diff).toEqual({
        renamed: false,
        changes: [
          { kind: 'actor', id: 'ann', change: 'changed', fields: ['name', 'capacity'] },
          { kind: 'actor', id: 'cat', change: 'added' },
          { kind: 'actor', id: 'bob', change: 'removed' },
        ],
      });
      expect(formatOrgDiff(result.diff)).toEqual([
        '~ actor ann (name, capacity)',
        '+ actor cat',
        '- actor bob',
      ]);
      expect(result).toMatchObject({ applied: true, revision: 2 });

      const events = (await allEvents(t.cp)).filter((e) => e.seq > seqBefore);
      expect(events.map((e) => [e.type, e.subject])).toEqual([
        ['core.actor.upserted', 'ann'],
        ['core.actor.upserted', 'cat'],
        ['core.actor.removed', 'bob'],
        ['core.config.applied', null],
      ]);
      expect(events[0]?.payload).toMatchObject({ name: 'Ann B.', capacity: 3 });
      const actors = await t.cp.listActors(SYSTEM);
      expect(actors.map((a) => [a.id, a.name, a.capacity, a.status])).toEqual([
        ['ann', 'Ann B.', 3, 'away'],
        ['cat', 'Cat', 2, 'available'],
      ]);
      expect((await t.cp.organization())?.revision).toBe(2);
    });

    it('refuses to remove an actor who holds work, and changes nothing', async () => {
      await t.cp.applyConfig(SYSTEM, orgModel(), 'org.yaml');
      await itemIn(t.cp, 'in_progress', 'bob');
      const before = await observe();
      const error = await expectDomainError(
        t.cp.applyConfig(SYSTEM, orgModel([ANN, CAT]), 'org.yaml'),
        'invalid_config',
      );
      expect(error.issues).toEqual([expect.objectContaining({ path: 'actors' })]);
      expect(error.message).toContain('bob');
      expect(await observe()).toEqual(before);
    });

    it('refuses to remove a work type with open work, and changes nothing', async () => {
      await t.cp.applyConfig(SYSTEM, orgModel(), 'org.yaml');
      await createTicket(t.cp);
      const before = await observe();
      const document = orgDocument();
      const desired = toOrgModel(
        orgConfigSchema.parse({
          ...document,
          workTypes: [
            { id: 'other', domain: 'ops', name: 'Other', expectedDuration: '1h', sla: '1d' },
          ],
        }),
      );
      await expectDomainError(t.cp.applyConfig(SYSTEM, desired, 'org.yaml'), 'invalid_config');
      expect(await observe()).toEqual(before);
    });

    it('records a rename alone as a new revision', async () => {
      await t.cp.applyConfig(SYSTEM, orgModel(), 'org.yaml');
      const result = await t.cp.applyConfig(SYSTEM, orgModel(TEST_ACTORS, 'Acme Two'), 'org.yaml');
      expect(result).toMatchObject({
        applied: true,
        revision: 2,
        diff: { changes: [], renamed: true },
      });
      expect((await t.cp.organization())?.name).toBe('Acme Two');
      expect((await allEvents(t.cp)).at(-1)).toMatchObject({
        type: 'core.config.applied',
        payload: { name: 'Acme Two', revision: 2 },
      });
    });
  });
}
