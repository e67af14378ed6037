import { formatDuration } from '../../core/duration.js';
import type { DetectorSettings } from '../detector-settings.js';
import type { MonitoringSnapshot } from '../monitoring-snapshot.js';
import type { Signal } from '../signal.js';

/**
 * Arrivals outpacing completions: a work type's open backlog (everything not yet done, failed
 * or cancelled) grew over the window by at least a number of items and a share of where it
 * started. Judged only once samples cover half the window, so a restart raises nothing early.
 */
export function detectBacklogGrowth(
  snapshot: MonitoringSnapshot,
  settings: DetectorSettings,
): Signal[] {
  const first = snapshot.backlog[0];
  const last = snapshot.backlog[snapshot.backlog.length - 1];
  if (first === undefined || last === undefined) return [];
  const spanSeconds = (last.at - first.at) / 1000;
  if (spanSeconds < settings.backlogWindowSeconds / 2) return [];
  const signals: Signal[] = [];
  for (const [typeId, open] of last.open) {
    const before = first.open.get(typeId) ?? 0;
    const growth = open - before;
    if (growth < settings.backlogMinGrowth || growth < settings.backlogMinShare * before) continue;
    const type = snapshot.types.get(typeId);
    if (type === undefined) continue;
    const perHour = Math.round((growth / spanSeconds) * 3600);
    signals.push({
      labels: {
        alertname: 'BacklogGrowing',
        severity: 'warning',
        domain: type.domainId,
        work_type: typeId,
      },
      summary: `${typeId}: open work grew from ${before} to ${open} in ${formatDuration(Math.round(spanSeconds))}; arrivals outpace completions by about ${perHour} an hour`,
      details: { before, open, growth, spanSeconds: Math.round(spanSeconds), perHour },
    });
  }
  return signals;
}
