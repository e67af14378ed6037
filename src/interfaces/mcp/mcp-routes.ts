import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance } from 'fastify';
import type { ControlPlane } from '../../runtime/control-plane.js';
import { authenticateRequest } from '../http/authenticate-request.js';
import { asAgent, createMcpServer } from './create-mcp-server.js';

/**
 * MCP over Streamable HTTP at `/mcp`, stateless: each request carries the agent's bearer token
 * and gets a server of its own, so any node can answer any request and a revoked token or a
 * halt is in force on the very next call. Answers are JSON (no stream to hold open).
 */
export function registerMcpRoutes(app: FastifyInstance, cp: ControlPlane): void {
  // Stateless: no stream to open (GET) and no session to end (DELETE), as the protocol allows.
  app.route({
    method: ['GET', 'DELETE'],
    url: '/mcp',
    schema: { hide: true },
    handler: async (_request, reply) =>
      reply
        .status(405)
        .header('allow', 'POST')
        .send({ error: 'use POST: this MCP server is stateless' }),
  });
  app.route({
    method: 'POST',
    url: '/mcp',
    schema: { hide: true },
    handler: async (request, reply) => {
      const agent = asAgent(await authenticateRequest(cp, request));
      const server = createMcpServer(cp, agent);
      // No session id generator: stateless, nothing held between requests.
      const transport = new StreamableHTTPServerTransport({ enableJsonResponse: true });
      reply.hijack();
      reply.raw.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(request.raw, reply.raw, request.body);
    },
  });
}
