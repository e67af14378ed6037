import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { TERMINAL_STATES, type WorkItem } from '../../src/core/model.js';
import { orgConfigSchema, toOrgModel, type OrgConfigInput } from '../../src/core/org-config.js';
import { SYSTEM, type Principal } from '../../src/core/principal.js';
import { ControlPlane } from '../../src/runtime/control-plane.js';
import { startCoordinationTimer } from '../../src/runtime/coordination-timer.js';
import {
  beforeAllOrFail,
  createTestDatabase,
  DIALECTS,
  disposeOpened,
  openTestControlPlane,
  type TestControlPlane,
} from '../support/dialects.js';
import { allEvents, allWork, eventsAbout, expectDomainError } from './fixtures.js';

/** openTestControlPlane's lease. */
const LEASE_MS = 300_000;

const LEASE_ORG: OrgConfigInput = {
  apiVersion: 'autonomy/v1',
  kind: 'Organization',
  metadata: { name: 'Leases' },
  domains: [{ id: 'ops', name: 'Operations' }],
  actors: [
    {
      id: 'ann',
      kind: 'human',
      name: 'Ann',
      domains: ['ops'],
      skills: { triage: 3 },
      capacity: 100,
    },
    {
      id: 'bob',
      kind: 'agent',
      name: 'Bob',
      domains: ['ops'],
      skills: { triage: 3 },
      capacity: 100,
    },
  ],
  workTypes: [
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

async function seed(cp: ControlPlane): Promise<void> {
  const result = await cp.applyConfig(SYSTEM, toOrgModel(orgConfigSchema.parse(LEASE_ORG)), 'test');
  expect(result.applied).toBe(true);
}

async function claim(cp: ControlPlane, actorId: string): Promise<WorkItem> {
  const outcome = await cp.claimWork(SYSTEM, actorId);
  if (outcome.claimed === null) throw new Error(`nothing claimed: ${outcome.message}`);
  return outcome.claimed;
}

for (const dialect of DIALECTS) {
  describe(`leases [${dialect}]`, () => {
    let t: TestControlPlane;
    let cp: ControlPlane;
    const clock = new ManualClock('2026-03-02T09:00:00.000Z');

    const ticket = (dependsOn: string[] = []) =>
      cp.createWork(SYSTEM, { typeId: 'ticket', title: 'A ticket', dependsOn });

    /** Another node on PostgreSQL (its own pool); on SQLite the same control plane. */
    let other: ControlPlane;
    let secondNode: ControlPlane | null = null;

    beforeAllOrFail(async () => {
      t = await openTestControlPlane(dialect, { clock });
      cp = t.cp;
      await seed(cp);
      if (dialect === 'postgres') {
        secondNode = await ControlPlane.open({ databaseUrl: t.url, leaseSeconds: 300 }, { clock });
      }
      other = secondNode ?? cp;
    });
    beforeEach(async () => {
      // Each test starts with nothing held, so expiry only touches its own items.
      for (const item of await allWork(cp)) {
        if (!TERMINAL_STATES.includes(item.state))
          await cp.transitionWork(SYSTEM, item.id, 'cancel');
      }
    });
    afterAll(async () => {
      try {
        await secondNode?.close();
      } finally {
        await disposeOpened();
      }
    });

    it('re-queues an item whose lease ran out without a heartbeat', async () => {
      const item = await ticket();
      const held = await claim(cp, 'ann');
      expect(held.id).toBe(item.id);
      expect((await cp.getActor(SYSTEM, 'ann')).held).toBe(1);

      // Up to and at the deadline, the lease holds.
      clock.advance(LEASE_MS - 1000);
      expect(await cp.expireLeases()).toEqual([]);
      clock.advance(1000);
      expect(await cp.expireLeases()).toEqual([]);
      expect((await cp.getWork(SYSTEM, item.id)).state).toBe('assigned');

      clock.advance(1);
      const before = await cp.latestSeq(SYSTEM);
      expect(await cp.expireLeases()).toEqual([item.id]);
      expect(await cp.getWork(SYSTEM, item.id)).toMatchObject({
        state: 'queued',
        ownerId: null,
        leaseExpiresAt: null,
      });
      expect((await cp.getActor(SYSTEM, 'ann')).held).toBe(0);
      const events = (await allEvents(cp)).filter((e) => e.seq > before);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'coordination.work.released',
        actor: 'system',
        subject: item.id,
        payload: { action: 'release', from: 'assigned', to: 'queued', ownerId: null },
      });
      const reason = (events[0]?.payload as { reason?: string }).reason ?? '';
      expect(reason).toMatch(/lease expired/);
      expect(reason).toContain(held.leaseExpiresAt);
      expect(reason).toContain("'ann'");

      // Back in the queue: anyone can claim it again.
      expect((await claim(cp, 'bob')).id).toBe(item.id);
      expect((await cp.getWork(SYSTEM, item.id)).attempts).toBe(2);
    });

    it('renews the lease on a heartbeat, so nothing is released', async () => {
      const item = await ticket();
      await claim(cp, 'ann');
      clock.advance(LEASE_MS - 10_000);
      const beat = clock.now().getTime();
      const actor = await cp.heartbeat(SYSTEM, 'ann');
      expect(actor.lastHeartbeatAt).toBe(new Date(beat).toISOString());
      const renewed = new Date(beat + LEASE_MS).toISOString();
      expect((await cp.getWork(SYSTEM, item.id)).leaseExpiresAt).toBe(renewed);

      // Past the first deadline, within the renewed one.
      clock.advance(LEASE_MS - 1000);
      const before = await cp.latestSeq(SYSTEM);
      expect(await cp.expireLeases()).toEqual([]);
      expect(await cp.latestSeq(SYSTEM)).toBe(before);
      expect(await cp.getWork(SYSTEM, item.id)).toMatchObject({
        state: 'assigned',
        ownerId: 'ann',
      });

      // Without another heartbeat the renewed lease runs out too.
      clock.advance(1001);
      expect(await cp.expireLeases()).toEqual([item.id]);
    });

    it("renews only the beating actor's leases", async () => {
      const mine = await ticket();
      await cp.transitionWork(SYSTEM, mine.id, 'assign', { actorId: 'ann' });
      const theirs = await ticket();
      await cp.transitionWork(SYSTEM, theirs.id, 'assign', { actorId: 'bob' });
      clock.advance(LEASE_MS / 2);
      await cp.heartbeat(SYSTEM, 'ann');
      clock.advance(LEASE_MS / 2 + 1);
      expect(await cp.expireLeases()).toEqual([theirs.id]);
      expect((await cp.getWork(SYSTEM, mine.id)).state).toBe('assigned');
    });

    it('lets an agent renew only its own leases', async () => {
      const item = await ticket();
      await cp.transitionWork(SYSTEM, item.id, 'assign', { actorId: 'bob' });
      const lease = (await cp.getWork(SYSTEM, item.id)).leaseExpiresAt;
      clock.advance(1000);
      const bob: Principal = { kind: 'token', tokenId: 't', role: 'agent', actorId: 'bob' };
      const ann: Principal = { kind: 'token', tokenId: 't', role: 'agent', actorId: 'ann' };
      await expectDomainError(cp.heartbeat(ann, 'bob'), 'forbidden');
      expect((await cp.getWork(SYSTEM, item.id)).leaseExpiresAt).toBe(lease);
      await cp.heartbeat(bob, 'bob');
      expect((await cp.getWork(SYSTEM, item.id)).leaseExpiresAt).toBe(
        new Date(clock.now().getTime() + LEASE_MS).toISOString(),
      );
    });

    it('expires an item in progress too', async () => {
      const item = await ticket();
      await cp.transitionWork(SYSTEM, item.id, 'assign', { actorId: 'ann' });
      await cp.transitionWork(SYSTEM, item.id, 'start');
      clock.advance(LEASE_MS + 1);
      expect(await cp.expireLeases()).toEqual([item.id]);
      expect((await cp.getWork(SYSTEM, item.id)).state).toBe('queued');
      const released = (await eventsAbout(cp, item.id)).at(-1);
      expect(released).toMatchObject({
        type: 'coordination.work.released',
        payload: { from: 'in_progress', to: 'queued' },
      });
      expect((released?.payload as { reason?: string }).reason).toMatch(/lease/);
    });

    it('sends an expired item that waits on unfinished work back to blocked', async () => {
      const prerequisite = await ticket();
      const item = await ticket();
      await cp.transitionWork(SYSTEM, item.id, 'assign', { actorId: 'ann' });
      // A dependency added while it is held does not take it from its owner...
      await cp.addDependency(SYSTEM, item.id, prerequisite.id);
      expect((await cp.getWork(SYSTEM, item.id)).state).toBe('assigned');
      clock.advance(LEASE_MS + 1);
      expect(await cp.expireLeases()).toEqual([item.id]);
      // ...but once it is released it waits for it.
      const stored = await cp.getWork(SYSTEM, item.id);
      expect(stored).toMatchObject({ state: 'blocked', ownerId: null, leaseExpiresAt: null });
      expect(stored.history.slice(-2)).toMatchObject([
        { type: 'coordination.work.released', payload: { from: 'assigned', to: 'queued' } },
        {
          type: 'coordination.work.blocked',
          payload: { from: 'queued', to: 'blocked', waitingOn: [prerequisite.id] },
        },
      ]);
      expect((await cp.getActor(SYSTEM, 'ann')).held).toBe(0);
    });

    it('moves an unanswered offer on when it times out; heartbeats do not extend offers', async () => {
      const item = await ticket();
      const offered = await cp.transitionWork(SYSTEM, item.id, 'offer', { actorId: 'bob' });
      expect(offered.leaseExpiresAt).not.toBeNull();
      const deadline = Date.parse(offered.leaseExpiresAt ?? '');
      clock.set(deadline - 1000);
      await cp.heartbeat(SYSTEM, 'bob');
      expect((await cp.getWork(SYSTEM, item.id)).leaseExpiresAt).toBe(offered.leaseExpiresAt);
      clock.set(deadline + 1);
      expect(await cp.expireLeases()).toEqual([item.id]);
      const stored = await cp.getWork(SYSTEM, item.id);
      expect(stored).toMatchObject({ state: 'queued', offeredTo: null, declinedBy: ['bob'] });
      expect(stored.history.at(-1)).toMatchObject({
        type: 'coordination.work.released',
        payload: { from: 'offered', to: 'queued' },
      });
      expect((stored.history.at(-1)?.payload as { reason?: string }).reason).toMatch(
        /offer to 'bob' timed out/,
      );
    });

    it('does nothing the second time', async () => {
      const first = await ticket();
      const second = await ticket();
      await cp.transitionWork(SYSTEM, first.id, 'assign', { actorId: 'ann' });
      await cp.transitionWork(SYSTEM, second.id, 'assign', { actorId: 'bob' });
      clock.advance(LEASE_MS + 1);
      expect((await cp.expireLeases()).sort()).toEqual([first.id, second.id].sort());
      const before = await cp.latestSeq(SYSTEM);
      expect(await cp.expireLeases()).toEqual([]);
      expect(await cp.latestSeq(SYSTEM)).toBe(before);
      for (const item of [first, second]) {
        const released = (await eventsAbout(cp, item.id)).filter(
          (e) => e.type === 'coordination.work.released',
        );
        expect(released).toHaveLength(1);
      }
    });

    it('releases each item once when two nodes expire leases at the same time', async () => {
      const items: WorkItem[] = [];
      for (let i = 0; i < 10; i++) {
        const item = await ticket();
        await cp.transitionWork(SYSTEM, item.id, 'assign', {
          actorId: i % 2 === 0 ? 'ann' : 'bob',
        });
        items.push(item);
      }
      clock.advance(LEASE_MS + 1);
      const [mine, theirs] = await Promise.all([cp.expireLeases(), other.expireLeases()]);
      const released = [...mine, ...theirs];
      expect(released.sort()).toEqual(items.map((w) => w.id).sort());
      for (const item of items) {
        const events = (await eventsAbout(cp, item.id)).filter(
          (e) => e.type === 'coordination.work.released',
        );
        expect(events).toHaveLength(1);
      }
      expect((await cp.verifyAudit(SYSTEM)).ok).toBe(true);
    });

    it('releases at most `limit` per call, oldest deadline first', async () => {
      const items: WorkItem[] = [];
      for (let i = 0; i < 3; i++) {
        const item = await ticket();
        await cp.transitionWork(SYSTEM, item.id, 'assign', { actorId: 'ann' });
        items.push(item);
        clock.advance(1000);
      }
      clock.advance(LEASE_MS);
      expect(await cp.expireLeases(2)).toEqual([items[0]?.id, items[1]?.id]);
      expect(await cp.expireLeases(2)).toEqual([items[2]?.id]);
      expect(await cp.expireLeases(2)).toEqual([]);
    });
  });

  describe(`lease timer [${dialect}]`, () => {
    let cp: ControlPlane | null = null;
    let drop: (() => Promise<void>) | null = null;

    beforeAllOrFail(async () => {
      const database = await createTestDatabase(dialect);
      drop = () => database.drop();
      // The wall clock and a one-second lease: the timer has to find it by itself.
      cp = await ControlPlane.open({ databaseUrl: database.url, leaseSeconds: 1 });
      await seed(cp);
    });
    afterAll(async () => {
      try {
        await cp?.close();
      } finally {
        await drop?.();
      }
    });

    it('eventually releases an item nobody heartbeats for', async () => {
      const plane = cp as ControlPlane;
      const item = await plane.createWork(SYSTEM, { typeId: 'ticket', title: 'A ticket' });
      const held = await claim(plane, 'ann');
      expect(held.id).toBe(item.id);
      const errors: unknown[] = [];
      const stop = startCoordinationTimer(plane, 25, (error) => errors.push(error));
      try {
        const deadline = Date.now() + 5000;
        let state = held.state as string;
        while (state !== 'queued' && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 25));
          state = (await plane.getWork(SYSTEM, item.id)).state;
        }
        expect(state).toBe('queued');
      } finally {
        await stop();
      }
      expect(errors).toEqual([]);
      // Released once, not again on later ticks.
      const released = (await plane.getWork(SYSTEM, item.id)).history.filter(
        (e) => e.type === 'coordination.work.released',
      );
      expect(released).toHaveLength(1);
      expect((released[0]?.payload as { reason?: string }).reason).toMatch(/lease expired/);
    });
  });
}
