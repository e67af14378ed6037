import { msOf } from '../core/iso-time.js';
import type { PriorityClass, WorkItem } from '../core/model.js';
import { QueueIndex } from '../store/memory/queue-index.js';
import type { Random } from './random.js';
import { queueKey } from '../core/ports/work-store.js';
import { hasRoom, type Dispatcher, type Policy, type PolicyName, type SimActor } from './policy.js';

type BaselineName = Exclude<PolicyName, 'autonomy'>;

const CLASS_RANK: Record<PriorityClass, number> = { critical: 3, high: 2, normal: 1, low: 0 };
const MS_PER_CLASS = 1e14; // far more than any simulated span, so class always dominates age

/**
 * The order a baseline takes queued work in, as a number (higher first): the oldest first, or
 * TaskRouter's task priority, then age.
 */
function orderKey(name: BaselineName, item: WorkItem): number {
  const age = -msOf(item.createdAt);
  return name === 'taskrouter' ? CLASS_RANK[item.priorityClass] * MS_PER_CLASS + age : age;
}

/** Which of the free eligible actors a baseline picks. */
type ActorChoice = (
  eligible: SimActor[],
  state: { cursor: number; random: Random },
  count: number,
) => SimActor;

const CHOICES: Record<BaselineName, ActorChoice> = {
  // Any eligible idle actor: one of them at random, so the scenario's order of actors does not
  // decide for it.
  fifo: (eligible, state) =>
    eligible[Math.floor(state.random.uniform() * eligible.length)] as SimActor,
  // The next eligible actor after the one that got the last item.
  'round-robin': (eligible, state, count) => {
    const after = (a: SimActor) => (a.index - state.cursor + count) % count;
    const chosen = eligible.reduce((best, a) => (after(a) < after(best) ? a : best));
    state.cursor = (chosen.index + 1) % count;
    return chosen;
  },
  // Jira's "balanced workload": whoever holds the fewest items.
  'least-loaded': (eligible) => eligible.reduce((best, a) => (a.held < best.held ? a : best)),
  // TaskRouter's default: the worker idle the longest.
  taskrouter: (eligible) =>
    eligible.reduce((best, a) =>
      a.held === 0 && (best.held > 0 || a.idleSince < best.idleSince) ? a : best,
    ),
};

/**
 * The usual routers, run on the same simulator and state machine as the engine: they only
 * decide which queued item goes to which free actor, and say so by assigning by name. Like the
 * engine, they never give an item back to an actor whose attempt at it failed.
 */
export function baselinePolicy(name: BaselineName, random: Random): Policy {
  const queues = new Map<string, QueueIndex>();
  const state = { cursor: 0, random };
  const queueOf = (typeId: string) => {
    let queue = queues.get(typeId);
    if (queue === undefined) queues.set(typeId, (queue = new QueueIndex()));
    return queue;
  };
  return {
    name,
    ordersQueue: true,
    queued: (item) => {
      queueOf(item.typeId).insert({ id: item.id, priority: orderKey(name, item) });
    },
    dequeued: (item) => {
      queueOf(item.typeId).remove({ id: item.id, priority: orderKey(name, item) });
    },
    async dispatch(d: Dispatcher): Promise<void> {
      for (;;) {
        let best: { item: WorkItem; key: number; eligible: SimActor[] } | null = null;
        for (const [typeId, queue] of queues) {
          const free = d.actors.filter((a) => hasRoom(a) && a.typeIds.has(typeId));
          if (free.length === 0) continue;
          for (const entry of queue.entries) {
            if (best !== null && entry.priority < best.key) break;
            const item = await d.item(entry.id);
            const queue = queueKey(item.typeId, item.stageId);
            const eligible = free.filter(
              (a) => a.queues.has(queue) && !item.failedBy.includes(a.id),
            );
            if (eligible.length === 0) continue;
            if (best === null || entry.priority > best.key || item.id < best.item.id)
              best = { item, key: entry.priority, eligible };
            break;
          }
        }
        if (best === null) return;
        const actor = CHOICES[name](best.eligible, state, d.actors.length);
        await d.assign(best.item.id, actor.id);
      }
    },
  };
}
