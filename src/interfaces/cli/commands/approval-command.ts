import type { Command } from 'commander';
import { APPROVAL_STATES, type ApprovalState } from '../../../core/approval.js';
import { DomainError } from '../../../core/errors.js';
import type { ApprovalView } from '../../../runtime/approval-service.js';
import type { CliContext } from '../cli-context.js';
import { formatFields, formatTable } from '../format-table.js';
import { parseJsonObject, parsePositiveInt } from '../parse-options.js';

function parseState(value: string): ApprovalState {
  if (!(APPROVAL_STATES as readonly string[]).includes(value))
    throw new DomainError('validation_failed', `unknown state '${value}'`, {
      issues: [{ path: 'state', message: `one of ${APPROVAL_STATES.join(', ')}` }],
    });
  return value as ApprovalState;
}

const resourceOf = (a: ApprovalView) => `${a.resource.type} ${a.resource.id}`;

function describeApproval(ctx: CliContext, a: ApprovalView): void {
  ctx.print(`${a.id}: ${a.state}`);
  ctx.printLines(
    formatFields([
      ['agent', a.actorId],
      ['action', `${a.action} (class ${a.actionClass})`],
      ['resource', resourceOf(a)],
      ['arguments', JSON.stringify(a.arguments)],
      ['hash', a.argumentsHash],
      ['why', a.justification === '' ? '-' : a.justification],
      ['policies', a.policies.map((p) => p.id).join(', ')],
      ['approvers', a.approvers.join(', ') || '(admins)'],
      ['asked', `${a.createdAt} by ${a.requestedBy}`],
      ['expires', a.expiresAt],
      ...(a.decidedAt === null
        ? []
        : ([
            ['decided', `${a.decidedAt} by ${a.decidedBy ?? '?'}: ${a.decisionReason ?? ''}`],
          ] as const)),
      ...(a.approvedArguments === null
        ? []
        : ([['approved', JSON.stringify(a.approvedArguments)]] as const)),
      ...(a.usedAt === null ? [] : ([['used', a.usedAt]] as const)),
    ]),
  );
  for (const change of a.changes)
    ctx.print(
      `  ~ ${change.path}: ${'requested' in change ? JSON.stringify(change.requested) : '(none)'} → ${'approved' in change ? JSON.stringify(change.approved) : '(removed)'}`,
    );
}

/** `autonomy approval …`: what agents ask people to approve, and the decisions. */
export function approvalCommand(program: Command, ctx: CliContext): Command {
  const approval = program
    .command('approval')
    .description('approvals agents ask for one exact action: list, show, approve, reject');

  approval
    .command('list')
    .description('approvals, oldest first (default: pending)')
    .option('--state <state>', APPROVAL_STATES.join(' | '), parseState, 'pending' as ApprovalState)
    .option('--all', 'every state')
    .option('--agent <id>', 'only those letting this agent act')
    .option('--limit <n>', 'at most this many', parsePositiveInt, 100)
    .action(
      async (options: { state: ApprovalState; all?: boolean; agent?: string; limit: number }) => {
        const items = await ctx.withControlPlane((cp) =>
          cp.approvals.list(ctx.principal, {
            ...(options.all === true ? {} : { state: options.state }),
            actorId: options.agent,
            limit: options.limit,
          }),
        );
        ctx.output(items, () => {
          if (items.length === 0) {
            ctx.print(options.all === true ? 'no approvals' : `no ${options.state} approvals`);
            return;
          }
          ctx.printLines(
            formatTable(items, [
              { header: 'ID', value: (a) => a.id },
              { header: 'STATE', value: (a) => a.state },
              { header: 'AGENT', value: (a) => a.actorId },
              { header: 'ACTION', value: (a) => a.action },
              { header: 'RESOURCE', value: (a) => resourceOf(a) },
              { header: 'EXPIRES', value: (a) => a.expiresAt },
              { header: 'APPROVERS', value: (a) => a.approvers.join(',') || '-', maxWidth: 30 },
            ]),
          );
        });
      },
    );

  approval
    .command('show')
    .description('one approval: what exactly, why, who decides, and what was decided')
    .argument('<id>', 'approval id')
    .action(async (id: string) => {
      const found = await ctx.withControlPlane((cp) => cp.approvals.get(ctx.principal, id));
      ctx.output(found, () => {
        describeApproval(ctx, found);
      });
    });

  approval
    .command('approve')
    .description('approve, as asked or with edited arguments (the agent must act with those)')
    .argument('<id>', 'approval id')
    .option(
      '--arguments <json>',
      'the arguments approved instead (approve with edits)',
      parseJsonObject,
    )
    .option('--reason <text>', 'why, for the record')
    .action(
      async (id: string, options: { arguments?: Record<string, unknown>; reason?: string }) => {
        const decided = await ctx.withControlPlane((cp) =>
          cp.approvals.approve(ctx.principal, id, options),
        );
        ctx.output(decided, () => {
          describeApproval(ctx, decided);
        });
      },
    );

  approval
    .command('reject')
    .description('reject, with a reason the agent is shown')
    .argument('<id>', 'approval id')
    .requiredOption('--reason <text>', 'why')
    .action(async (id: string, options: { reason: string }) => {
      const decided = await ctx.withControlPlane((cp) =>
        cp.approvals.reject(ctx.principal, id, options.reason),
      );
      ctx.output(decided, () => {
        describeApproval(ctx, decided);
      });
    });

  return approval;
}

/** `autonomy authority check`: what the policies decide, without acting. */
export function authorityCommand(program: Command, ctx: CliContext): Command {
  const authority = program
    .command('authority')
    .description('what agents may do: ask the policies');
  authority
    .command('check')
    .description('allow, approval required or deny, with the policies that decided')
    .requiredOption('--actor <id>', 'the actor that would act')
    .requiredOption('--action <name>', 'a work action (claim, complete…) or a custom one (refund…)')
    .option('--work <id>', 'on this work item')
    .option('--domain <id>', 'on this domain')
    .option('--context <json>', 'the custom action’s context', parseJsonObject)
    .action(
      async (options: {
        actor: string;
        action: string;
        work?: string;
        domain?: string;
        context?: Record<string, unknown>;
      }) => {
        if ((options.work === undefined) === (options.domain === undefined))
          throw new DomainError('validation_failed', 'name the resource: --work or --domain', {
            issues: [{ path: 'resource', message: 'exactly one of --work, --domain' }],
          });
        const resource =
          options.work === undefined
            ? { type: 'Domain' as const, id: options.domain ?? '' }
            : { type: 'WorkItem' as const, id: options.work };
        const decision = await ctx.withControlPlane((cp) =>
          cp.checkAuthority(ctx.principal, {
            actorId: options.actor,
            action: options.action,
            resource,
            context: options.context,
          }),
        );
        ctx.output(decision, () => {
          ctx.print(`${decision.decision}: ${decision.reason}`);
          for (const policy of decision.policies)
            ctx.print(
              `  ${policy.effect} ${policy.id}${Object.entries(policy.annotations)
                .filter(([k]) => k !== 'id')
                .map(([k, v]) => ` @${k}("${v}")`)
                .join('')}`,
            );
          for (const error of decision.errors) ctx.print(`  error: ${error}`);
        });
      },
    );
  return authority;
}
