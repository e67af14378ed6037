import type { Actor, WorkItem, WorkState, WorkType } from '../core/model.js';
import type { ReadStores } from '../core/ports/store.js';
import type { WorkStats } from '../core/ports/work-stats-store.js';
import type { DetectorSettings } from './detector-settings.js';
import {
  statsKey,
  type BacklogSample,
  type MonitoringSnapshot,
  type RecentAttempt,
} from './monitoring-snapshot.js';

type SnapshotStores = Pick<
  ReadStores,
  'work' | 'actors' | 'domains' | 'workTypes' | 'workStats' | 'events'
>;

/** How many items of one state a snapshot reads at most: a bound on one evaluation's work. */
export const SNAPSHOT_ITEM_CAP = 50_000;
/** Queued items counted per work type; beyond it the count reads as "at least". */
const QUEUE_COUNT_CAP = 1_000;
const PAGE = 1_000;

async function listState(stores: SnapshotStores, state: WorkState): Promise<WorkItem[]> {
  const items: WorkItem[] = [];
  let after: string | undefined;
  while (items.length < SNAPSHOT_ITEM_CAP) {
    const page = await stores.work.list({ state, after, limit: PAGE });
    items.push(...page);
    if (page.length < PAGE) break;
    after = page[page.length - 1]?.id;
  }
  return items;
}

interface AttemptPayload {
  attempt?: { typeId?: unknown; actorId?: unknown };
}

/**
 * Reads what the detectors judge, at `now`. The backlog history is the caller's (samples taken
 * at earlier evaluations); this adds the current sample and keeps those within the window.
 */
export async function collectSnapshot(
  stores: SnapshotStores,
  now: Date,
  settings: DetectorSettings,
  history: readonly BacklogSample[],
): Promise<MonitoringSnapshot> {
  const [actorList, domainList, typeList] = await Promise.all([
    stores.actors.list(),
    stores.domains.list(),
    stores.workTypes.list(),
  ]);
  const actors = new Map<string, Actor>(actorList.map((a) => [a.id, a]));
  const types = new Map<string, WorkType>(typeList.map((t) => [t.id, t]));
  const stats = new Map<string, WorkStats>();
  for (const row of await stores.workStats.listTypes()) {
    stats.set(statsKey(row.typeId, null), row);
    for (const actorRow of await stores.workStats.listActors(row.typeId))
      stats.set(statsKey(row.typeId, actorRow.actorId), actorRow);
  }

  const held = [
    ...(await listState(stores, 'assigned')),
    ...(await listState(stores, 'in_progress')),
  ];
  const heldBy = new Map<string, number>();
  for (const item of held)
    if (item.ownerId !== null) heldBy.set(item.ownerId, (heldBy.get(item.ownerId) ?? 0) + 1);

  const blocked = await listState(stores, 'blocked');
  const prerequisites = new Map<string, WorkItem>();
  for (const id of new Set(blocked.flatMap((item) => item.dependsOn))) {
    const prerequisite = await stores.work.get(id);
    if (prerequisite !== null) prerequisites.set(id, prerequisite);
  }
  const exhausted = (await listState(stores, 'failed')).filter(
    (item) => item.attempts >= (types.get(item.typeId)?.maxAttempts ?? Infinity),
  );
  const dueSoon = await stores.work.listOpenDueBefore(
    new Date(now.getTime() + settings.slaHorizonSeconds * 1000).toISOString(),
    SNAPSHOT_ITEM_CAP,
  );

  const queueHeads: { item: WorkItem; queued: number }[] = [];
  const open = new Map<string, number>();
  for (const type of typeList) {
    const queued = await stores.work.list({
      state: 'queued',
      typeId: type.id,
      limit: QUEUE_COUNT_CAP,
    });
    const head = queued[0];
    if (head !== undefined) queueHeads.push({ item: head, queued: queued.length });
    open.set(type.id, await stores.work.countOpenOfType(type.id));
  }

  const recentAttempts: RecentAttempt[] = [];
  const since = new Date(now.getTime() - settings.failureWindowSeconds * 1000).toISOString();
  const ended = await stores.events.list({
    types: ['coordination.work.completed', 'coordination.work.failed'],
    since,
    limit: SNAPSHOT_ITEM_CAP,
  });
  for (const event of ended) {
    const attempt = (event.payload as AttemptPayload).attempt;
    if (typeof attempt?.typeId !== 'string' || typeof attempt.actorId !== 'string') continue;
    recentAttempts.push({
      typeId: attempt.typeId,
      actorId: attempt.actorId,
      failed: event.type === 'coordination.work.failed',
    });
  }

  const windowStart = now.getTime() - settings.backlogWindowSeconds * 1000;
  const backlog = [...history.filter((s) => s.at >= windowStart), { at: now.getTime(), open }];

  return {
    now,
    actors,
    domains: new Map(domainList.map((d) => [d.id, d])),
    types,
    stats,
    held,
    blocked,
    exhausted,
    dueSoon,
    queueHeads,
    heldBy,
    prerequisites,
    recentAttempts,
    backlog,
  };
}
