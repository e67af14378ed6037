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

/** The test organization with `metadata.description` set (or left out). */
const describedModel = (description?: string, actors: readonly ActorInput[] = TEST_ACTORS) =>
  toOrgModel(
    orgConfigSchema.parse({
      ...orgDocument(actors),
      metadata: { name: 'Acme', ...(description === undefined ? {} : { description }) },
    }),
  );

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
      tokens: await t.cp.listTokens(SYSTEM),
      seq: await t.cp.latestSeq(SYSTEM),
    });

    it('applies a first config as additions, each an event, then one config.applied', async () => {
      const result = await t.cp.applyConfig(SYSTEM, orgModel(), 'org.yaml');
      expect(result).toMatchObject({ applied: true, revision: 1 });
      expect(result.diff.changes[0]).toEqual({
        kind: 'organization',
        id: 'organization',
        change: 'added',
      });
      expect(formatOrgDiff(result.diff)).toEqual([
        '+ organization',
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
        description: '',
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
      expect(again).toEqual({ applied: false, revision: 1, diff: { changes: [] } });
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

    it('meets the same refusal in a dry run, so the diff never promises what apply refuses', async () => {
      await t.cp.applyConfig(SYSTEM, orgModel(), 'org.yaml');
      await itemIn(t.cp, 'in_progress', 'bob');
      const before = await observe();
      await expectDomainError(
        t.cp.applyConfig(SYSTEM, orgModel([ANN, CAT]), 'org.yaml', { dryRun: true }),
        'invalid_config',
      );
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
      const seqBefore = await t.cp.latestSeq(SYSTEM);
      const result = await t.cp.applyConfig(SYSTEM, orgModel(TEST_ACTORS, 'Acme Two'), 'org.yaml');
      expect(result).toEqual({
        applied: true,
        revision: 2,
        diff: {
          changes: [
            { kind: 'organization', id: 'organization', change: 'changed', fields: ['name'] },
          ],
        },
      });
      expect(formatOrgDiff(result.diff)).toEqual(['~ organization (name)']);
      expect((await t.cp.organization())?.name).toBe('Acme Two');
      // The organization's record has no event of its own: config.applied is the only one.
      const events = (await allEvents(t.cp)).filter((e) => e.seq > seqBefore);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'core.config.applied',
        payload: { name: 'Acme Two', revision: 2, changes: result.diff.changes },
      });
    });

    it('stores and exports the description; re-applying it changes nothing', async () => {
      const first = await t.cp.applyConfig(SYSTEM, describedModel('We sell anvils'), 'org.yaml');
      expect(first).toMatchObject({ applied: true, revision: 1 });
      expect(formatOrgDiff(first.diff)[0]).toBe('+ organization');
      expect(await t.cp.organization()).toMatchObject({
        name: 'Acme',
        description: 'We sell anvils',
      });
      const exported = await t.cp.exportConfig(SYSTEM);
      expect(exported?.metadata).toEqual({ name: 'Acme', description: 'We sell anvils' });

      const before = await observe();
      clock.advance(60_000);
      const same = await t.cp.applyConfig(SYSTEM, describedModel('We sell anvils'), 'org.yaml');
      expect(same).toEqual({ applied: false, revision: 1, diff: { changes: [] } });
      const roundTrip = await t.cp.applyConfig(
        SYSTEM,
        toOrgModel(orgConfigSchema.parse(exported)),
        'export',
      );
      expect(roundTrip).toEqual({ applied: false, revision: 1, diff: { changes: [] } });
      expect(await observe()).toEqual(before);
    });

    it('records a description change alone as one organization change', async () => {
      await t.cp.applyConfig(SYSTEM, describedModel('We sell anvils'), 'org.yaml');
      const seqBefore = await t.cp.latestSeq(SYSTEM);
      const descriptionOnly = {
        applied: true,
        diff: {
          changes: [
            {
              kind: 'organization',
              id: 'organization',
              change: 'changed',
              fields: ['description'],
            },
          ],
        },
      };

      const changed = await t.cp.applyConfig(SYSTEM, describedModel('We sell rockets'), 'org.yaml');
      expect(changed).toEqual({ ...descriptionOnly, revision: 2 });
      expect(formatOrgDiff(changed.diff)).toEqual(['~ organization (description)']);
      expect(await t.cp.organization()).toMatchObject({
        name: 'Acme',
        description: 'We sell rockets',
        revision: 2,
      });
      expect((await t.cp.exportConfig(SYSTEM))?.metadata).toEqual({
        name: 'Acme',
        description: 'We sell rockets',
      });
      const events = (await allEvents(t.cp)).filter((e) => e.seq > seqBefore);
      expect(events.map((e) => e.type)).toEqual(['core.config.applied']);
      expect(events[0]?.payload).toMatchObject({ revision: 2, changes: changed.diff.changes });

      // Leaving the description out clears it, and the export then has none.
      const cleared = await t.cp.applyConfig(SYSTEM, describedModel(), 'org.yaml');
      expect(cleared).toEqual({ ...descriptionOnly, revision: 3 });
      expect((await t.cp.organization())?.description).toBe('');
      expect((await t.cp.exportConfig(SYSTEM))?.metadata).toEqual({ name: 'Acme' });
    });

    it('refuses to remove an actor who is offered work, and changes nothing', async () => {
      await t.cp.applyConfig(SYSTEM, orgModel(), 'org.yaml');
      const offered = await itemIn(t.cp, 'offered', 'bob');
      const before = await observe();
      const error = await expectDomainError(
        t.cp.applyConfig(SYSTEM, orgModel([ANN, CAT]), 'org.yaml'),
        'invalid_config',
      );
      expect(error.issues).toEqual([expect.objectContaining({ path: 'actors' })]);
      expect(error.message).toContain('bob');
      expect(await observe()).toEqual(before);

      // Once the offer is withdrawn, bob can go.
      await t.cp.transitionWork(SYSTEM, offered.id, 'release');
      const result = await t.cp.applyConfig(SYSTEM, orgModel([ANN, CAT]), 'org.yaml');
      expect(result).toMatchObject({ applied: true, revision: 2 });
      expect((await t.cp.listActors(SYSTEM)).map((a) => a.id)).toEqual(['ann', 'cat']);
    });

    it('refuses to remove an actor with a live token until the token is revoked', async () => {
      await t.cp.applyConfig(SYSTEM, orgModel(), 'org.yaml');
      const { token } = await t.cp.issueToken(SYSTEM, {
        name: 'bob',
        role: 'agent',
        actorId: 'bob',
      });
      const before = await observe();
      const error = await expectDomainError(
        t.cp.applyConfig(SYSTEM, orgModel([ANN, CAT]), 'org.yaml'),
        'invalid_config',
      );
      expect(error.issues).toEqual([expect.objectContaining({ path: 'actors' })]);
      expect(error.message).toContain('bob');
      expect(error.message).toContain('token');
      expect(await observe()).toEqual(before);

      await t.cp.revokeToken(SYSTEM, token.id);
      const result = await t.cp.applyConfig(SYSTEM, orgModel([ANN, CAT]), 'org.yaml');
      expect(result).toMatchObject({ applied: true, revision: 2 });
      expect(result.diff.changes).toContainEqual({ kind: 'actor', id: 'bob', change: 'removed' });
      expect((await t.cp.listActors(SYSTEM)).map((a) => a.id)).toEqual(['ann', 'cat']);
    });
  });
}
