import type { MonitoringSnapshot } from '../monitoring-snapshot.js';
import type { Signal } from '../signal.js';

/**
 * Blocked work that can never start: an item it waits on failed for good or was cancelled, so
 * the dependency will not complete by itself. (Cycles are refused when a dependency is added.)
 */
export function detectDependencyDeadlock(snapshot: MonitoringSnapshot): Signal[] {
  const signals: Signal[] = [];
  for (const item of snapshot.blocked) {
    const type = snapshot.types.get(item.typeId);
    if (type === undefined) continue;
    const dead = item.dependsOn
      .map((id) => snapshot.prerequisites.get(id))
      .filter((p) => p !== undefined && (p.state === 'failed' || p.state === 'cancelled'));
    if (dead.length === 0) continue;
    signals.push({
      labels: {
        alertname: 'DependencyDeadlock',
        severity: 'warning',
        domain: type.domainId,
        work_type: type.id,
        work: item.id,
      },
      summary: `'${item.title}' waits on ${dead.map((p) => `${p?.id ?? ''} (${p?.state ?? ''})`).join(', ')}, which will not complete; remove the dependency, retry or replace it`,
      details: { waitingOn: dead.map((p) => ({ id: p?.id, state: p?.state })) },
    });
  }
  return signals;
}
