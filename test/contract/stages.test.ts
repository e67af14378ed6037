import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { ClaimOutcome, PullDecision } from '../../src/coordination/claim-work.js';
import type { PushDecision } from '../../src/coordination/dispatch-offers.js';
import { ManualClock } from '../../src/core/clock.js';
import { DomainError } from '../../src/core/errors.js';
import type { WorkItem } from '../../src/core/model.js';
import type { OrgConfigInput } from '../../src/core/org-config.js';
import { SYSTEM } from '../../src/core/principal.js';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import {
  beforeAllOrFail,
  DIALECTS,
  disposeOpened,
  openTestControlPlane,
  type TestControlPlane,
} from '../support/dialects.js';
import {
  applyDocument,
  clearBacklog,
  eventsAbout,
  expectDomainError,
  type ActorInput,
} from './fixtures.js';

const actor = (
  id: string,
  skills: Record<string, number>,
  mode: 'pull' | 'push' = 'pull',
): ActorInput => ({ id, kind: 'human', name: id, domains: ['press'], skills, capacity: 5, mode });

/**
 * Articles go draft (writing 3, 1h) → review (editing 3, 30m) → approve (approval 4, 15m). Wes
 * writes, Eve edits, Abe approves, Pat edits but is offered work (push); notes have no stages.
 */
const STAGED_ORG: OrgConfigInput = {
  apiVersion: 'autonomy/v1',
  kind: 'Organization',
  metadata: { name: 'Press' },
  domains: [{ id: 'press', name: 'Press' }],
  actors: [
    actor('wes', { writing: 4 }),
    actor('eve', { editing: 4 }),
    actor('abe', { approval: 5, writing: 1 }),
    actor('pat', { editing: 3 }, 'push'),
  ],
  workTypes: [
    {
      id: 'article',
      domain: 'press',
      name: 'Article',
      expectedDuration: '1h45m',
      sla: '1d',
      stages: [
        { id: 'draft', name: 'Draft', requiredSkills: { writing: 3 }, expectedDuration: '1h' },
        { id: 'review', requiredSkills: { editing: 3 }, expectedDuration: '30m' },
        { id: 'approve', requiredSkills: { approval: 4 }, expectedDuration: '15m' },
      ],
    },
    {
      id: 'note',
      domain: 'press',
      name: 'Note',
      requiredSkills: { writing: 1 },
      expectedDuration: '10m',
      sla: '1d',
    },
  ],
};

function claimed(outcome: ClaimOutcome): { item: WorkItem; decision: PullDecision } {
  if (outcome.claimed === null)
    throw new Error(`expected a claim, got ${outcome.reason}: ${outcome.message}`);
  return { item: outcome.claimed, decision: outcome.decision };
}

for (const dialect of DIALECTS) {
  describe(`work stages [${dialect}]`, () => {
    const clock = new ManualClock('2026-03-02T09:00:00.000Z');
    let t: TestControlPlane;
    let cp: ControlPlane;

    const article = () => cp.createWork(SYSTEM, { typeId: 'article', title: 'Launch post' });
    /** Claims, starts and completes the actor's best item; returns the item after completing. */
    const doStage = async (actorId: string): Promise<WorkItem> => {
      const { item } = claimed(await cp.claimWork(SYSTEM, actorId));
      await cp.transitionWork(SYSTEM, item.id, 'start');
      return cp.transitionWork(SYSTEM, item.id, 'complete');
    };

    beforeAllOrFail(async () => {
      t = await openTestControlPlane(dialect, { clock });
      cp = t.cp;
      await applyDocument(cp, STAGED_ORG);
    });
    beforeEach(async () => {
      await clearBacklog(cp);
    });
    afterAll(disposeOpened);

    it('starts an item at its first stage, and a type without stages at none', async () => {
      const staged = await article();
      expect(staged).toMatchObject({ state: 'queued', stageId: 'draft' });
      expect((await cp.getWork(SYSTEM, staged.id)).stageId).toBe('draft');
      const created = (await eventsAbout(cp, staged.id))[0];
      expect(created?.payload).toMatchObject({ stageId: 'draft' });
      const note = await cp.createWork(SYSTEM, { typeId: 'note', title: 'n' });
      expect(note.stageId).toBeNull();
    });

    it('goes draft → review → approve to the actors with each stage’s skills, then done', async () => {
      const item = await article();

      const afterDraft = await doStage('wes');
      expect(afterDraft).toMatchObject({
        state: 'queued',
        stageId: 'review',
        ownerId: null,
        offeredTo: null,
        leaseExpiresAt: null,
      });
      // Wes lacks editing: the review is not his to take.
      const wesAgain = await cp.claimWork(SYSTEM, 'wes');
      expect(wesAgain).toMatchObject({ claimed: null, reason: 'no_queued_work' });

      const review = claimed(await cp.claimWork(SYSTEM, 'eve'));
      expect(review.item).toMatchObject({ id: item.id, ownerId: 'eve', stageId: 'review' });
      expect(review.decision.stageId).toBe('review');
      expect(review.decision.eligibleStages).toEqual([{ typeId: 'article', stageId: 'review' }]);
      expect(review.decision.ineligibleTypes).toContainEqual({
        typeId: 'article',
        stageId: 'draft',
        missing: ['writing ≥ 3 (has 0)'],
      });
      await cp.transitionWork(SYSTEM, item.id, 'start');
      const afterReview = await cp.transitionWork(SYSTEM, item.id, 'complete');
      expect(afterReview).toMatchObject({ state: 'queued', stageId: 'approve', ownerId: null });
      expect(await cp.claimWork(SYSTEM, 'eve')).toMatchObject({ claimed: null });

      const done = await doStage('abe');
      expect(done).toMatchObject({ state: 'done', stageId: 'approve', ownerId: null });

      const history = await eventsAbout(cp, item.id);
      const stages = history.filter((e) => e.type === 'coordination.work.stage_completed');
      expect(stages.map((e) => e.payload)).toEqual([
        {
          action: 'complete_stage',
          from: 'in_progress',
          to: 'queued',
          ownerId: null,
          offeredTo: null,
          fromStage: 'draft',
          toStage: 'review',
          completedBy: 'wes',
        },
        {
          action: 'complete_stage',
          from: 'in_progress',
          to: 'queued',
          ownerId: null,
          offeredTo: null,
          fromStage: 'review',
          toStage: 'approve',
          completedBy: 'eve',
        },
      ]);
      // Only the last stage completes the item.
      expect(history.filter((e) => e.type === 'coordination.work.completed')).toHaveLength(1);
      expect(history.at(-1)?.type).toBe('coordination.work.completed');
      const assignedTo = history
        .filter((e) => e.type === 'coordination.work.assigned')
        .map((e) => (e.payload as { ownerId: string }).ownerId);
      expect(assignedTo).toEqual(['wes', 'eve', 'abe']);
      expect((await cp.verifyAudit(SYSTEM)).ok).toBe(true);
    });

    it('records the finished stage in the same transaction as the move to the next', async () => {
      const item = await article();
      const { item: held } = claimed(await cp.claimWork(SYSTEM, 'wes'));
      await cp.transitionWork(SYSTEM, held.id, 'start');
      const before = await cp.latestSeq(SYSTEM);
      const moved = await cp.transitionWork(SYSTEM, item.id, 'complete');
      const after = await eventsAbout(cp, item.id);
      // One event, one version: the stage change and its record commit together.
      expect(await cp.latestSeq(SYSTEM)).toBe(before + 1);
      expect(after.at(-1)).toMatchObject({
        seq: before + 1,
        type: 'coordination.work.stage_completed',
      });
      expect(moved.version).toBe(held.version + 2);
    });

    it('unblocks dependents only when the last stage completes', async () => {
      const item = await article();
      const waiting = await cp.createWork(SYSTEM, {
        typeId: 'note',
        title: 'announce',
        dependsOn: [item.id],
      });
      expect(waiting.state).toBe('blocked');
      await doStage('wes');
      await doStage('eve');
      expect((await cp.getWork(SYSTEM, waiting.id)).state).toBe('blocked');
      await doStage('abe');
      expect((await cp.getWork(SYSTEM, waiting.id)).state).toBe('queued');
    });

    it('ranks a staged item by the expected duration of the stages it has left', async () => {
      const item = await article();
      const at = async () => (await cp.explainWork(SYSTEM, item.id)).priority.slack;
      // Due in 24h with 1h45m left: 22.25h of slack at 2 points per hour.
      expect(await at()).toBeCloseTo(-2 * 22.25, 6);
      await doStage('wes');
      // 45m left.
      expect(await at()).toBeCloseTo(-2 * 23.25, 6);
      await doStage('eve');
      expect(await at()).toBeCloseTo(-2 * 23.75, 6);
      const fresh = await article();
      // Created at the same moment with more left to do, a fresh article has less slack: it
      // ranks higher. (The stored keys are alike: the stage's share is its queue's offset.)
      expect((await cp.explainWork(SYSTEM, fresh.id)).priority.total).toBeGreaterThan(
        (await cp.explainWork(SYSTEM, item.id)).priority.total,
      );
    });

    it('explains the stage: where the item stands and whose skills it waits for', async () => {
      const item = await article();
      const queued = await cp.explainWork(SYSTEM, item.id);
      expect(queued.stage).toEqual({
        id: 'draft',
        name: 'Draft',
        position: 1,
        of: 3,
        requiredSkills: { writing: 3 },
        next: 'review',
      });
      expect(queued.summary).toMatch(/^at stage 'draft' \(1 of 3\): queued at position 1/);
      await doStage('wes');
      const review = await cp.explainWork(SYSTEM, item.id);
      expect(review.stage).toMatchObject({ id: 'review', name: 'review', position: 2 });
      const wes = review.candidates.find((c) => c.actorId === 'wes');
      expect(wes).toEqual({
        actorId: 'wes',
        eligible: false,
        reasons: ['lacks editing ≥ 3 (has 0)'],
      });
      expect(review.candidates.find((c) => c.actorId === 'eve')?.eligible).toBe(true);
      claimed(await cp.claimWork(SYSTEM, 'eve'));
      const held = await cp.explainWork(SYSTEM, item.id);
      expect(held.summary).toMatch(/^at stage 'review' \(2 of 3\): assigned: leased to 'eve'/);
      const note = await cp.createWork(SYSTEM, { typeId: 'note', title: 'n' });
      expect((await cp.explainWork(SYSTEM, note.id)).stage).toBeNull();
    });

    it('says no_matching_type only when the actor meets no stage of any type', async () => {
      await applyDocument(cp, {
        ...STAGED_ORG,
        actors: [...(STAGED_ORG.actors ?? []), actor('zed', { sales: 5 })],
      });
      const item = await article();
      expect(await cp.claimWork(SYSTEM, 'zed')).toMatchObject({
        claimed: null,
        reason: 'no_matching_type',
      });
      expect(claimed(await cp.claimWork(SYSTEM, 'wes')).item.id).toBe(item.id);
      await applyDocument(cp, STAGED_ORG);
    });

    it('offers a staged item to push actors by its current stage’s skills', async () => {
      const item = await article();
      // At draft, pat (editing) cannot take it: nothing is offered.
      expect(await cp.dispatchOffers()).toEqual([]);
      await doStage('wes');
      const offers = await cp.dispatchOffers();
      expect(offers.map((o) => [o.id, o.offeredTo, o.stageId])).toEqual([
        [item.id, 'pat', 'review'],
      ]);
      const offered = (await eventsAbout(cp, item.id)).filter(
        (e) => e.type === 'coordination.work.offered',
      );
      const decision = (offered.at(-1)?.payload as { decision: PushDecision }).decision;
      expect(decision.candidates.map((c) => c.actorId)).toEqual(['pat']);
      await cp.transitionWork(SYSTEM, item.id, 'release');
    });

    it('starts each stage afresh: a failure at one stage does not count against the next', async () => {
      const item = await article();
      const { item: held } = claimed(await cp.claimWork(SYSTEM, 'wes'));
      await cp.transitionWork(SYSTEM, held.id, 'fail');
      expect((await cp.getWork(SYSTEM, item.id)).failedBy).toEqual(['wes']);
      await cp.transitionWork(SYSTEM, item.id, 'assign', { actorId: 'wes' });
      await cp.transitionWork(SYSTEM, item.id, 'start');
      const review = await cp.transitionWork(SYSTEM, item.id, 'complete');
      expect(review).toMatchObject({ stageId: 'review', failedBy: [], declinedBy: [] });
    });
  });

  describe(`configuring stages [${dialect}]`, () => {
    let t: TestControlPlane;
    let cp: ControlPlane;
    const withStages = (
      stages: NonNullable<NonNullable<OrgConfigInput['workTypes']>[number]['stages']>,
    ): OrgConfigInput => ({
      ...STAGED_ORG,
      workTypes: (STAGED_ORG.workTypes ?? []).map((type) =>
        type.id === 'article' ? { ...type, stages } : type,
      ),
    });
    const draft = { id: 'draft', requiredSkills: { writing: 3 } };
    const review = { id: 'review', requiredSkills: { editing: 3 } };

    beforeAllOrFail(async () => {
      t = await openTestControlPlane(dialect);
      cp = t.cp;
    });
    afterAll(disposeOpened);

    it('names the path of every problem with stages, and applies nothing', async () => {
      const problems = async (workTypes: unknown[]) => {
        const error = await expectDomainError(
          cp.applyConfigDocument(SYSTEM, { ...STAGED_ORG, workTypes }, 'test'),
          'invalid_config',
        );
        return error.issues;
      };
      const type = { domain: 'press', name: 'T', expectedDuration: '1h', sla: '1d' };
      expect(
        (
          await problems([
            { ...type, id: 'a', stages: [] },
            { ...type, id: 'b', stages: [{ id: 'x', expectedDuration: 'soon' }] },
            { ...type, id: 'c', stages: [{ id: 'Bad Id' }] },
          ])
        ).map((i) => i.path),
      ).toEqual([
        'workTypes.0.stages',
        'workTypes.1.stages.0.expectedDuration',
        'workTypes.2.stages.0.id',
      ]);
      const issues = await problems([
        {
          ...type,
          id: 'article',
          requiredSkills: { writing: 1 },
          stages: [draft, { ...review, id: 'draft' }],
        },
      ]);
      expect(issues).toEqual([
        { path: 'workTypes.0.stages.1.id', message: "duplicate stage id 'draft'" },
        {
          path: 'workTypes.0.requiredSkills',
          message: 'a work type with stages names the skills of each stage instead',
        },
      ]);
      expect(await cp.organization()).toBeNull();
    });

    it('stores stages, defaults names and shares of the duration, and exports them back', async () => {
      await applyDocument(
        cp,
        withStages([draft, review, { id: 'approve', requiredSkills: { approval: 4 } }]),
      );
      const type = await cp.getWorkType(SYSTEM, 'article');
      // 1h45m shared by three stages.
      expect(type.stages).toEqual([
        {
          id: 'draft',
          name: 'draft',
          requiredSkills: { writing: 3 },
          expectedDurationSeconds: 2100,
        },
        {
          id: 'review',
          name: 'review',
          requiredSkills: { editing: 3 },
          expectedDurationSeconds: 2100,
        },
        {
          id: 'approve',
          name: 'approve',
          requiredSkills: { approval: 4 },
          expectedDurationSeconds: 2100,
        },
      ]);
      expect(type.requiredSkills).toEqual({});
      const exported = await cp.exportConfig(SYSTEM);
      const article = exported?.workTypes?.find((w) => w.id === 'article');
      expect(article?.stages?.[0]).toEqual({
        id: 'draft',
        name: 'draft',
        requiredSkills: { writing: 3 },
        expectedDuration: '35m',
      });
      expect(exported?.workTypes?.find((w) => w.id === 'note')).not.toHaveProperty('stages');
      const again = await cp.applyConfigDocument(SYSTEM, exported, 'export');
      expect(again.applied).toBe(false);
    });

    it('with open items, allows appending and editing stages in place, and refuses the rest', async () => {
      await applyDocument(cp, withStages([draft, review]));
      const item = await cp.createWork(SYSTEM, { typeId: 'article', title: 'a' });
      const refused = async (document: OrgConfigInput) => {
        const before = await cp.getWorkType(SYSTEM, 'article');
        const seq = await cp.latestSeq(SYSTEM);
        const error = await expectDomainError(
          cp.applyConfigDocument(SYSTEM, document, 'test'),
          'invalid_config',
        );
        expect(error.issues.map((i) => i.path)).toEqual(['workTypes.0.stages']);
        expect(error.issues[0]?.message).toContain('has open work');
        // The dry run meets the same refusal.
        await expectDomainError(
          cp.applyConfigDocument(SYSTEM, document, 'test', { dryRun: true }),
          'invalid_config',
        );
        expect(await cp.getWorkType(SYSTEM, 'article')).toEqual(before);
        expect(await cp.latestSeq(SYSTEM)).toBe(seq);
      };
      await refused(withStages([review, draft]));
      await refused(withStages([draft]));
      await refused(withStages([{ ...draft, id: 'write' }, review]));
      await refused({
        ...STAGED_ORG,
        workTypes: (STAGED_ORG.workTypes ?? []).map((type) =>
          type.id === 'article'
            ? { id: 'article', domain: 'press', name: 'Article', expectedDuration: '1h', sla: '1d' }
            : type,
        ),
      });

      await applyDocument(
        cp,
        withStages([
          { ...draft, requiredSkills: { writing: 2 } },
          review,
          { id: 'approve', requiredSkills: { approval: 4 } },
        ]),
      );
      expect((await cp.getWorkType(SYSTEM, 'article')).stages.map((s) => s.id)).toEqual([
        'draft',
        'review',
        'approve',
      ]);
      // Without open items any change goes.
      await cp.transitionWork(SYSTEM, item.id, 'cancel');
      await applyDocument(cp, withStages([review]));
    });

    it('reports a bad stage in an HTTP-shaped document as a domain error naming the field', async () => {
      const caught = await cp
        .applyConfigDocument(SYSTEM, withStages([{ ...draft, colour: 'red' } as never]), 'test')
        .catch((error: unknown) => error);
      expect(caught).toBeInstanceOf(DomainError);
      expect((caught as DomainError).issues).toEqual([
        { path: 'workTypes.0.stages.0.colour', message: 'unknown field' },
      ]);
    });
  });
}
