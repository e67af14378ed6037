import type { Command } from 'commander';
import type { TrustEntry } from '../../../runtime/trust-service.js';
import type { CliContext } from '../cli-context.js';
import { formatFields, formatTable } from '../format-table.js';
import { parseNonNegativeInt } from '../parse-options.js';

interface ReportOptions {
  agent?: string;
  domain?: string;
  class?: string;
  work?: string;
  reason: string;
}

const report = (o: ReportOptions) => ({
  actorId: o.agent,
  domainId: o.domain,
  class: o.class,
  workItemId: o.work,
  reason: o.reason,
});

const rate = (r: number | null | undefined) =>
  r === null || r === undefined ? '-' : `${(r * 100).toFixed(1)}%`;

function entryTable(entries: readonly TrustEntry[]): string[] {
  return formatTable(entries, [
    { header: 'AGENT', value: (e) => e.actorId },
    { header: 'DOMAIN', value: (e) => e.domainId },
    { header: 'CLASS', value: (e) => e.class },
    { header: 'LEVEL', value: (e) => `L${e.level}` },
    { header: 'ATTEMPTS', value: (e) => e.evidence?.counts.attempts.toFixed(2) ?? '-' },
    { header: 'SUCCESS', value: (e) => rate(e.evidence?.successRate) },
    { header: 'CLEAN DAYS', value: (e) => e.evidence?.cleanDays.toFixed(1) ?? '-' },
    {
      header: 'NEXT',
      value: (e) =>
        e.pendingPromotion !== null
          ? `L${e.level + 1}: pending ${e.pendingPromotion}`
          : e.next === null
            ? '-'
            : `L${e.next.to}: ${e.next.unmet ?? 'met'}`,
      maxWidth: 50,
    },
  ]);
}

/** `autonomy trust …`: earned trust levels, their evidence, incidents, reversals, promotions. */
export function trustCommand(program: Command, ctx: CliContext): Command {
  const trust = program
    .command('trust')
    .description('earned trust levels (L0–L4) per agent, domain and action class');

  trust
    .command('list')
    .description('levels with their evidence and what the next level still lacks')
    .option('--agent <id>', 'one agent')
    .option('--domain <id>', 'one domain')
    .option('--class <class>', 'one action class')
    .action(async (o: { agent?: string; domain?: string; class?: string }) => {
      const entries = await ctx.withControlPlane((cp) =>
        cp.trust.list(ctx.principal, { actorId: o.agent, domainId: o.domain, class: o.class }),
      );
      ctx.output(entries, () => {
        if (entries.length === 0) ctx.print('no agents');
        else ctx.printLines(entryTable(entries));
      });
    });

  trust
    .command('show')
    .description('one agent: levels, reversals and incidents, promotions, level changes')
    .argument('<agent>', 'agent id')
    .action(async (agent: string) => {
      const detail = await ctx.withControlPlane((cp) => cp.trust.detail(ctx.principal, agent));
      ctx.output(detail, () => {
        ctx.printLines(entryTable(detail.entries));
        for (const m of detail.marks)
          ctx.print(`${m.at} ${m.kind} (${m.domainId}/${m.class}) by ${m.by}: ${m.reason}`);
        for (const p of detail.promotions)
          ctx.print(`${p.id} L${p.from}→L${p.to} ${p.domainId}/${p.class}: ${p.state}`);
        for (const c of detail.changes) {
          const p = c.payload as { from: number; to: number; cause: string; reason: string };
          ctx.print(`${c.time} L${p.from}→L${p.to} (${p.cause}) by ${c.actor}: ${p.reason}`);
        }
      });
    });

  const withReport = (command: Command) =>
    command
      .option('--agent <id>', 'the agent (default: the one that completed --work)')
      .option('--domain <id>', 'the domain (default: the work’s, or the agent’s only one)')
      .option('--class <class>', 'the action class (default work)')
      .option('--work <id>', 'the work item it is about')
      .requiredOption('--reason <text>', 'what happened');

  withReport(trust.command('incident'))
    .description('report an incident: the agent drops to the incident level at once')
    .action(async (o: ReportOptions) => {
      const done = await ctx.withControlPlane((cp) =>
        cp.trust.recordIncident(ctx.principal, report(o)),
      );
      ctx.output(done, () => {
        ctx.print(`${done.actorId} ${done.domainId}/${done.class}: L${done.from} → L${done.to}`);
      });
    });

  withReport(trust.command('reversal'))
    .description('report a reversal: a person undid the agent’s completed work')
    .action(async (o: ReportOptions) => {
      const done = await ctx.withControlPlane((cp) =>
        cp.trust.recordReversal(ctx.principal, report(o)),
      );
      ctx.output(done, () => {
        ctx.print(`reversal recorded for ${done.actorId} in ${done.domainId}/${done.class}`);
      });
    });

  trust
    .command('set')
    .description('set a level by hand (override), with a reason')
    .requiredOption('--agent <id>', 'the agent')
    .requiredOption('--domain <id>', 'the domain')
    .requiredOption('--class <class>', 'the action class')
    .requiredOption('--level <n>', 'the level, 0–4', parseNonNegativeInt)
    .requiredOption('--reason <text>', 'why')
    .action(
      async (o: {
        agent: string;
        domain: string;
        class: string;
        level: number;
        reason: string;
      }) => {
        const done = await ctx.withControlPlane((cp) =>
          cp.trust.setLevel(ctx.principal, {
            actorId: o.agent,
            domainId: o.domain,
            class: o.class,
            level: o.level,
            reason: o.reason,
          }),
        );
        ctx.output(done, () => {
          ctx.print(`${done.actorId} ${done.domainId}/${done.class}: L${done.from} → L${done.to}`);
        });
      },
    );

  trust
    .command('promotions')
    .description('promotions the rules proposed (default: pending)')
    .option('--state <state>', 'pending, approved, rejected, superseded', 'pending')
    .action(async (o: { state: 'pending' | 'approved' | 'rejected' | 'superseded' }) => {
      const promotions = await ctx.withControlPlane((cp) =>
        cp.trust.promotions(ctx.principal, { state: o.state }),
      );
      ctx.output(promotions, () => {
        if (promotions.length === 0) ctx.print(`no ${o.state} promotions`);
        else
          ctx.printLines(
            formatTable(promotions, [
              { header: 'ID', value: (p) => p.id },
              { header: 'AGENT', value: (p) => p.actorId },
              { header: 'DOMAIN', value: (p) => p.domainId },
              { header: 'CLASS', value: (p) => p.class },
              { header: 'LEVEL', value: (p) => `L${p.from} → L${p.to}` },
              { header: 'ATTEMPTS', value: (p) => p.evidence.counts.attempts.toFixed(2) },
              { header: 'SUCCESS', value: (p) => rate(p.evidence.successRate) },
              { header: 'PROPOSED', value: (p) => p.proposedAt },
            ]),
          );
      });
    });

  for (const [verb, decision] of [
    ['approve', 'approved'],
    ['reject', 'rejected'],
  ] as const)
    trust
      .command(verb)
      .description(`${verb} a pending promotion`)
      .argument('<id>', 'promotion id')
      .option('--reason <text>', 'why', '')
      .action(async (id: string, o: { reason: string }) => {
        const done = await ctx.withControlPlane((cp) =>
          cp.trust.decidePromotion(ctx.principal, id, decision, o.reason),
        );
        ctx.output(done, () => {
          ctx.printLines(
            formatFields([
              ['promotion', done.id],
              ['agent', `${done.actorId} ${done.domainId}/${done.class}`],
              ['level', `L${done.from} → L${done.to}`],
              ['state', done.state],
            ]),
          );
        });
      });

  trust
    .command('evaluate')
    .description('fold what is new and apply the promotion rules now (the server does it itself)')
    .action(async () => {
      const done = await ctx.withControlPlane((cp) => cp.trust.evaluate());
      ctx.output(done, () => {
        ctx.print(`${done.promoted} promoted, ${done.proposed} proposed`);
      });
    });

  trust
    .command('rebuild')
    .description('fold the trust records again from the whole log (levels stay)')
    .action(async () => {
      const done = await ctx.withControlPlane((cp) => cp.trust.rebuild(ctx.principal));
      ctx.output(done, () => {
        ctx.print(`${done.records} records rebuilt`);
      });
    });

  return trust;
}
