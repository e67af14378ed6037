import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import type { StoredEvent } from '../../../core/events.js';
import type { EventFilter } from '../../../core/ports/event-log.js';
import type { Principal } from '../../../core/principal.js';
import type { ControlPlane } from '../../../runtime/control-plane.js';
import type { CliContext } from '../cli-context.js';
import { describeEvent } from '../describe-event.js';
import { collectList, parseNonNegativeInt } from '../parse-options.js';
import { waitForSignal } from '../wait-for-signal.js';

interface TailOptions {
  follow?: boolean;
  type?: string[];
  subject?: string;
  after?: number;
  limit: number;
}

const POLL_MS = 500;
const PAGE = 500;

/** Fixed widths rather than a table: lines printed while following must align with earlier ones. */
function formatEventLine(event: StoredEvent): string {
  const detail = describeEvent(event);
  return [
    String(event.seq).padStart(6),
    event.time,
    event.type.padEnd(34),
    event.actor.padEnd(16),
    (event.subject ?? '-').padEnd(34),
    detail,
  ]
    .join('  ')
    .trimEnd();
}

/**
 * The newest `limit` events matching the filter. The log is read forward only, so look back
 * through a window of sequence numbers that doubles until it holds enough matches or reaches
 * the start: cheap for common filters, and bounded by the log's size for rare ones.
 */
async function lastEvents(
  cp: ControlPlane,
  principal: Principal,
  filter: Omit<EventFilter, 'afterSeq' | 'limit'>,
  limit: number,
): Promise<StoredEvent[]> {
  const head = await cp.latestSeq(principal);
  if (limit === 0) return [];
  for (let window = limit * 4; ; window *= 2) {
    const afterSeq = Math.max(0, head - window);
    // Sequence numbers are dense, so the window holds at most `window` events (plus newer ones).
    const events = await cp.listEvents(principal, { ...filter, afterSeq, limit: window + PAGE });
    if (events.length >= limit || afterSeq === 0) return events.slice(-limit);
  }
}

export function eventsCommand(program: Command, ctx: CliContext): Command {
  const events = program.command('events').description('the event log');
  events
    .command('tail')
    .description('print the newest events; with --follow keep printing new ones until interrupted')
    .option('-f, --follow', 'keep printing new events (Ctrl-C to stop)')
    .option(
      '--type <type>',
      'only these types, or prefixes ending in * (repeat or comma-separate)',
      collectList,
    )
    .option('--subject <id>', 'only events about this work item, actor, …')
    .option(
      '--after <seq>',
      'print events after this sequence number instead of the newest ones',
      parseNonNegativeInt,
    )
    .option(
      '-n, --limit <n>',
      'how many events to print first (0 with --follow: only new ones)',
      parseNonNegativeInt,
      20,
    )
    .action(async (options: TailOptions) => {
      const filter = { types: options.type, subject: options.subject };
      // JSON Lines rather than one array, so --follow can stream and `jq` reads both the same way.
      const emit = (event: StoredEvent) => {
        ctx.print(ctx.json ? JSON.stringify(event) : formatEventLine(event));
      };
      await ctx.withControlPlane(async (cp) => {
        const first =
          options.after === undefined
            ? await lastEvents(cp, ctx.principal, filter, options.limit)
            : await cp.listEvents(ctx.principal, {
                ...filter,
                afterSeq: options.after,
                limit: options.limit,
              });
        first.forEach(emit);
        if (options.follow !== true) return;

        // Poll the log rather than listen to the event bus: the bus only carries what this
        // process commits, and the writers (a server, other CLIs, other nodes) are elsewhere.
        // The log is the one place they all meet; reading after a sequence cursor loses
        // nothing and costs one indexed query per poll.
        let cursor = first.at(-1)?.seq ?? options.after ?? (await cp.latestSeq(ctx.principal));
        const stop = waitForSignal();
        const done = AbortSignal.any([stop.signal, ctx.outputClosed]);
        try {
          while (!done.aborted) {
            const batch = await cp.listEvents(ctx.principal, {
              ...filter,
              afterSeq: cursor,
              limit: PAGE,
            });
            batch.forEach(emit);
            cursor = batch.at(-1)?.seq ?? cursor;
            if (batch.length < PAGE)
              await sleep(POLL_MS, undefined, { signal: done }).catch(() => undefined);
          }
        } finally {
          stop.dispose();
        }
      });
    });
  return events;
}
