import type { ControlPlane } from '../../runtime/control-plane.js';
import { startCoordinationTimer } from '../../runtime/coordination-timer.js';
import { startMonitoringTimer } from '../../runtime/monitoring-timer.js';
import type { RuntimeConfig } from '../../runtime/runtime-config.js';
import { startServer } from '../http/server.js';

export interface Serving {
  url: string;
  /** Stops the timers, then the server, so nothing reaches a closed store. */
  close(): Promise<void>;
}

/**
 * The control plane at work: the HTTP server (with MCP) listening, the coordination and
 * monitoring timers running, and the rollups following the log. What `serve` and `demo` run.
 */
export async function startServing(
  cp: ControlPlane,
  config: Pick<
    RuntimeConfig,
    'host' | 'port' | 'bodyLimitBytes' | 'logLevel' | 'timerMs' | 'monitorMs'
  >,
): Promise<Serving> {
  const server = await startServer(cp, {
    host: config.host,
    port: config.port,
    bodyLimitBytes: config.bodyLimitBytes,
    logLevel: config.logLevel,
  });
  const stopCoordination = startCoordinationTimer(cp, config.timerMs, (error) => {
    server.app.log.error({ err: error }, 'coordination timer failed');
  });
  const stopMonitoring = startMonitoringTimer(cp, config.monitorMs, (error) => {
    server.app.log.error({ err: error }, 'monitoring timer failed');
  });
  // Rollups follow the log from its checkpoint: what committed while the server was down is
  // folded now, then every commit shortly after it.
  cp.performance.start();
  // Trust records follow the log the same way; promotions are evaluated as they change and
  // every ten minutes, since clean days accrue with time alone.
  cp.trust.start(600_000, (error) => {
    server.app.log.error({ err: error }, 'trust projector failed');
  });
  return {
    url: server.url,
    async close() {
      await stopMonitoring();
      await stopCoordination();
      await server.close();
    },
  };
}
