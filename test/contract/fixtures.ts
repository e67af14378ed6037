import { expect } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { newId } from '../../src/core/ids.js';
import { DomainError, type ErrorCode } from '../../src/core/errors.js';
import type { StoredEvent } from '../../src/core/events.js';
import { TERMINAL_STATES, type WorkItem, type WorkState } from '../../src/core/model.js';
import {
  orgConfigSchema,
  toOrgModel,
  type OrgConfigInput,
  type OrgModel,
} from '../../src/core/org-config.js';
import { SYSTEM } from '../../src/core/principal.js';
import type { ControlPlane } from '../../src/runtime/control-plane.js';

export type ActorInput = NonNullable<OrgConfigInput['actors']>[number];

export const ANN: ActorInput = {
  id: 'ann',
  kind: 'human',
  name: 'Ann',
  domains: ['ops'],
  capacity: 1000,
};
export const BOB: ActorInput = {
  id: 'bob',
  kind: 'agent',
  name: 'Bob',
  domains: ['ops'],
  capacity: 1000,
};
export const TEST_ACTORS: readonly ActorInput[] = [ANN, BOB];

/**
 * Actors with different skills, for suites about who can take what: ann (triage 3), bob (triage
 * 2, refunds 4), cat (triage 2, room for one item) and dan (no skills).
 */
export const SKILLED_ACTORS: readonly ActorInput[] = [
  {
    id: 'ann',
    kind: 'human',
    name: 'Ann',
    domains: ['ops'],
    skills: { triage: 3 },
    capacity: 1000,
  },
  {
    id: 'bob',
    kind: 'agent',
    name: 'Bob',
    domains: ['ops'],
    skills: { triage: 2, refunds: 4 },
    capacity: 1000,
  },
  { id: 'cat', kind: 'agent', name: 'Cat', domains: ['ops'], skills: { triage: 2 }, capacity: 1 },
  { id: 'dan', kind: 'agent', name: 'Dan', domains: ['ops'], capacity: 10 },
];

/** The organization the suites apply: one domain, one work type and the given actors. */
export function orgDocument(
  actors: readonly ActorInput[] = TEST_ACTORS,
  name = 'Acme',
): OrgConfigInput {
  return {
    apiVersion: 'autonomy/v1',
    kind: 'Organization',
    metadata: { name },
    domains: [
      { id: 'ops', name: 'Operations', owners: actors.some((a) => a.id === 'ann') ? ['ann'] : [] },
    ],
    actors: [...actors],
    workTypes: [
      // One attempt: a failed ticket stays failed (retries have suites of their own).
      {
        id: 'ticket',
        domain: 'ops',
        name: 'Ticket',
        expectedDuration: '30m',
        sla: '4h',
        maxAttempts: 1,
      },
    ],
  };
}

export function orgModel(actors: readonly ActorInput[] = TEST_ACTORS, name = 'Acme'): OrgModel {
  return toOrgModel(orgConfigSchema.parse(orgDocument(actors, name)));
}

export async function seedOrg(
  cp: ControlPlane,
  actors: readonly ActorInput[] = TEST_ACTORS,
): Promise<void> {
  const result = await cp.applyConfig(SYSTEM, orgModel(actors), 'test');
  expect(result.applied).toBe(true);
}

/** Applies a whole organization document, which must change something. */
export async function applyDocument(cp: ControlPlane, document: OrgConfigInput): Promise<void> {
  const result = await cp.applyConfig(SYSTEM, toOrgModel(orgConfigSchema.parse(document)), 'test');
  expect(result.applied).toBe(true);
}

/** Awaits a promise that must reject with a DomainError of `code`, and returns the error. */
export async function expectDomainError(
  promise: Promise<unknown>,
  code: ErrorCode,
): Promise<DomainError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a DomainError '${code}'`).toBeInstanceOf(DomainError);
  const error = caught as DomainError;
  expect(error.code, error.message).toBe(code);
  return error;
}

export async function eventsAbout(cp: ControlPlane, subject: string): Promise<StoredEvent[]> {
  return cp.listEvents(SYSTEM, { subject, limit: 10_000 });
}

export async function allEvents(cp: ControlPlane): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (;;) {
    const page = await cp.listEvents(SYSTEM, { afterSeq: events.at(-1)?.seq ?? 0, limit: 1000 });
    events.push(...page);
    if (page.length < 1000) return events;
  }
}

export async function allWork(cp: ControlPlane): Promise<WorkItem[]> {
  const items: WorkItem[] = [];
  for (;;) {
    const page = await cp.listWork(SYSTEM, {
      limit: 1000,
      ...(items.length > 0 ? { after: items.at(-1)?.id } : {}),
    });
    items.push(...page);
    if (page.length < 1000) return items;
  }
}

/** Cancels every unfinished item, so each test starts from an empty queue. */
export async function clearBacklog(cp: ControlPlane): Promise<void> {
  for (const item of await allWork(cp)) {
    if (!TERMINAL_STATES.includes(item.state)) await cp.transitionWork(SYSTEM, item.id, 'cancel');
  }
}

export async function createTicket(
  cp: ControlPlane,
  dependsOn: readonly string[] = [],
): Promise<WorkItem> {
  return cp.createWork(SYSTEM, { typeId: 'ticket', title: 'A ticket', dependsOn });
}

/**
 * A new item brought into `state` through the control plane only, the way a user would get it
 * there. Owned and offered states go to `actorId`.
 */
export async function itemIn(
  cp: ControlPlane,
  state: WorkState,
  actorId = 'ann',
): Promise<WorkItem> {
  const go = (
    item: WorkItem,
    action: Parameters<ControlPlane['transitionWork']>[2],
    withActor = false,
  ) => cp.transitionWork(SYSTEM, item.id, action, withActor ? { actorId } : {});
  const fresh = await createTicket(cp);
  let item: WorkItem;
  switch (state) {
    case 'queued':
      item = fresh;
      break;
    case 'offered':
      item = await go(fresh, 'offer', true);
      break;
    case 'assigned':
      item = await go(fresh, 'assign', true);
      break;
    case 'in_progress':
      item = await go(await go(fresh, 'assign', true), 'start');
      break;
    case 'blocked':
      // `fresh` stays queued, so the new item waits on it.
      item = await createTicket(cp, [fresh.id]);
      break;
    case 'paused':
      item = await go(fresh, 'pause');
      break;
    case 'done':
      item = await go(await go(await go(fresh, 'assign', true), 'start'), 'complete');
      break;
    case 'failed':
      item = await go(await go(fresh, 'assign', true), 'fail');
      break;
    case 'cancelled':
      item = await go(fresh, 'cancel');
      break;
  }
  expect(item.state).toBe(state);
  return item;
}

/** A queued ticket built by hand, for suites that write through the store directly. */
export function handMadeItem(clock: Clock, title: string): WorkItem {
  const now = clock.now().toISOString();
  return {
    id: newId('w', clock.now().getTime()),
    typeId: 'ticket',
    title,
    payload: {},
    value: 1,
    dueAt: null,
    priorityClass: 'normal',
    priority: 0,
    dependsOn: [],
    stageId: null,
    attempts: 0,
    failedBy: [],
    declinedBy: [],
    startedAt: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
    state: 'queued',
    ownerId: null,
    offeredTo: null,
    leaseExpiresAt: null,
  };
}
