import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `vite build` writes the dashboard: `web/dist` at the repository root. */
export const DASHBOARD_ROOT = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** Paths the server answers itself: never the dashboard's, even when nothing matches there. */
const SERVER_PATHS = /^\/(?:v1|docs|mcp|metrics|healthz|readyz|assets)(?:[/?]|$)/;

/**
 * Serves the built dashboard at `/` when `root` holds one (the API works without it). Hashed
 * bundles under `/assets` are cached for good; `index.html` is revalidated on every load, so a new
 * build is picked up at once.
 * @returns whether the dashboard is served.
 */
export async function serveDashboard(app: FastifyInstance, root: string): Promise<boolean> {
  if (!existsSync(join(root, 'index.html'))) return false;
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    cacheControl: false,
    setHeaders: (reply: FastifyReply, path: string) => {
      void reply.header(
        'cache-control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  return true;
}

/**
 * A page of the dashboard's own routing (`/work/…`, `/exceptions`), which the browser asks the
 * server for on a reload or a shared link: answered with `index.html`, which routes on the client.
 * Only a request that accepts HTML is a page: an API client asking for a path that does not exist
 * still gets its 404 problem.
 */
export function isDashboardRoute(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (!(request.headers.accept ?? '').includes('text/html')) return false;
  const path = request.url.split('?')[0] ?? '';
  if (SERVER_PATHS.test(path)) return false;
  // A missing file (`/favicon.ico`) is a 404, not a page.
  const last = path.split('/').at(-1) ?? '';
  return !last.includes('.');
}

/** Answers a dashboard route with the app's entry page. */
export function sendDashboard(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-cache').sendFile('index.html');
}
