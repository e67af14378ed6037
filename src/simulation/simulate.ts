import { msOf } from '../core/iso-time.js';
import TinyQueue from 'tinyqueue';
import { createWork } from '../coordination/create-work.js';
import { eligibleQueues } from '../coordination/eligible-queues.js';
import { setActorStatus } from '../coordination/set-actor-status.js';
import { transitionWork } from '../coordination/transition-work.js';
import type { WorkContext } from '../coordination/work-context.js';
import { allowAllWorkGuard } from '../coordination/work-guard.js';
import { applyOrgConfig } from '../core/apply-org-config.js';
import { ManualClock } from '../core/clock.js';
import type { StoredEvent, WorkTransitionPayload } from '../core/events.js';
import type { PriorityClass, SkillLevel, Skills, WorkItem } from '../core/model.js';
import type { OrgModel } from '../core/org-config.js';
import { queueKey } from '../core/ports/work-store.js';
import { SYSTEM } from '../core/principal.js';
import { MemoryStore } from '../store/memory/memory-store.js';
import { ArrivalProcess } from './arrival-process.js';
import { autonomyPolicy } from './autonomy-policy.js';
import { baselinePolicy } from './baseline-policies.js';
import { hasRoom, type Dispatcher, type Policy, type PolicyName, type SimActor } from './policy.js';
import { meanOf, Random } from './random.js';
import type { ActorGroup, Distribution, Flow, Scenario, ScenarioWorkType } from './scenario.js';
import { ItemRecord, summarize, type SimulationReport } from './simulation-report.js';
import { nextShiftChange, onShift } from './working-hours.js';

export interface SimulationOptions {
  policy: PolicyName;
  seed: number;
  /** Waiting-time targets (seconds) to report the share of items assigned within. */
  waitTargets?: readonly number[];
  /** Sees every event the engine records, in order (for tests and replay). */
  onEvent?: (event: StoredEvent) => void;
  /** Called now and then with the share of simulated time done (0–1). */
  onProgress?: (fraction: number) => void;
}

type SimEvent =
  | { kind: 'arrival'; process: ArrivalProcess; flow: Flow | null }
  | { kind: 'burst'; count: number; type: ScenarioWorkType | null; flow: Flow | null }
  | { kind: 'finish'; itemId: string; actorId: string; attempt: number }
  | { kind: 'shift'; group: ActorGroup; members: SimActor[] }
  | { kind: 'outage'; members: SimActor[]; down: boolean };

interface Scheduled {
  at: number;
  seq: number;
  event: SimEvent;
}

/** A lease no simulated actor outlives: simulated actors never miss a heartbeat. */
const FOREVER_SECONDS = 10 * 365 * 86_400;
const DOMAIN = 'simulation';

function policyFor(name: PolicyName, random: Random): Policy {
  return name === 'autonomy' ? autonomyPolicy() : baselinePolicy(name, random);
}

/** The organization a scenario describes, as `autonomy apply` would store it. */
export function scenarioOrganization(scenario: Scenario): OrgModel {
  return {
    name: scenario.metadata.name,
    description: scenario.metadata.description,
    domains: [{ id: DOMAIN, name: 'Simulation', description: '', owners: [], preemption: false }],
    actors: scenario.actors.flatMap((group) =>
      Array.from({ length: group.count }, (_, i) => ({
        id: memberId(group, i),
        kind: group.kind,
        name: `${group.group} ${i + 1}`,
        domains: [DOMAIN],
        skills: group.skills as Record<string, SkillLevel>,
        capacity: group.capacity,
        mode: 'push' as const,
        costPerHour: group.costPerHour,
      })),
    ),
    workTypes: scenario.workTypes.map((t) => ({
      id: t.id,
      domainId: DOMAIN,
      name: t.id,
      description: '',
      requiredSkills: t.requiredSkills as Record<string, SkillLevel>,
      expectedDurationSeconds:
        t.expectedDuration ?? durationsOf(t).reduce((sum, d) => sum + meanOf(d), 0),
      slaSeconds: t.deadline,
      maxAttempts: t.maxAttempts,
      stages: t.stages.map((stage) => ({
        id: stage.id,
        name: stage.id,
        requiredSkills: stage.requiredSkills as Record<string, SkillLevel>,
        expectedDurationSeconds: meanOf(stage.duration),
      })),
    })),
  };
}

/** How long an item's work takes, step by step: each stage's, or the whole of it as one step. */
const durationsOf = (type: ScenarioWorkType): Distribution[] =>
  type.stages.length > 0
    ? type.stages.map((stage) => stage.duration)
    : [type.duration as Distribution];

const memberId = (group: ActorGroup, i: number) =>
  `${group.group}-${String(i + 1).padStart(String(group.count).length, '0')}`;

/**
 * Runs a scenario on a virtual clock through the coordination engine itself — the same
 * `createWork`, `transitionWork`, `setActorStatus` and (for the `autonomy` policy)
 * `dispatchOffers` that serve live traffic — on an in-memory store, and measures the outcome.
 * A discrete-event loop: arrivals, finished work, shift changes and outages, in time order;
 * after each instant the policy hands out what it can.
 */
export async function simulate(
  scenario: Scenario,
  options: SimulationOptions,
): Promise<SimulationReport> {
  const wallStart = performance.now();
  const startMs = Date.parse(scenario.start);
  const startUnix = startMs / 1000;
  const startOfDay = ((startUnix % 86_400) + 86_400) % 86_400;
  const arrivalsEnd = scenario.duration;
  const runEnd = scenario.duration + scenario.drain;
  const clock = new ManualClock(startMs);
  const store = new MemoryStore(clock, { chain: false, retainEvents: false });
  const itemDraws = Random.stream(options.seed, 0);
  const outcomes = Random.stream(options.seed, 1);
  const choices = Random.stream(options.seed, 2);
  const policy = policyFor(options.policy, choices);
  const types = new Map(scenario.workTypes.map((t) => [t.id, t]));
  const groupOf = new Map<string, ActorGroup>();
  const items = new Map<string, ItemRecord>();
  let now = 0;
  let recorded = 0;
  let processed = 0;
  let queued = 0;
  /** Items not yet done, failed for good or cancelled. */
  let open = 0;

  const ctxOf = (tx: WorkContext['tx']): WorkContext => ({
    tx,
    clock,
    principal: SYSTEM,
    guard: allowAllWorkGuard,
    leaseSeconds: FOREVER_SECONDS,
    offerSeconds: FOREVER_SECONDS,
  });

  const organization = scenarioOrganization(scenario);
  const actors: SimActor[] = [];
  const byId = new Map<string, SimActor>();
  for (const group of scenario.actors) {
    // Who may take what is the engine's answer, as for claims and offers.
    const { eligible } = eligibleQueues(group.skills as Skills, organization.workTypes);
    const queues = new Set(eligible.map((q) => queueKey(q.typeId, q.stageId)));
    const typeIds = new Set(eligible.map((q) => q.typeId));
    for (let i = 0; i < group.count; i++) {
      const actor: SimActor = {
        id: memberId(group, i),
        group: group.group,
        index: actors.length,
        capacity: group.capacity,
        typeIds,
        queues,
        status: 'available',
        held: 0,
        idleSince: 0,
      };
      actors.push(actor);
      byId.set(actor.id, actor);
      groupOf.set(actor.id, group);
    }
  }
  const availableSince = new Map<string, number>();
  const availableSeconds = new Map<string, number>(actors.map((a) => [a.id, 0]));
  const busySeconds = new Map<string, number>(actors.map((a) => [a.id, 0]));
  const inOutage = new Set<string>();

  // What each committed event means for the simulation's own view: queue membership for the
  // policies, holdings for free capacity, times for the measurements.
  const observe = async (events: readonly StoredEvent[]) => {
    recorded += events.length;
    for (const event of events) {
      options.onEvent?.(event);
      if (!event.type.startsWith('coordination.work.') || event.subject === null) continue;
      const record = items.get(event.subject);
      if (record === undefined) continue;
      if (event.type === 'coordination.work.created') {
        if ((event.payload as { state: string }).state === 'queued') {
          record.readyAt = now;
          queued += 1;
          if (policy.ordersQueue) policy.queued(await item(event.subject));
        }
        continue;
      }
      const p = event.payload as WorkTransitionPayload;
      if (p.from === 'queued') {
        queued -= 1;
        if (policy.ordersQueue) policy.dequeued(await item(event.subject));
      }
      if (p.to === 'queued') {
        record.readyAt ??= now;
        queued += 1;
        if (policy.ordersQueue) policy.queued(await item(event.subject));
      }
      const wasHeld = p.from === 'assigned' || p.from === 'in_progress';
      const isHeld = p.to === 'assigned' || p.to === 'in_progress';
      if (!wasHeld && isHeld && p.ownerId !== null) {
        const owner = byId.get(p.ownerId) as SimActor;
        owner.held += 1;
        record.assignments += 1;
        record.firstAssignedAt ??= now;
        record.owner = owner.id;
        record.heldSince = now;
      } else if (wasHeld && !isHeld && record.owner !== null) {
        const owner = byId.get(record.owner) as SimActor;
        // Done, failed or given back (an outage): the time held was spent either way.
        busySeconds.set(owner.id, (busySeconds.get(owner.id) ?? 0) + now - record.heldSince);
        owner.held -= 1;
        if (owner.held === 0) owner.idleSince = now;
        record.owner = null;
      }
      if (p.to === 'done') record.doneAt = now;
      // A failed item is open again if it is retried (failed → queued).
      if (p.to === 'done' || p.to === 'failed' || p.to === 'cancelled') open -= 1;
      if (p.from === 'failed') open += 1;
    }
  };

  const run = async <T>(fn: (ctx: WorkContext) => Promise<T>): Promise<T> => {
    const { result, events } = await store.transaction((tx) => fn(ctxOf(tx)));
    await observe(events);
    return result;
  };
  const item = async (id: string): Promise<WorkItem> => (await store.read.work.get(id)) as WorkItem;

  const heap = new TinyQueue<Scheduled>([], (a, b) => a.at - b.at || a.seq - b.seq);
  let seq = 0;
  const schedule = (at: number, event: SimEvent) => {
    heap.push({ at, seq: seq++, event });
  };

  const dispatcher: Dispatcher = {
    actors,
    item,
    run,
    async assign(itemId, actorId) {
      const started = await run(async (ctx) => {
        await transitionWork(ctx, itemId, 'assign', { actorId });
        return transitionWork(ctx, itemId, 'start');
      });
      const record = items.get(itemId) as ItemRecord;
      const speed = (groupOf.get(actorId) as ActorGroup).speed;
      // The work of the stage the item is at (the one step of a type without stages).
      const stages = (types.get(started.typeId) as ScenarioWorkType).stages;
      const step = Math.max(
        0,
        stages.findIndex((st) => st.id === started.stageId),
      );
      schedule(now + (record.sizes[step] as number) / speed, {
        kind: 'finish',
        itemId,
        actorId,
        attempt: started.attempts,
      });
    },
  };

  const create = async (type: ScenarioWorkType, dependsOn: string[], dueAt: string | undefined) => {
    const priorityClass = drawClass(type, itemDraws);
    const value =
      typeof type.value === 'number'
        ? type.value
        : type.value.min + (type.value.max - type.value.min) * itemDraws.uniform();
    const sizes = durationsOf(type).map((d) => itemDraws.duration(d));
    const measured = now >= scenario.warmup;
    const created = await run(async (ctx) => {
      const work = await createWork(ctx, {
        typeId: type.id,
        title: `${type.id} ${items.size + 1}`,
        value,
        dueAt,
        priorityClass,
        dependsOn,
      });
      // Registered before the transaction commits, so the creation event finds it.
      const record = new ItemRecord(
        type.id,
        value,
        now,
        msOf(work.dueAt as string) / 1000 - startUnix,
        sizes,
        measured,
      );
      items.set(work.id, record);
      open += 1;
      return work;
    });
    return created.id;
  };

  const setStatus = async (actor: SimActor) => {
    const group = groupOf.get(actor.id) as ActorGroup;
    const status = inOutage.has(actor.id)
      ? 'offline'
      : group.workingHours === undefined || onShift(group.workingHours, startUnix + now)
        ? 'available'
        : 'away';
    if (status === actor.status) return;
    if (actor.status === 'available') {
      const since = availableSince.get(actor.id) ?? 0;
      availableSeconds.set(actor.id, (availableSeconds.get(actor.id) ?? 0) + now - since);
    } else if (status === 'available') availableSince.set(actor.id, now);
    actor.status = status;
    await run((ctx) => setActorStatus(ctx, actor.id, status));
  };

  // ── setup ────────────────────────────────────────────────────────────────────────────────
  await store.transaction((tx) =>
    applyOrgConfig(tx, clock, 'simulation', organization, scenario.metadata.name),
  );
  for (const actor of actors) availableSince.set(actor.id, 0);
  for (const group of scenario.actors) {
    const members = actors.filter((a) => a.group === group.group);
    if (group.workingHours !== undefined) {
      for (const member of members) await setStatus(member);
      schedule(nextShiftChange(group.workingHours, startUnix) - startUnix, {
        kind: 'shift',
        group,
        members,
      });
    }
    for (const outage of group.outages) {
      const affected = members.slice(0, outage.count ?? members.length);
      schedule(outage.at, { kind: 'outage', members: affected, down: true });
      schedule(outage.at + outage.for, { kind: 'outage', members: affected, down: false });
    }
  }
  let streams = 2;
  const arrivalStream = () => Random.stream(options.seed, ++streams);
  const processes: { process: ArrivalProcess; flow: Flow | null }[] = [
    ...scenario.workTypes.flatMap((t) =>
      t.arrivals === undefined
        ? []
        : [
            {
              process: new ArrivalProcess(t.id, t.arrivals, scenario.surges, arrivalStream()),
              flow: null,
            },
          ],
    ),
    ...scenario.flows.map((f) => ({
      process: new ArrivalProcess(f.id, f.arrivals, scenario.surges, arrivalStream()),
      flow: f,
    })),
  ];
  for (const p of processes) {
    const first = p.process.next(0, arrivalsEnd, startOfDay);
    if (first !== null) schedule(first, { kind: 'arrival', ...p });
  }
  for (const type of scenario.workTypes)
    for (const b of type.arrivals?.bursts ?? [])
      if (b.at < arrivalsEnd) schedule(b.at, { kind: 'burst', count: b.count, type, flow: null });
  for (const flow of scenario.flows)
    for (const b of flow.arrivals.bursts)
      if (b.at < arrivalsEnd) schedule(b.at, { kind: 'burst', count: b.count, type: null, flow });

  // ── the loop ─────────────────────────────────────────────────────────────────────────────
  const arriveFlow = async (flow: Flow) => {
    const ids = new Map<string, string>();
    const dueAt =
      flow.deadline === undefined
        ? undefined
        : new Date(startMs + (now + flow.deadline) * 1000).toISOString();
    for (const step of flow.steps) {
      const type = types.get(step.workType) as ScenarioWorkType;
      ids.set(
        step.id,
        await create(
          type,
          step.after.map((s) => ids.get(s) as string),
          dueAt,
        ),
      );
    }
  };
  let lastProgress = -1;
  let end = runEnd;
  while (heap.length > 0) {
    const at = (heap.peek() as Scheduled).at;
    if (at > runEnd) break;
    now = at;
    clock.set(startMs + now * 1000);
    let changed = false;
    while (heap.length > 0 && (heap.peek() as Scheduled).at === at) {
      const { event } = heap.pop() as Scheduled;
      processed += 1;
      switch (event.kind) {
        case 'arrival': {
          if (event.flow === null)
            await create(types.get(event.process.id) as ScenarioWorkType, [], undefined);
          else await arriveFlow(event.flow);
          const next = event.process.next(now, arrivalsEnd, startOfDay);
          if (next !== null) schedule(next, event);
          changed = true;
          break;
        }
        case 'burst': {
          for (let i = 0; i < event.count; i++) {
            if (event.flow !== null) await arriveFlow(event.flow);
            else if (event.type !== null) await create(event.type, [], undefined);
          }
          changed = true;
          break;
        }
        case 'finish': {
          const current = await item(event.itemId);
          // Given back in the meantime (its actor went offline): this attempt is void.
          if (current.ownerId !== event.actorId || current.attempts !== event.attempt) break;
          const group = groupOf.get(event.actorId) as ActorGroup;
          const action = outcomes.uniform() < group.failureRate ? 'fail' : 'complete';
          await run((ctx) => transitionWork(ctx, event.itemId, action));
          changed = true;
          break;
        }
        case 'shift': {
          for (const member of event.members) await setStatus(member);
          const hours = event.group.workingHours;
          if (hours !== undefined)
            schedule(nextShiftChange(hours, startUnix + now) - startUnix, event);
          changed = true;
          break;
        }
        case 'outage': {
          for (const member of event.members) {
            // Work interrupted by the outage was busy time too, until now.
            if (event.down) inOutage.add(member.id);
            else inOutage.delete(member.id);
            await setStatus(member);
          }
          changed = true;
          break;
        }
      }
    }
    if (changed && queued > 0 && actors.some(hasRoom)) await policy.dispatch(dispatcher);
    if (options.onProgress !== undefined) {
      const fraction = Math.min(1, now / runEnd);
      if (fraction - lastProgress >= 0.01) {
        lastProgress = fraction;
        options.onProgress(fraction);
      }
    }
    // Once arrivals are over and nothing is left open, the rest of the drain is idle time.
    if (now >= arrivalsEnd && open === 0) {
      end = now;
      break;
    }
  }
  for (const actor of actors) {
    if (actor.status === 'available') {
      const since = availableSince.get(actor.id) ?? 0;
      availableSeconds.set(actor.id, (availableSeconds.get(actor.id) ?? 0) + end - since);
    }
  }
  options.onProgress?.(1);
  return summarize({
    scenario,
    policy: options.policy,
    seed: options.seed,
    items: [...items.values()],
    simulatedSeconds: end,
    groups: scenario.actors.map((group) => {
      const members = actors.filter((a) => a.group === group.group);
      const sum = (m: Map<string, number>) => members.reduce((s, a) => s + (m.get(a.id) ?? 0), 0);
      return {
        group: group.group,
        busySeconds: sum(busySeconds),
        availableSeconds: sum(availableSeconds) * group.capacity,
      };
    }),
    events: { simulated: processed, recorded },
    wallSeconds: (performance.now() - wallStart) / 1000,
    waitTargets: options.waitTargets ?? [],
  });
}

function drawClass(type: ScenarioWorkType, random: Random): PriorityClass {
  let u = random.uniform();
  for (const [name, share] of Object.entries(type.priorityClasses) as [PriorityClass, number][]) {
    if (u < share) return name;
    u -= share;
  }
  return 'normal';
}
