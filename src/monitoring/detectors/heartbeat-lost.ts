import { formatDuration } from '../../core/duration.js';
import type { DetectorSettings } from '../detector-settings.js';
import type { MonitoringSnapshot } from '../monitoring-snapshot.js';
import type { Signal } from '../signal.js';
import { NO_WAKE, type Wake } from '../wake.js';

/**
 * An actor that sends heartbeats, holds work and has gone silent: it has probably crashed or
 * lost its connection. Actors that never sent one (people working in the dashboard) are not
 * judged by it. An actor already marked offline has had its work taken back by coordination.
 */
export function detectHeartbeatLost(
  snapshot: MonitoringSnapshot,
  settings: DetectorSettings,
  wake: Wake = NO_WAKE,
): Signal[] {
  const signals: Signal[] = [];
  for (const actor of snapshot.actors.values()) {
    if (actor.lastHeartbeatAt === null || actor.status === 'offline') continue;
    const held = snapshot.heldBy.get(actor.id) ?? 0;
    if (held === 0) continue;
    const silentSeconds = (snapshot.now.getTime() - Date.parse(actor.lastHeartbeatAt)) / 1000;
    if (silentSeconds <= settings.heartbeatTimeoutSeconds) {
      wake(Date.parse(actor.lastHeartbeatAt) + settings.heartbeatTimeoutSeconds * 1000 + 1);
      continue;
    }
    signals.push({
      labels: {
        alertname: 'HeartbeatLost',
        severity: 'critical',
        actor: actor.id,
        ...(actor.domains[0] === undefined ? {} : { domain: actor.domains[0] }),
      },
      summary: `${actor.id} sent no heartbeat for ${formatDuration(Math.round(silentSeconds))} (limit ${formatDuration(settings.heartbeatTimeoutSeconds)}) while holding ${held} work item${held === 1 ? '' : 's'}`,
      details: {
        lastHeartbeatAt: actor.lastHeartbeatAt,
        silentSeconds: Math.round(silentSeconds),
        held,
      },
    });
  }
  return signals;
}
