import { Option, type Command } from 'commander';
import { ACTOR_STATUSES, type Actor, type ActorStatus } from '../../../core/model.js';
import type { CliContext } from '../cli-context.js';
import { formatTable } from '../format-table.js';

interface ListOptions {
  kind?: Actor['kind'];
  status?: ActorStatus;
}

const formatSkills = (skills: Actor['skills']) =>
  Object.entries(skills)
    .map(([skill, level]) => `${skill}:${level}`)
    .join(' ');

export function actorCommand(program: Command, ctx: CliContext): Command {
  const actor = program.command('actor').description('the humans and agents of the organization');
  actor
    .command('list')
    .description('list actors with their skills, capacity and status')
    .addOption(
      new Option('--kind <kind>', 'only humans or only agents').choices(['human', 'agent']),
    )
    .addOption(
      new Option('--status <status>', 'only actors with this status').choices(ACTOR_STATUSES),
    )
    .action(async (options: ListOptions) => {
      const actors = await ctx.withControlPlane((cp) =>
        cp.listActors(ctx.principal, { kind: options.kind, status: options.status }),
      );
      ctx.output(actors, () => {
        if (actors.length === 0) {
          ctx.print('no actors (apply an organization file with `autonomy apply -f <file>`)');
          return;
        }
        ctx.printLines(
          formatTable(actors, [
            { header: 'ID', value: (a) => a.id },
            { header: 'KIND', value: (a) => a.kind },
            { header: 'NAME', value: (a) => a.name, maxWidth: 28 },
            { header: 'STATUS', value: (a) => a.status },
            { header: 'CAPACITY', value: (a) => String(a.capacity), align: 'right' },
            { header: 'DOMAINS', value: (a) => a.domains.join(',') },
            { header: 'SKILLS', value: (a) => formatSkills(a.skills) },
          ]),
        );
      });
    });
  return actor;
}
