import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { ClaimOutcome, PullDecision } from '../../src/coordination/claim-work.js';
import { ManualClock } from '../../src/core/clock.js';
import type { WorkItem } from '../../src/core/model.js';
import { orgConfigSchema, toOrgModel, type OrgConfigInput } from '../../src/core/org-config.js';
import { SYSTEM, type Principal } from '../../src/core/principal.js';
import { ControlPlane } from '../../src/runtime/control-plane.js';
import {
  beforeAllOrFail,
  DIALECTS,
  disposeOpened,
  openTestControlPlane,
  type TestControlPlane,
} from '../support/dialects.js';
import {
  allEvents,
  allWork,
  clearBacklog,
  eventsAbout,
  expectDomainError,
  SKILLED_ACTORS,
} from './fixtures.js';

/**
 * Two work types with skill requirements, and actors that meet some of them: ann and cat only
 * tickets (cat with room for one item), bob both, dan none.
 */
const CLAIM_ORG: OrgConfigInput = {
  apiVersion: 'autonomy/v1',
  kind: 'Organization',
  metadata: { name: 'Claims' },
  domains: [{ id: 'ops', name: 'Operations' }],
  actors: [...SKILLED_ACTORS],
  workTypes: [
    {
      id: 'refund',
      domain: 'ops',
      name: 'Refund',
      requiredSkills: { refunds: 3 },
      expectedDuration: '1h',
      sla: '1d',
      maxAttempts: 1,
    },
    {
      id: 'ticket',
      domain: 'ops',
      name: 'Ticket',
      requiredSkills: { triage: 2 },
      expectedDuration: '30m',
      sla: '4h',
      maxAttempts: 1,
    },
  ],
};

async function seed(cp: ControlPlane, doc: OrgConfigInput): Promise<void> {
  const result = await cp.applyConfig(SYSTEM, toOrgModel(orgConfigSchema.parse(doc)), 'test');
  expect(result.applied).toBe(true);
}

const agent = (actorId: string): Principal => ({
  kind: 'token',
  tokenId: 't',
  role: 'agent',
  actorId,
});

function claimed(outcome: ClaimOutcome): { item: WorkItem; decision: PullDecision } {
  if (outcome.claimed === null)
    throw new Error(`expected a claim, got ${outcome.reason}: ${outcome.message}`);
  return { item: outcome.claimed, decision: outcome.decision };
}

for (const dialect of DIALECTS) {
  describe(`claiming work [${dialect}]`, () => {
    let t: TestControlPlane;
    let cp: ControlPlane;
    const clock = new ManualClock('2026-03-02T09:00:00.000Z');

    const add = (typeId: string, extra: Partial<Parameters<ControlPlane['createWork']>[1]> = {}) =>
      cp.createWork(SYSTEM, { typeId, title: `a ${typeId}`, ...extra });

    beforeAllOrFail(async () => {
      t = await openTestControlPlane(dialect, { clock });
      cp = t.cp;
      await seed(cp, CLAIM_ORG);
    });
    beforeEach(async () => {
      await clearBacklog(cp);
      for (const actor of await cp.listActors(SYSTEM)) {
        if (actor.status !== 'available') await cp.setActorStatus(SYSTEM, actor.id, 'available');
      }
    });
    afterAll(disposeOpened);

    it('assigns the claimed item with a lease and records one assignment with its reasons', async () => {
      const item = await add('ticket');
      const before = await cp.latestSeq(SYSTEM);
      const heldBefore = (await cp.getActor(SYSTEM, 'ann')).held;

      const { item: got, decision } = claimed(await cp.claimWork(SYSTEM, 'ann'));
      const leaseUntil = new Date(clock.now().getTime() + 300_000).toISOString();
      expect(got).toMatchObject({
        id: item.id,
        state: 'assigned',
        ownerId: 'ann',
        offeredTo: null,
        leaseExpiresAt: leaseUntil,
        attempts: item.attempts + 1,
        version: item.version + 1,
      });
      const stored = await cp.getWork(SYSTEM, item.id);
      expect(stored).toMatchObject({
        state: 'assigned',
        ownerId: 'ann',
        leaseExpiresAt: leaseUntil,
        attempts: 1,
      });
      expect((await cp.getActor(SYSTEM, 'ann')).held).toBe(heldBefore + 1);

      const events = (await allEvents(cp)).filter((e) => e.seq > before);
      expect(events.map((e) => [e.type, e.subject])).toEqual([
        ['coordination.work.assigned', item.id],
      ]);
      const payload = events[0]?.payload as Record<string, unknown>;
      expect(payload).toMatchObject({
        action: 'assign',
        from: 'queued',
        to: 'assigned',
        ownerId: 'ann',
        leaseExpiresAt: leaseUntil,
      });
      // What the event records is what the caller was told.
      expect(payload.decision).toEqual(decision);
      expect(decision.mode).toBe('pull');
      expect(decision.eligibleTypes).toEqual(['ticket']);
      expect(decision.ineligibleTypes).toEqual([
        { typeId: 'refund', missing: ['refunds ≥ 3 (has 0)'] },
      ]);
      const p = decision.priority;
      expect(p.class).toBe(0);
      expect(p.value).toBeCloseTo(10 * Math.log1p(1), 9);
      expect(p.blocks).toBe(0);
      expect(p.age).toBe(0);
      // Due in 4h with 30m expected: 3.5h of slack, at 2 points per hour.
      expect(p.slack).toBeCloseTo(-7, 6);
      expect(p.total).toBeCloseTo(p.class + p.value + p.blocks + p.age + p.slack, 9);
    });

    it('records the claim under the agent that made it', async () => {
      const item = await add('ticket');
      const { item: got } = claimed(await cp.claimWork(agent('bob'), undefined));
      expect(got).toMatchObject({ id: item.id, ownerId: 'bob' });
      const assigned = (await eventsAbout(cp, item.id)).filter(
        (e) => e.type === 'coordination.work.assigned',
      );
      expect(assigned).toHaveLength(1);
      expect(assigned[0]?.actor).toBe('bob');
      // Bob meets both types.
      expect(
        (assigned[0]?.payload as { decision: PullDecision }).decision.eligibleTypes.sort(),
      ).toEqual(['refund', 'ticket']);
    });

    it('takes a critical item before a normal one, even an older one', async () => {
      const normal = await add('ticket');
      clock.advance(60_000);
      const critical = await add('ticket', { priorityClass: 'critical' });
      const first = claimed(await cp.claimWork(SYSTEM, 'ann'));
      expect(first.item.id).toBe(critical.id);
      expect(first.decision.priority.class).toBe(1000);
      expect(claimed(await cp.claimWork(SYSTEM, 'ann')).item.id).toBe(normal.id);
    });

    it('takes the item due earlier before one due later', async () => {
      const at = clock.now().getTime();
      // Created first, so only the due date can put the other one ahead.
      const later = await add('ticket', { dueAt: new Date(at + 8 * 3_600_000).toISOString() });
      const sooner = await add('ticket', { dueAt: new Date(at + 2 * 3_600_000).toISOString() });
      const first = claimed(await cp.claimWork(SYSTEM, 'ann'));
      expect(first.item.id).toBe(sooner.id);
      const second = claimed(await cp.claimWork(SYSTEM, 'ann'));
      expect(second.item.id).toBe(later.id);
      expect(first.decision.priority.slack).toBeGreaterThan(second.decision.priority.slack);
    });

    it('takes an item others wait on before an otherwise equal one', async () => {
      const plain = await add('ticket');
      const blocker = await add('ticket');
      // The dependent is a refund, which ann cannot take: it stays out of her way.
      const dependent = await add('refund', { dependsOn: [blocker.id] });
      expect(dependent.state).toBe('blocked');
      const first = claimed(await cp.claimWork(SYSTEM, 'ann'));
      expect(first.item.id).toBe(blocker.id);
      expect(first.decision.priority.blocks).toBe(5);
      expect(claimed(await cp.claimWork(SYSTEM, 'ann')).item.id).toBe(plain.id);
    });

    it('compares the queues of every type the actor can take', async () => {
      const ticket = await add('ticket');
      const refund = await add('refund', { priorityClass: 'high' });
      const first = claimed(await cp.claimWork(SYSTEM, 'bob'));
      expect(first.item.id).toBe(refund.id);
      expect(claimed(await cp.claimWork(SYSTEM, 'bob')).item.id).toBe(ticket.id);
    });

    it('never hands out an item whose work type needs skills the actor lacks', async () => {
      const refund = await add('refund', { priorityClass: 'critical', value: 1_000_000 });
      const ticket = await add('ticket', { priorityClass: 'low' });
      expect(claimed(await cp.claimWork(SYSTEM, 'ann')).item.id).toBe(ticket.id);
      const none = await cp.claimWork(SYSTEM, 'ann');
      expect(none).toMatchObject({ claimed: null, reason: 'no_queued_work' });
      expect((await cp.getWork(SYSTEM, refund.id)).state).toBe('queued');
      // Someone with the skills gets it.
      expect(claimed(await cp.claimWork(SYSTEM, 'bob')).item.id).toBe(refund.id);
    });

    it('does not hand out blocked, paused or offered items', async () => {
      // The prerequisite is a refund, which ann cannot take either.
      const prerequisite = await add('refund');
      const blocked = await add('ticket', {
        priorityClass: 'critical',
        dependsOn: [prerequisite.id],
      });
      const paused = await cp.transitionWork(
        SYSTEM,
        (await add('ticket', { priorityClass: 'critical' })).id,
        'pause',
      );
      const offered = await cp.transitionWork(
        SYSTEM,
        (await add('ticket', { priorityClass: 'critical' })).id,
        'offer',
        { actorId: 'bob' },
      );
      expect([blocked.state, paused.state, offered.state]).toEqual([
        'blocked',
        'paused',
        'offered',
      ]);
      const before = await cp.latestSeq(SYSTEM);
      const outcome = await cp.claimWork(SYSTEM, 'ann');
      expect(outcome).toMatchObject({ claimed: null, reason: 'no_queued_work' });
      expect(await cp.latestSeq(SYSTEM)).toBe(before);
      for (const item of [blocked, paused, offered]) {
        expect((await cp.getWork(SYSTEM, item.id)).state).toBe(item.state);
      }
    });

    describe('finds nothing, says why, and writes nothing', () => {
      const expectNoWork = async (
        actorId: string,
        reason: string,
        message: RegExp,
      ): Promise<void> => {
        const before = await cp.latestSeq(SYSTEM);
        const items = await allWork(cp);
        const outcome = await cp.claimWork(SYSTEM, actorId);
        expect(outcome).toMatchObject({ claimed: null, reason });
        if (outcome.claimed !== null) return;
        expect(outcome.message).toMatch(message);
        expect(await cp.latestSeq(SYSTEM), 'a claim that finds nothing appends nothing').toBe(
          before,
        );
        expect(await allWork(cp)).toEqual(items);
      };

      it('actor_unavailable when the actor is away or offline', async () => {
        await add('ticket');
        await cp.setActorStatus(SYSTEM, 'ann', 'away');
        await expectNoWork('ann', 'actor_unavailable', /'ann' is away/);
        await cp.setActorStatus(SYSTEM, 'ann', 'offline');
        await expectNoWork('ann', 'actor_unavailable', /'ann' is offline/);
      });

      it('at_capacity when the actor holds as many items as it may', async () => {
        const held = await add('ticket');
        await cp.transitionWork(SYSTEM, held.id, 'assign', { actorId: 'cat' });
        await add('ticket');
        await expectNoWork('cat', 'at_capacity', /holds 1 of 1/);
      });

      it('no_matching_type when the actor meets no work type', async () => {
        await add('ticket');
        await add('refund');
        await expectNoWork('dan', 'no_matching_type', /none of the 2 work types/);
      });

      it('no_queued_work when nothing it can take is queued', async () => {
        await expectNoWork('ann', 'no_queued_work', /nothing is queued/);
      });
    });

    it('refuses an unknown actor', async () => {
      await add('ticket');
      const before = await cp.latestSeq(SYSTEM);
      await expectDomainError(cp.claimWork(SYSTEM, 'nobody'), 'unknown_reference');
      expect(await cp.latestSeq(SYSTEM)).toBe(before);
    });

    it('lets an agent token claim only for its own actor', async () => {
      const item = await add('ticket');
      const before = await cp.latestSeq(SYSTEM);
      await expectDomainError(cp.claimWork(agent('bob'), 'ann'), 'forbidden');
      expect(await cp.latestSeq(SYSTEM)).toBe(before);
      expect((await cp.getWork(SYSTEM, item.id)).state).toBe('queued');

      // Naming itself is the same as naming nobody.
      expect(claimed(await cp.claimWork(agent('bob'), 'bob')).item).toMatchObject({
        id: item.id,
        ownerId: 'bob',
      });
    });

    it('needs an actor named unless the token is bound to one; viewers cannot claim', async () => {
      await add('ticket');
      const before = await cp.latestSeq(SYSTEM);
      const operator: Principal = { kind: 'token', tokenId: 'o', role: 'operator', actorId: null };
      const missing = await expectDomainError(
        cp.claimWork(operator, undefined),
        'validation_failed',
      );
      expect(missing.issues.map((i) => i.path)).toEqual(['actorId']);
      await expectDomainError(cp.claimWork(SYSTEM, undefined), 'validation_failed');
      const viewer: Principal = { kind: 'token', tokenId: 'v', role: 'viewer', actorId: null };
      await expectDomainError(cp.claimWork(viewer, 'ann'), 'forbidden');
      expect(await cp.latestSeq(SYSTEM)).toBe(before);
      // An operator naming an actor claims for it.
      expect(claimed(await cp.claimWork(operator, 'ann')).item.ownerId).toBe('ann');
    });

    it('does not give an actor back an item it failed', async () => {
      const item = await add('ticket');
      const other = await add('ticket', { priorityClass: 'low' });
      claimed(await cp.claimWork(SYSTEM, 'ann'));
      // maxAttempts 1: failing leaves it failed; retrying puts it back in the queue.
      await cp.transitionWork(SYSTEM, item.id, 'fail');
      await cp.transitionWork(SYSTEM, item.id, 'retry');
      expect((await cp.getWork(SYSTEM, item.id)).state).toBe('queued');
      expect(claimed(await cp.claimWork(SYSTEM, 'ann')).item.id).toBe(other.id);
      expect(claimed(await cp.claimWork(SYSTEM, 'bob')).item.id).toBe(item.id);
    });
    it('passes over an item the actor declined when it was offered', async () => {
      const item = await add('ticket');
      await cp.transitionWork(SYSTEM, item.id, 'offer', { actorId: 'bob' });
      await cp.transitionWork(agent('bob'), item.id, 'release', { reason: 'not now' });
      expect(await cp.claimWork(SYSTEM, 'bob')).toMatchObject({
        claimed: null,
        reason: 'no_queued_work',
      });
      expect(claimed(await cp.claimWork(SYSTEM, 'ann')).item.id).toBe(item.id);
    });

    it('does not count an offer withdrawn by pausing the item as declined by its actor', async () => {
      const item = await add('ticket');
      await cp.transitionWork(SYSTEM, item.id, 'offer', { actorId: 'bob' });
      // An operator holds the item back; bob never answered the offer.
      await cp.transitionWork(SYSTEM, item.id, 'pause');
      await cp.transitionWork(SYSTEM, item.id, 'resume');
      const resumed = await cp.getWork(SYSTEM, item.id);
      expect(resumed.state).toBe('queued');
      expect(resumed.declinedBy, 'bob did not decline the item').toEqual([]);
      expect(claimed(await cp.claimWork(SYSTEM, 'bob')).item.id).toBe(item.id);
    });
  });

  describe(`concurrent claims [${dialect}]`, () => {
    const ITEMS = 40;
    const CLAIMERS = 8;
    const claimers = Array.from({ length: CLAIMERS }, (_, i) => `agent-${i + 1}`);
    let t: TestControlPlane;
    /** Each claimer's control plane: its own node (pool) on PostgreSQL, the shared one on SQLite. */
    const planes: ControlPlane[] = [];
    const ownPlanes: ControlPlane[] = [];

    beforeAllOrFail(async () => {
      const clock = new ManualClock();
      t = await openTestControlPlane(dialect, { clock });
      await seed(t.cp, {
        apiVersion: 'autonomy/v1',
        kind: 'Organization',
        metadata: { name: 'Swarm' },
        domains: [{ id: 'ops', name: 'Operations' }],
        actors: [
          ...claimers.map((id) => ({
            id,
            kind: 'agent' as const,
            name: id,
            domains: ['ops'],
            skills: { triage: 2 },
            capacity: ITEMS,
          })),
          // Room for two items, for one actor claiming from every node at once.
          {
            id: 'solo',
            kind: 'agent',
            name: 'Solo',
            domains: ['ops'],
            skills: { triage: 2 },
            capacity: 2,
          },
        ],
        workTypes: [
          {
            id: 'ticket',
            domain: 'ops',
            name: 'Ticket',
            requiredSkills: { triage: 1 },
            expectedDuration: '30m',
            sla: '4h',
          },
        ],
      });
      for (let i = 0; i < CLAIMERS; i++) {
        if (dialect === 'postgres') {
          const node = await ControlPlane.open(
            { databaseUrl: t.url, leaseSeconds: 300 },
            { clock },
          );
          ownPlanes.push(node);
          planes.push(node);
        } else {
          planes.push(t.cp);
        }
      }
    });
    afterAll(async () => {
      try {
        for (const node of ownPlanes) await node.close();
      } finally {
        await disposeOpened();
      }
    });

    it('never gives two claimers the same item; every item is done once', async () => {
      const created: WorkItem[] = [];
      for (let i = 0; i < ITEMS; i++) {
        created.push(
          await t.cp.createWork(SYSTEM, {
            typeId: 'ticket',
            title: `item ${i}`,
            priorityClass: (['critical', 'high', 'normal', 'low'] as const)[i % 4],
            value: i,
          }),
        );
      }
      const seqBefore = await t.cp.latestSeq(SYSTEM);

      const run = async (index: number): Promise<string[]> => {
        const cp = planes[index] as ControlPlane;
        const actorId = claimers[index] as string;
        const me = agent(actorId);
        const mine: string[] = [];
        for (;;) {
          const outcome = await cp.claimWork(me, undefined);
          if (outcome.claimed === null) {
            expect(outcome.reason).toBe('no_queued_work');
            return mine;
          }
          expect(outcome.claimed.ownerId).toBe(actorId);
          mine.push(outcome.claimed.id);
          await cp.transitionWork(me, outcome.claimed.id, 'start');
          await cp.transitionWork(me, outcome.claimed.id, 'complete');
        }
      };
      const perClaimer = await Promise.all(claimers.map((_, i) => run(i)));

      // The claimers really ran side by side: the work spread over several of them.
      expect(perClaimer.filter((mine) => mine.length > 0).length).toBeGreaterThan(1);
      const all = perClaimer.flat();
      expect(new Set(all).size, 'no item was claimed twice').toBe(all.length);
      expect([...all].sort()).toEqual(created.map((w) => w.id).sort());

      const work = await allWork(t.cp);
      expect(work.filter((w) => w.state !== 'done')).toEqual([]);
      const events = (await allEvents(t.cp)).filter((e) => e.seq > seqBefore);
      expect(events.map((e) => e.seq)).toEqual(
        Array.from({ length: events.length }, (_, i) => seqBefore + i + 1),
      );
      expect(events).toHaveLength(ITEMS * 3);
      const assigned = events.filter((e) => e.type === 'coordination.work.assigned');
      expect(assigned).toHaveLength(ITEMS);
      expect(new Set(assigned.map((e) => e.subject)).size).toBe(ITEMS);
      for (const event of assigned) {
        const owner = (event.payload as { ownerId: string }).ownerId;
        expect(event.actor).toBe(owner);
        const index = claimers.indexOf(owner);
        expect(perClaimer[index]).toContain(event.subject);
      }
      expect(await t.cp.verifyAudit(SYSTEM)).toMatchObject({
        ok: true,
        lastSeq: seqBefore + ITEMS * 3,
      });
    });

    it('never lets one actor claiming on every node at once exceed its capacity', async () => {
      for (let i = 0; i < 6; i++) {
        await t.cp.createWork(SYSTEM, { typeId: 'ticket', title: `solo ${i}` });
      }
      const outcomes = await Promise.all(
        planes.map((cp) => cp.claimWork(agent('solo'), undefined)),
      );
      const got = outcomes.filter((o) => o.claimed !== null);
      expect(got).toHaveLength(2);
      expect(outcomes.flatMap((o) => (o.claimed === null ? [o.reason] : []))).toEqual(
        Array.from({ length: planes.length - 2 }, () => 'at_capacity'),
      );
      expect((await t.cp.getActor(SYSTEM, 'solo')).held).toBe(2);
      expect((await t.cp.verifyAudit(SYSTEM)).ok).toBe(true);
    });
  });
}
