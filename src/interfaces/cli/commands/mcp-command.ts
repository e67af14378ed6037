import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Command } from 'commander';
import { DomainError } from '../../../core/errors.js';
import { asAgent, createMcpServer } from '../../mcp/create-mcp-server.js';
import { refuseRevoked } from '../../mcp/refuse-revoked.js';
import type { CliContext } from '../cli-context.js';

/**
 * `autonomy mcp`: the MCP server on stdin/stdout for one agent, as an MCP client (an agent
 * runtime) launches it. It works on the database directly, beside a running `serve` (which
 * runs the timers), and stops when the client closes the stream.
 */
export function mcpCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('mcp')
    .description('serve MCP on stdin/stdout as one agent (its token: --token or AUTONOMY_TOKEN)')
    .option('--token <secret>', 'the agent token (default AUTONOMY_TOKEN)')
    .action(async (options: { token?: string }) => {
      const secret = options.token ?? process.env.AUTONOMY_TOKEN;
      if (secret === undefined || secret === '')
        throw new DomainError('validation_failed', 'an agent token is needed', {
          issues: [{ path: 'token', message: 'give --token or set AUTONOMY_TOKEN' }],
        });
      await ctx.withControlPlane(async (cp) => {
        const principal = await cp.authenticate(secret);
        if (principal === null)
          throw new DomainError('unauthenticated', 'unknown or revoked token');
        const server = createMcpServer(cp, asAgent(principal));
        const closed = new Promise<void>((resolve) => {
          server.server.onclose = resolve;
        });
        const transport = new StdioServerTransport();
        await server.connect(transport);
        // Revoking the token ends this agent's access at its next request, not its next start.
        refuseRevoked(transport, async () => (await cp.authenticate(secret)) !== null);
        await closed;
      });
    });
}
