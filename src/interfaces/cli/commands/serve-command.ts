import type { Command } from 'commander';
import { startCoordinationTimer } from '../../../runtime/coordination-timer.js';
import { startMonitoringTimer } from '../../../runtime/monitoring-timer.js';
import { startServer } from '../../http/server.js';
import { applyOrgFile, describeApplyOutcome, type ApplyOutcome } from '../apply-org-file.js';
import type { CliContext } from '../cli-context.js';
import { readOrgFile } from '../read-org-file.js';
import { parsePort } from '../parse-options.js';
import { waitForSignal } from '../wait-for-signal.js';

interface ServeOptions {
  host?: string;
  port?: number;
  apply?: string;
  bootstrapAdminToken?: boolean;
}

export function serveCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('serve')
    .description('run the HTTP API (OpenAPI docs at /docs) until interrupted')
    .option('--host <host>', 'interface to listen on (default AUTONOMY_HOST or 127.0.0.1)')
    .option(
      '--port <port>',
      'port to listen on, 0 for any free one (default AUTONOMY_PORT or 7070)',
      parsePort,
    )
    .option('--apply <file>', 'apply this organization file before serving')
    .option(
      '--bootstrap-admin-token',
      'when no admin token exists yet, create one and print it once (the quick start uses this)',
    )
    .action(async (options: ServeOptions) => {
      const config = ctx.runtimeConfig();
      const host = options.host ?? config.host;
      const port = options.port ?? config.port;
      const file = options.apply;
      const toApply = file === undefined ? null : { file, desired: await readOrgFile(file) };
      // Listen before the slow part, so a Ctrl-C during start-up still shuts down in order.
      const stop = waitForSignal();
      try {
        await ctx.withControlPlane(async (cp) => {
          let applied: ApplyOutcome | null = null;
          if (toApply !== null) {
            applied = await applyOrgFile(ctx, cp, toApply.file, toApply.desired, { dryRun: false });
            if (!ctx.json) ctx.printLines(describeApplyOutcome(applied));
          }
          const tokens = await cp.listTokens(ctx.principal);
          let hasAdmin = tokens.some((t) => t.role === 'admin' && t.revokedAt === null);
          let bootstrapToken: string | null = null;
          if (!hasAdmin && options.bootstrapAdminToken === true) {
            const issued = await cp.issueToken(ctx.principal, {
              name: 'bootstrap admin',
              role: 'admin',
            });
            bootstrapToken = issued.secret;
            hasAdmin = true;
          }

          const server = await startServer(cp, {
            host,
            port,
            bodyLimitBytes: config.bodyLimitBytes,
            logLevel: config.logLevel,
          });
          const stopCoordination = startCoordinationTimer(cp, config.timerMs, (error) => {
            server.app.log.error({ err: error }, 'coordination timer failed');
          });
          const stopMonitoring = startMonitoringTimer(cp, config.monitorMs, (error) => {
            server.app.log.error({ err: error }, 'monitoring timer failed');
          });
          // Rollups follow the log from its checkpoint: what committed while the server was
          // down is folded now, then every commit shortly after it.
          cp.performance.start();
          // Trust records follow the log the same way; promotions are evaluated as they change
          // and every ten minutes, since clean days accrue with time alone.
          cp.trust.start(600_000, (error) => {
            server.app.log.error({ err: error }, 'trust projector failed');
          });
          try {
            const docs = `${server.url}/docs`;
            ctx.output(
              {
                url: server.url,
                docs,
                dialect: cp.dialect,
                location: cp.location,
                applied,
                adminToken: hasAdmin,
                ...(bootstrapToken === null ? {} : { bootstrapAdminToken: bootstrapToken }),
              },
              () => {
                ctx.print(`autonomy listening on ${server.url} (${cp.dialect}: ${cp.location})`);
                ctx.print(`API docs: ${docs}`);
                if (bootstrapToken !== null) {
                  ctx.print(`admin token (shown once, keep it): ${bootstrapToken}`);
                }
                if (!hasAdmin) {
                  const db = ctx.dbFlag === undefined ? '' : ` --db ${ctx.dbFlag}`;
                  ctx.print(
                    `no admin token yet: create one with \`autonomy${db} token create --role admin\``,
                  );
                }
              },
            );
            const signal = await stop.received;
            if (!ctx.json) ctx.print(`${signal}: shutting down`);
          } finally {
            // The server and the timer first, so nothing reaches a closed store.
            await stopMonitoring();
            await stopCoordination();
            await server.close();
          }
        });
      } finally {
        stop.dispose();
      }
    });
}
