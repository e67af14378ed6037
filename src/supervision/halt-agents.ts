import { transitionWork } from '../coordination/transition-work.js';
import type { WorkContext } from '../coordination/work-context.js';
import { DomainError, notFound } from '../core/errors.js';
import { newEvent } from '../core/events.js';
import { describeScope, haltCovering, type Halt, type HaltScope } from '../core/halt.js';
import { newId } from '../core/ids.js';
import type { WorkItem } from '../core/model.js';
import { principalName } from '../core/principal.js';

/** Refuses a scope that names nothing a halt could stop. */
async function checkScope(ctx: WorkContext, scope: HaltScope): Promise<void> {
  if (scope.kind === 'actor') {
    const actor = await ctx.tx.actors.get(scope.id);
    if (actor === null)
      throw new DomainError('unknown_reference', `actor '${scope.id}' does not exist`, {
        issues: [{ path: 'scope.id', message: 'unknown actor' }],
      });
    if (actor.kind !== 'agent')
      throw new DomainError('validation_failed', `'${scope.id}' is a person: halts stop agents`, {
        issues: [{ path: 'scope.id', message: 'not an agent' }],
      });
  } else if (scope.kind === 'domain' && (await ctx.tx.domains.get(scope.id)) === null) {
    throw new DomainError('unknown_reference', `domain '${scope.id}' does not exist`, {
      issues: [{ path: 'scope.id', message: 'unknown domain' }],
    });
  }
}

/** Every item `actorId` holds or is offered that can go back to the queue. */
export async function releasable(ctx: WorkContext, actorId: string): Promise<WorkItem[]> {
  const items: WorkItem[] = [];
  for (const filter of [{ ownerId: actorId }, { offeredTo: actorId }])
    for (let after: string | undefined; ;) {
      const page = await ctx.tx.work.list({ ...filter, after, limit: 500 });
      items.push(...page.filter((i) => ['offered', 'assigned', 'in_progress'].includes(i.state)));
      if (page.length < 500) break;
      after = page.at(-1)?.id;
    }
  return items;
}

/**
 * Halts agents — one, a domain's, or all — in one transaction: from the next request on, a
 * halted agent's token may only read, and coordination gives it no work; what it held or was
 * offered goes back to the queue now, for others (each release an event naming the halt).
 */
export async function haltAgents(
  ctx: WorkContext,
  scope: HaltScope,
  reason: string,
): Promise<{ halt: Halt; requeued: string[] }> {
  await checkScope(ctx, scope);
  const now = ctx.clock.now();
  const halt: Halt = {
    id: newId('hlt', now.getTime()),
    scope,
    reason,
    haltedBy: principalName(ctx.principal),
    haltedAt: now.toISOString(),
    liftedAt: null,
    liftedBy: null,
    liftReason: null,
  };
  if (!(await ctx.tx.halts.insert(halt))) {
    const existing = await ctx.tx.halts.activeFor(scope);
    throw new DomainError('conflict', `${describeScope(scope)} is already halted`, {
      details: { halt: existing?.id ?? null },
    });
  }
  const requeued: string[] = [];
  for (const actor of await ctx.tx.actors.list())
    if (haltCovering([halt], actor) !== null)
      for (const item of await releasable(ctx, actor.id)) {
        await transitionWork(ctx, item.id, 'release', {
          reason: `halted: ${reason}`,
        });
        requeued.push(item.id);
      }
  ctx.tx.events.append(
    newEvent('supervision.halt.applied', halt.haltedBy, halt.id, { scope, reason, requeued }),
  );
  return { halt, requeued };
}

/** Lifts a halt: its agents take work again from the next request on. */
export async function liftHalt(ctx: WorkContext, id: string, reason: string): Promise<Halt> {
  const halt = await ctx.tx.halts.get(id);
  if (halt === null) throw notFound('halt', id);
  const at = ctx.clock.now().toISOString();
  const by = principalName(ctx.principal);
  if (!(await ctx.tx.halts.lift(id, at, by, reason)))
    throw new DomainError('illegal_transition', `halt '${id}' was already lifted`, {
      details: { halt: id, liftedAt: halt.liftedAt },
    });
  ctx.tx.events.append(newEvent('supervision.halt.lifted', by, id, { scope: halt.scope, reason }));
  return { ...halt, liftedAt: at, liftedBy: by, liftReason: reason };
}
