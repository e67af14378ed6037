import type { MonitoringSnapshot } from '../monitoring-snapshot.js';
import type { Signal } from '../signal.js';

/** Work that failed on as many attempts as its type allows: nobody will pick it up again. */
export function detectRetriesExhausted(snapshot: MonitoringSnapshot): Signal[] {
  return snapshot.exhausted.flatMap((item): Signal[] => {
    const type = snapshot.types.get(item.typeId);
    if (type === undefined) return [];
    return [
      {
        labels: {
          alertname: 'RetriesExhausted',
          severity: 'critical',
          domain: type.domainId,
          work_type: type.id,
          work: item.id,
        },
        summary: `'${item.title}' failed ${item.attempts} times (${item.failedBy.join(', ')}); retry or cancel it`,
        details: {
          attempts: item.attempts,
          maxAttempts: type.maxAttempts,
          failedBy: item.failedBy,
        },
      },
    ];
  });
}
