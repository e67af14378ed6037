import { Option, type Command } from 'commander';
import { TOKEN_ROLES, type TokenRole } from '../../../core/model.js';
import type { CliContext } from '../cli-context.js';
import { formatTable } from '../format-table.js';

interface CreateOptions {
  role: TokenRole;
  actor?: string;
  name?: string;
}

export function tokenCommand(program: Command, ctx: CliContext): Command {
  const token = program.command('token').description('API tokens for the HTTP API and agents');

  token
    .command('create')
    .description('create a bearer token; its secret is printed once and never stored')
    .addOption(
      new Option('--role <role>', 'what the token may do')
        .choices(TOKEN_ROLES)
        .makeOptionMandatory(),
    )
    .option('--actor <id>', 'the actor the token acts as (required for agent tokens)')
    .option('--name <name>', 'a label to recognize the token by (default: role and actor)')
    .action(async (options: CreateOptions) => {
      const name =
        options.name ??
        (options.actor === undefined ? options.role : `${options.role}:${options.actor}`);
      const { token: created, secret } = await ctx.withControlPlane((cp) =>
        cp.issueToken(ctx.principal, { name, role: options.role, actorId: options.actor }),
      );
      ctx.output(
        {
          id: created.id,
          name: created.name,
          role: created.role,
          actorId: created.actorId,
          token: secret,
        },
        () => {
          ctx.print(
            `created ${created.role} token ${created.id}${created.actorId === null ? '' : ` acting as ${created.actorId}`}`,
          );
          ctx.print(secret);
          ctx.print('Store it now: only its hash is kept, so it will not be shown again.');
        },
      );
    });

  token
    .command('list')
    .description('list tokens (never their secrets)')
    .action(async () => {
      const tokens = await ctx.withControlPlane((cp) => cp.listTokens(ctx.principal));
      ctx.output(tokens, () => {
        if (tokens.length === 0) {
          ctx.print('no tokens (create one with `autonomy token create --role admin`)');
          return;
        }
        ctx.printLines(
          formatTable(tokens, [
            { header: 'ID', value: (t) => t.id },
            { header: 'NAME', value: (t) => t.name, maxWidth: 32 },
            { header: 'ROLE', value: (t) => t.role },
            { header: 'ACTOR', value: (t) => t.actorId ?? '-' },
            { header: 'CREATED', value: (t) => t.createdAt },
            {
              header: 'STATUS',
              value: (t) => (t.revokedAt === null ? 'active' : `revoked ${t.revokedAt}`),
            },
          ]),
        );
      });
    });

  token
    .command('revoke')
    .description('revoke a token; requests with it are refused from the very next one')
    .argument('<id>', 'token id')
    .option('--reason <text>', 'why, recorded with the revocation')
    .action(async (id: string, options: { reason?: string }) => {
      const revoked = await ctx.withControlPlane((cp) =>
        cp.revokeToken(ctx.principal, id, options.reason),
      );
      ctx.output(revoked, () => {
        ctx.print(`revoked token ${revoked.id} (${revoked.name}) at ${revoked.revokedAt ?? '?'}`);
      });
    });

  return token;
}
