import { Argument, Option, type Command } from 'commander';
import {
  REQUESTABLE_ACTIONS,
  type RequestableAction,
} from '../../../coordination/transition-work.js';
import type { CandidateScore } from '../../../coordination/match-actors.js';
import { formatDuration } from '../../../core/duration.js';
import {
  PRIORITY_CLASSES,
  WORK_STATES,
  type PriorityClass,
  type WorkItem,
  type WorkState,
} from '../../../core/model.js';
import type { CliContext } from '../cli-context.js';
import { formatHistory } from '../format-history.js';
import { formatFields, formatTable } from '../format-table.js';
import {
  collectList,
  parseJsonObject,
  parseNonNegativeNumber,
  parsePositiveInt,
  parseTime,
} from '../parse-options.js';

interface AddOptions {
  type: string;
  title: string;
  value?: number;
  due?: string;
  priority?: PriorityClass;
  dependsOn?: string[];
  payload?: Record<string, unknown>;
}

interface ListOptions {
  state?: WorkState;
  type?: string;
  owner?: string;
  after?: string;
  limit: number;
}

interface DoOptions {
  actor?: string;
  reason?: string;
}

/** Who has the item: its owner, or whom it is offered to. */
const holder = (item: WorkItem): string =>
  item.ownerId ?? (item.offeredTo === null ? '-' : `(offered: ${item.offeredTo})`);

function stateLine(item: WorkItem): string {
  if (item.ownerId !== null)
    return `${item.state}, owner ${item.ownerId}, lease until ${item.leaseExpiresAt}`;
  if (item.offeredTo !== null) return `${item.state} to ${item.offeredTo}`;
  return item.state;
}

export function workCommand(program: Command, ctx: CliContext): Command {
  const work = program.command('work').description('work items and their state machine');

  work
    .command('add')
    .description('create a work item (queued, or blocked while a dependency is unfinished)')
    .requiredOption('--type <id>', 'work type id')
    .requiredOption('--title <text>', 'what the work is')
    .option('--value <n>', 'business value (default 1)', parseNonNegativeNumber)
    .option('--due <time>', "due time, ISO 8601 (default: now + the work type's SLA)", parseTime)
    .addOption(
      new Option('--priority <class>', 'priority class (default normal)').choices(PRIORITY_CLASSES),
    )
    .option(
      '--depends-on <id>',
      'an item this one waits for (repeat or comma-separate)',
      collectList,
    )
    .option('--payload <json>', 'a JSON object of data for whoever does the work', parseJsonObject)
    .action(async (options: AddOptions) => {
      const item = await ctx.withControlPlane((cp) =>
        cp.createWork(ctx.principal, {
          typeId: options.type,
          title: options.title,
          value: options.value,
          dueAt: options.due,
          priorityClass: options.priority,
          dependsOn: options.dependsOn,
          payload: options.payload,
        }),
      );
      ctx.output(item, () => {
        ctx.print(
          `created ${item.id} (${item.state}, ${item.priorityClass}, due ${item.dueAt ?? '-'})`,
        );
      });
    });

  work
    .command('list')
    .description('list work items, oldest first')
    .addOption(new Option('--state <state>', 'only items in this state').choices(WORK_STATES))
    .option('--type <id>', 'only items of this work type')
    .option('--owner <actor>', 'only items this actor holds')
    .option('--after <id>', 'start after this item id (paging)')
    .option('--limit <n>', 'at most this many items', parsePositiveInt, 50)
    .action(async (options: ListOptions) => {
      const items = await ctx.withControlPlane((cp) =>
        cp.listWork(ctx.principal, {
          state: options.state,
          typeId: options.type,
          ownerId: options.owner,
          after: options.after,
          limit: options.limit,
        }),
      );
      ctx.output(items, () => {
        if (items.length === 0) {
          ctx.print('no work items');
          return;
        }
        ctx.printLines(
          formatTable(items, [
            { header: 'ID', value: (w) => w.id },
            { header: 'TYPE', value: (w) => w.typeId },
            { header: 'STATE', value: (w) => w.state },
            { header: 'PRIORITY', value: (w) => w.priorityClass },
            { header: 'OWNER', value: holder },
            { header: 'DUE', value: (w) => w.dueAt ?? '-' },
            { header: 'TITLE', value: (w) => w.title, maxWidth: 60 },
          ]),
        );
        const last = items.at(-1);
        if (items.length === options.limit && last !== undefined)
          ctx.note(`more may follow: --after ${last.id}`);
      });
    });

  work
    .command('show')
    .description('show a work item and its history')
    .argument('<id>', 'work item id')
    .action(async (id: string) => {
      const detail = await ctx.withControlPlane((cp) => cp.getWork(ctx.principal, id));
      ctx.output(detail, () => {
        ctx.print(`${detail.id}  ${detail.title}`);
        const fields: [string, string][] = [
          ['type', detail.typeId],
          ['stage', detail.stageId ?? '-'],
          ['state', stateLine(detail)],
          ['priority', detail.priorityClass],
          ['value', String(detail.value)],
          ['due', detail.dueAt ?? '-'],
          ['depends on', detail.dependsOn.length === 0 ? '-' : detail.dependsOn.join(', ')],
          ['attempts', String(detail.attempts)],
          ['created', detail.createdAt],
          ['updated', `${detail.updatedAt} (version ${detail.version})`],
          ['payload', JSON.stringify(detail.payload)],
        ];
        ctx.printLines(formatFields(fields));
        ctx.print();
        ctx.print('history');
        ctx.printLines(formatHistory(detail.history));
      });
    });

  work
    .command('do')
    .description('perform a state machine action on a work item')
    .argument('<id>', 'work item id')
    .addArgument(new Argument('<action>', 'what to do').choices(REQUESTABLE_ACTIONS))
    .option('--actor <id>', 'the actor to offer or assign to (accepting an offer needs none)')
    .option('--reason <text>', 'why, recorded in the event')
    .action(async (id: string, action: RequestableAction, options: DoOptions) => {
      const item = await ctx.withControlPlane((cp) =>
        cp.transitionWork(ctx.principal, id, action, {
          actorId: options.actor,
          reason: options.reason,
        }),
      );
      ctx.output(item, () => {
        ctx.print(`${item.id}: ${stateLine(item)}`);
      });
    });

  work
    .command('claim')
    .description("pull: assign the actor's highest-priority queued item it has the skills for")
    .requiredOption('--actor <id>', 'the actor that takes the work')
    .action(async (options: { actor: string }) => {
      const outcome = await ctx.withControlPlane((cp) =>
        cp.claimWork(ctx.principal, options.actor),
      );
      if (outcome.claimed === null) {
        ctx.output({ claimed: null, reason: outcome.reason, message: outcome.message }, () => {
          ctx.print(`no work for ${options.actor}: ${outcome.message} (${outcome.reason})`);
        });
        return;
      }
      const item = outcome.claimed;
      ctx.output({ ...item, decision: outcome.decision }, () => {
        ctx.print(`${item.id}: ${stateLine(item)}`);
        ctx.print(`  ${item.title} (priority ${outcome.decision.priority.total.toFixed(1)})`);
      });
    });

  work
    .command('explain')
    .description('why a work item is where it is: its owner and why, or what keeps it from one')
    .argument('<id>', 'work item id')
    .action(async (id: string) => {
      const explanation = await ctx.withControlPlane((cp) => cp.explainWork(ctx.principal, id));
      ctx.output(explanation, () => {
        const p = explanation.priority;
        ctx.print(`${explanation.itemId}: ${explanation.summary}`);
        const stage = explanation.stage;
        if (stage !== null) {
          const needs = Object.entries(stage.requiredSkills)
            .map(([skill, level]) => `${skill} ≥ ${level}`)
            .join(', ');
          ctx.print(
            `  stage ${stage.id} (${stage.position} of ${stage.of}) needs ${needs === '' ? 'no skills' : needs}; next: ${stage.next ?? 'done'}`,
          );
        }
        ctx.print(
          `  priority ${p.total.toFixed(1)} = class ${p.class.toFixed(1)} + value ${p.value.toFixed(1)} + blocks ${p.blocks.toFixed(1)} + age ${p.age.toFixed(1)} + slack ${p.slack.toFixed(1)}`,
        );
        const e = explanation.estimate;
        if (e !== null) {
          ctx.print(
            `  expected ${formatDuration(Math.round(e.expectedSeconds))} from start (configured ${formatDuration(e.configuredSeconds)}; learned from ${e.completions} completed, ${e.failures} failed), success rate ${e.successRate.toFixed(2)}`,
          );
        }
        const scores =
          explanation.match?.candidates ??
          (explanation.offer?.decision as { candidates?: CandidateScore[] } | null)?.candidates ??
          [];
        if (scores.length > 0) {
          ctx.print(
            explanation.offer === null ? '  push matching now:' : '  offered by these scores:',
          );
          ctx.printLines(
            formatTable(scores, [
              { header: 'ACTOR', value: (c) => c.actorId },
              { header: 'SCORE', value: (c) => c.score.toFixed(2), align: 'right' },
              { header: 'FIT', value: (c) => c.fit.toFixed(2), align: 'right' },
              { header: 'SPEED', value: (c) => c.speed.toFixed(2), align: 'right' },
              { header: 'SUCCESS', value: (c) => c.success.toFixed(2), align: 'right' },
              { header: 'FREE', value: (c) => c.free.toFixed(2), align: 'right' },
              { header: 'COST', value: (c) => c.cost.toFixed(2), align: 'right' },
            ]).map((row) => `    ${row}`),
          );
        }
        if (explanation.candidates.length > 0) {
          ctx.printLines(
            formatTable(explanation.candidates, [
              { header: 'ACTOR', value: (c) => c.actorId },
              { header: 'CAN TAKE', value: (c) => (c.eligible ? 'yes' : 'no') },
              { header: 'WHY NOT', value: (c) => c.reasons.join('; ') },
            ]).map((row) => `  ${row}`),
          );
        }
      });
    });

  return work;
}
