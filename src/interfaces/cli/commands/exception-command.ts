import { Option, type Command } from 'commander';
import {
  EXCEPTION_STATES,
  SEVERITIES,
  type ExceptionState,
  type Severity,
} from '../../../core/exception.js';
import type { CliContext } from '../cli-context.js';
import { formatHistory } from '../format-history.js';
import { formatFields, formatTable } from '../format-table.js';
import { collectList, parsePositiveInt, parseTime } from '../parse-options.js';

interface ListOptions {
  state?: ExceptionState;
  active?: boolean;
  alertname?: string;
  severity?: Severity;
  group?: string;
  after?: string;
  limit: number;
}

const labelText = (labels: Readonly<Record<string, string>>) =>
  Object.entries(labels)
    .filter(([name]) => name !== 'alertname' && name !== 'severity')
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');

/** `autonomy exception …`: the exceptions monitoring raised, and what people do about them. */
export function exceptionCommand(program: Command, ctx: CliContext): Command {
  const exception = program
    .command('exception')
    .alias('exceptions')
    .description(
      'exceptions raised by detectors and integrations: list, show, acknowledge, resolve',
    );

  exception
    .command('list')
    .description('list exceptions, oldest first')
    .addOption(new Option('--state <state>', 'only this state').choices(EXCEPTION_STATES))
    .option('--active', 'only open or acknowledged ones')
    .option('--alertname <name>', 'only this kind (WorkStalled, SlaAtRisk, …)')
    .addOption(new Option('--severity <severity>', 'only this severity').choices(SEVERITIES))
    .option('--group <key>', 'only this aggregation group (as `exception show` prints it)')
    .option('--after <id>', 'cursor: list after this id')
    .option('--limit <n>', 'at most this many', parsePositiveInt, 100)
    .action(async (options: ListOptions) => {
      const items = await ctx.withControlPlane((cp) =>
        cp.monitoring.list(ctx.principal, {
          state: options.state,
          active: options.active,
          alertname: options.alertname,
          severity: options.severity,
          group: options.group,
          after: options.after,
          limit: options.limit,
        }),
      );
      ctx.output(items, () => {
        if (items.length === 0) {
          ctx.print('no exceptions');
          return;
        }
        ctx.printLines(
          formatTable(items, [
            { header: 'ID', value: (e) => e.id },
            { header: 'STATE', value: (e) => e.state },
            { header: 'SEVERITY', value: (e) => e.labels.severity ?? '' },
            { header: 'ALERT', value: (e) => e.labels.alertname ?? '' },
            { header: 'LABELS', value: (e) => labelText(e.labels), maxWidth: 48 },
            { header: 'RECEIVERS', value: (e) => e.receivers.join(',') },
            { header: 'OPENED', value: (e) => e.openedAt },
          ]),
        );
      });
    });

  exception
    .command('show')
    .description('show an exception: its evidence, routing, escalation and history')
    .argument('<id>', 'exception id')
    .action(async (id: string) => {
      const detail = await ctx.withControlPlane((cp) => cp.monitoring.get(ctx.principal, id));
      ctx.output(detail, () => {
        ctx.print(`${detail.id}  ${detail.summary}`);
        const fields: [string, string][] = [
          ['state', detail.state],
          [
            'labels',
            Object.entries(detail.labels)
              .map(([k, v]) => `${k}=${v}`)
              .join(' '),
          ],
          ['source', detail.source],
          ['opened', detail.openedAt],
          ['last seen', detail.lastSeenAt],
          ['receivers', `${detail.receivers.join(', ')} (routes ${detail.routes.join(', ')})`],
          ['group', detail.group],
          ...detail.escalations.map((e): [string, string] => [
            `escalation ${e.receiver}`,
            `step ${e.step + 1}${e.loop > 0 ? ` (pass ${e.loop + 1})` : ''}: ${e.notified.join(', ') || 'nobody yet'}; next ${e.nextAt ?? 'none'}`,
          ]),
          ['silenced by', detail.silencedBy ?? '-'],
          [
            'acknowledged',
            detail.acknowledgedAt === null
              ? '-'
              : `${detail.acknowledgedAt} by ${detail.acknowledgedBy ?? ''}`,
          ],
          [
            'resolved',
            detail.resolvedAt === null
              ? '-'
              : `${detail.resolvedAt} by ${detail.resolvedBy} (${detail.resolution})`,
          ],
          ['details', JSON.stringify(detail.details)],
        ];
        ctx.printLines(formatFields(fields));
        ctx.print();
        ctx.print('history');
        ctx.printLines(formatHistory(detail.history));
      });
    });

  exception
    .command('ack')
    .alias('acknowledge')
    .description('take an exception on: its escalation stops')
    .argument('<id>', 'exception id')
    .option('--comment <text>', 'what you are doing about it', '')
    .action(async (id: string, options: { comment: string }) => {
      const acked = await ctx.withControlPlane((cp) =>
        cp.monitoring.acknowledge(ctx.principal, id, options.comment),
      );
      ctx.output(acked, () => {
        ctx.print(`${acked.id} acknowledged by ${acked.acknowledgedBy ?? ''}`);
      });
    });

  exception
    .command('resolve')
    .description(
      'resolve an exception by hand (a detector raises it again if its condition still holds)',
    )
    .argument('<id>', 'exception id')
    .requiredOption('--reason <text>', 'why it is over')
    .action(async (id: string, options: { reason: string }) => {
      const resolved = await ctx.withControlPlane((cp) =>
        cp.monitoring.resolve(ctx.principal, id, options.reason),
      );
      ctx.output(resolved, () => {
        ctx.print(`${resolved.id} resolved`);
      });
    });

  exception
    .command('evaluate')
    .description('run every detector once now, then the escalation steps that are due')
    .action(async () => {
      const result = await ctx.withControlPlane(async (cp) => {
        const bySource = await cp.monitoring.evaluate();
        const escalated = await cp.monitoring.escalate();
        return { bySource, escalated: escalated.length };
      });
      ctx.output(result, () => {
        for (const [detector, r] of Object.entries(result.bySource))
          ctx.print(
            `${detector.padEnd(20)} opened ${r.opened.length}, resolved ${r.resolved.length}, ongoing ${r.ongoing}`,
          );
        ctx.print(`escalation steps run: ${result.escalated}`);
      });
    });

  return exception;
}

interface SilenceOptions {
  matcher: string[];
  start?: string;
  end?: string;
  duration?: string;
  comment: string;
}

/** `autonomy silence …`: mute exceptions whose labels match, for a while. */
export function silenceCommand(program: Command, ctx: CliContext): Command {
  const silence = program
    .command('silence')
    .description('mute exceptions whose labels match, for a while (Alertmanager matchers)');

  silence
    .command('add')
    .description('create a silence: give --end or --duration')
    .requiredOption(
      '-m, --matcher <matcher>',
      'a matcher such as alertname="WorkStalled" or actor=~"bot-.*" (repeat for more; all must match)',
      collectList,
    )
    .option('--start <time>', 'when it starts (default now)', parseTime)
    .option('--end <time>', 'when it ends', parseTime)
    .option('--duration <d>', 'how long it lasts: 30m, 2h, 1d')
    .requiredOption('--comment <text>', 'why')
    .action(async (options: SilenceOptions) => {
      const created = await ctx.withControlPlane((cp) =>
        cp.monitoring.createSilence(ctx.principal, {
          matchers: options.matcher,
          startsAt: options.start,
          endsAt: options.end,
          duration: options.end === undefined ? (options.duration ?? '') : options.duration,
          comment: options.comment,
        }),
      );
      ctx.output(created, () => {
        ctx.print(`${created.id} silences ${created.matchers.join(', ')} until ${created.endsAt}`);
      });
    });

  silence
    .command('list')
    .description('silences that are active or still to come')
    .action(async () => {
      const silences = await ctx.withControlPlane((cp) =>
        cp.monitoring.listSilences(ctx.principal),
      );
      ctx.output(silences, () => {
        if (silences.length === 0) {
          ctx.print('no silences');
          return;
        }
        ctx.printLines(
          formatTable(silences, [
            { header: 'ID', value: (s) => s.id },
            { header: 'MATCHERS', value: (s) => s.matchers.join(', '), maxWidth: 48 },
            { header: 'STARTS', value: (s) => s.startsAt },
            { header: 'ENDS', value: (s) => s.endsAt },
            { header: 'BY', value: (s) => s.createdBy },
            { header: 'COMMENT', value: (s) => s.comment, maxWidth: 40 },
          ]),
        );
      });
    });

  silence
    .command('expire')
    .description('end a silence now')
    .argument('<id>', 'silence id')
    .action(async (id: string) => {
      const expired = await ctx.withControlPlane((cp) =>
        cp.monitoring.expireSilence(ctx.principal, id),
      );
      ctx.output(expired, () => {
        ctx.print(`${expired.id} expired`);
      });
    });

  return silence;
}

/** `autonomy inbox ACTOR`: what reached an actor. */
export function inboxCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('inbox')
    .description("an actor's notifications, newest first")
    .argument('<actor>', 'actor id')
    .option('--unread', 'only unread ones')
    .option('--limit <n>', 'at most this many', parsePositiveInt, 50)
    .action(async (actorId: string, options: { unread?: boolean; limit: number }) => {
      const items = await ctx.withControlPlane((cp) =>
        cp.monitoring.inbox(ctx.principal, actorId, {
          unread: options.unread,
          limit: options.limit,
        }),
      );
      ctx.output(items, () => {
        if (items.length === 0) {
          ctx.print('nothing');
          return;
        }
        ctx.printLines(
          formatTable(items, [
            { header: 'WHEN', value: (n) => n.createdAt },
            { header: 'WHY', value: (n) => n.reason },
            { header: 'EXCEPTION', value: (n) => n.exceptionId },
            { header: 'VIA', value: (n) => `${n.receiver} step ${n.step + 1}` },
            { header: 'READ', value: (n) => (n.readAt === null ? 'no' : 'yes') },
            { header: 'SUMMARY', value: (n) => n.summary, maxWidth: 60 },
          ]),
        );
      });
    });
}
