import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../../core/errors.js';
import { TOKEN_ROLES } from '../../../core/model.js';
import { principalName } from '../../../core/principal.js';
import type { ControlPlane } from '../../../runtime/control-plane.js';
import { principalOf } from '../authenticate-request.js';
import { idParams, tokenSchema } from '../schemas.js';

export const tokenRoutes =
  (cp: ControlPlane): FastifyPluginAsyncZod =>
  // eslint-disable-next-line @typescript-eslint/require-await -- Fastify plugins are async by contract
  async (app) => {
    app.get(
      '/me',
      {
        schema: {
          tags: ['access'],
          summary: 'Who the token is: its role and the actor it acts as',
          description:
            'What a client needs to adapt itself to the token it holds (the dashboard hides write controls from a viewer). Any valid token may ask; the API enforces the role on every request regardless.',
          response: {
            200: z.object({
              tokenId: z.string(),
              role: z.enum(TOKEN_ROLES),
              actorId: z.string().nullable().describe('the actor an agent token acts as'),
              name: z.string().describe('the name its events are recorded under'),
              canWrite: z.boolean().describe('false for a viewer: it may only read'),
            }),
          },
        },
      },
      (request) => {
        const principal = principalOf(request);
        if (principal.kind !== 'token')
          throw new DomainError('unauthenticated', 'only an API token has an identity here');
        return {
          tokenId: principal.tokenId,
          role: principal.role,
          actorId: principal.actorId,
          name: principalName(principal),
          canWrite: principal.role !== 'viewer',
        };
      },
    );

    app.post(
      '/tokens',
      {
        schema: {
          tags: ['access'],
          summary:
            'Create an API token (admin); the secret is returned once, only its hash is stored',
          body: z.strictObject({
            name: z.string().min(1).max(200),
            role: z.enum(TOKEN_ROLES),
            actorId: z
              .string()
              .min(1)
              .optional()
              .describe('required for role agent: the actor the token acts as'),
          }),
          response: {
            201: tokenSchema.extend({
              token: z.string().describe('the bearer secret; shown once'),
            }),
          },
        },
      },
      async (request, reply) => {
        const issued = await cp.issueToken(principalOf(request), request.body);
        return reply.status(201).send({ ...issued.token, token: issued.secret });
      },
    );
    app.get(
      '/tokens',
      {
        schema: {
          tags: ['access'],
          summary: 'List tokens (admin); secrets are never shown',
          response: { 200: z.object({ items: z.array(tokenSchema) }) },
        },
      },
      async (request) => ({ items: await cp.listTokens(principalOf(request)) }),
    );
    app.delete(
      '/tokens/:id',
      {
        schema: {
          tags: ['access'],
          summary: 'Revoke a token (admin): refused from its very next request, HTTP or MCP',
          description:
            'Every request authenticates against the stored token, so the next one with it answers 401 — over HTTP, over MCP on the server, and from the next tool call of an `autonomy mcp` process. Recorded as `core.token.revoked` with who revoked it and, if given, why (optional JSON body `{ "reason": "…" }`). Revoking a revoked token changes nothing.',
          params: idParams,
          body: z
            .strictObject({ reason: z.string().min(1).max(2000).describe('why, for the record') })
            .nullish(),
          response: { 200: tokenSchema },
        },
      },
      async (request) =>
        cp.revokeToken(principalOf(request), request.params.id, request.body?.reason),
    );
  };
