import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../core/errors.js';
import type { ControlPlane } from '../../runtime/control-plane.js';
import type { RuntimeConfig } from '../../runtime/runtime-config.js';
import { authenticateRequest, principalOf } from './authenticate-request.js';
import { sendProblem, toDomainError } from './problem.js';
import { eventRoutes } from './routes/event-routes.js';
import { registerMcpRoutes } from '../mcp/mcp-routes.js';
import { metricRoutes } from './routes/metric-routes.js';
import { monitoringRoutes } from './routes/monitoring-routes.js';
import { supervisionRoutes } from './routes/supervision-routes.js';
import { approvalRoutes } from './routes/approval-routes.js';
import { trustRoutes } from './routes/trust-routes.js';
import { controlRoutes } from './routes/control-routes.js';
import { organizationRoutes } from './routes/organization-routes.js';
import { performanceRoutes } from './routes/performance-routes.js';
import { prometheusText } from './prometheus-text.js';
import {
  DASHBOARD_ROOT,
  isDashboardRoute,
  sendDashboard,
  serveDashboard,
} from './serve-dashboard.js';
import { outcomeRoutes } from './routes/outcome-routes.js';
import { tokenRoutes } from './routes/token-routes.js';
import { workRoutes } from './routes/work-routes.js';

export type ServerOptions = Pick<RuntimeConfig, 'bodyLimitBytes' | 'logLevel'> & {
  /** The built dashboard to serve at `/` (default `web/dist`); null serves none. */
  webRoot?: string | null;
};

const API_DESCRIPTION = `The control plane of a self-managing organization.

Every /v1 request needs \`Authorization: Bearer <token>\` (create one with \`autonomy token create\`).
Roles: **admin** (everything, including tokens and configuration), **operator** (all work and actors),
**agent** (acts only as its own actor), **viewer** (reads only).
Errors are RFC 9457 \`application/problem+json\`; \`errors[].path\` names each offending field.
Unknown fields are rejected.`;

/** The HTTP interface: `/v1` API, `/docs` (OpenAPI 3.1), `/healthz`, `/readyz`. */
export async function buildServer(
  cp: ControlPlane,
  options: ServerOptions,
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: options.logLevel },
    bodyLimit: options.bodyLimitBytes,
    // Ids up to the 200 characters idParams allows must reach the route (the router's default stops at 100).
    routerOptions: { maxParamLength: 200 },
    // Errors the router raises before any route (bad URL encoding, overlong ids) are problems too.
    frameworkErrors: (error, request, reply) => void sendProblem(error, request, reply),
    // Per-request lines only when debugging; failures are logged by the problem handler.
    logController: new LogController({
      disableRequestLogging: options.logLevel !== 'debug' && options.logLevel !== 'trace',
    }),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', null);
  app.setErrorHandler(async (error, request, reply) => {
    // Every refused attempt of a token is audited; a failure to record it never hides the answer.
    await cp
      .recordRefusal(
        request.principal,
        'http',
        `${request.method} ${request.routeOptions.url ?? request.url}`,
        toDomainError(error),
      )
      .catch((failure: unknown) => {
        request.log.error({ err: failure }, 'recording a refusal failed');
      });
    await sendProblem(error, request, reply);
  });
  let dashboard = false;
  app.setNotFoundHandler((request, reply) =>
    dashboard && isDashboardRoute(request)
      ? sendDashboard(reply)
      : sendProblem(
          new DomainError(
            'not_found',
            `no route ${request.method} ${request.url.split('?')[0] ?? ''}`,
          ),
          request,
          reply,
        ),
  );

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'autonomy', version: '0.1.0', description: API_DESCRIPTION },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
      tags: [
        { name: 'work', description: 'Work items and their state machine' },
        { name: 'actors', description: 'Humans and agents' },
        {
          name: 'organization',
          description: 'Domains, work types and the configuration applied as code',
        },
        {
          name: 'monitoring',
          description:
            'Exceptions raised by detectors and integrations, routed to owners and escalated; silences; inboxes; metric series watched for anomalies',
        },
        {
          name: 'supervision',
          description:
            'What agents may do: authority decisions, approvals bound to the exact action, custom actions recorded, halts (one agent, a domain, everything) and their lifting',
        },
        {
          name: 'performance',
          description:
            'SLOs (OpenSLO) with error budgets and burn-rate alerts; objectives and key results with progress and forecasts',
        },
        { name: 'events', description: 'The hash-chained event log' },
        { name: 'access', description: 'API tokens' },
        { name: 'health', description: 'Liveness and readiness' },
      ],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'The process is alive',
        security: [],
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'The store answers',
        security: [],
        response: { 200: z.object({ status: z.literal('ready'), dialect: z.string() }) },
      },
    },
    async () => {
      try {
        await cp.organization();
      } catch (error) {
        throw new DomainError('unavailable', 'the store does not answer', { cause: error });
      }
      return { status: 'ready' as const, dialect: cp.dialect };
    },
  );

  await app.register(
    async (v1) => {
      v1.addHook('onRequest', async (request) => {
        request.principal = await authenticateRequest(cp, request);
      });
      await v1.register(workRoutes(cp));
      await v1.register(organizationRoutes(cp));
      await v1.register(tokenRoutes(cp));
      await v1.register(eventRoutes(cp));
      await v1.register(monitoringRoutes(cp));
      await v1.register(metricRoutes(cp));
      await v1.register(supervisionRoutes(cp));
      await v1.register(approvalRoutes(cp));
      await v1.register(trustRoutes(cp));
      await v1.register(controlRoutes(cp));
      await v1.register(performanceRoutes(cp));
      await v1.register(outcomeRoutes(cp));
    },
    { prefix: '/v1' },
  );
  // Prometheus scrapes at the conventional path, with a bearer token like every read.
  // eslint-disable-next-line @typescript-eslint/require-await -- Fastify plugins are async by contract
  await app.register(async (scrape) => {
    scrape.addHook('onRequest', async (request) => {
      request.principal = await authenticateRequest(cp, request);
    });
    scrape.get(
      '/metrics',
      {
        schema: {
          tags: ['performance'],
          summary: 'Prometheus exposition of the built-in metrics and custom series',
          description:
            'Every built-in counter as `autonomy_<name>` (its total since the log began, labelled by domain, work_type, actor and actor_kind where they apply), `autonomy_work_in_progress` now, and the derived KPIs over the last 24 hours per domain as gauges (`autonomy_sla_attainment`, `autonomy_lead_time_p90_seconds`, …). Custom series posted to `POST /v1/metrics` follow under their own names and labels: a counter as its total since the log began, a gauge as its latest point. Scrape with `authorization: { credentials: <token> }`.',
        },
      },
      async (request, reply) => {
        const { text, contentType } = await prometheusText(
          await cp.performance.exportSeries(principalOf(request)),
        );
        return reply
          .type(contentType)
          .serializer((body: string) => body)
          .send(text);
      },
    );
  });
  registerMcpRoutes(app, cp);
  const webRoot = options.webRoot === undefined ? DASHBOARD_ROOT : options.webRoot;
  if (webRoot !== null) dashboard = await serveDashboard(app, webRoot);
  await app.ready();
  return app;
}

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function startServer(
  cp: ControlPlane,
  options: ServerOptions & Pick<RuntimeConfig, 'host' | 'port'>,
): Promise<RunningServer> {
  const app = await buildServer(cp, options);
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return { url: `http://${host}:${port}`, app, close: () => app.close() };
}
