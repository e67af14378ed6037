import { formatDuration } from '../../core/duration.js';
import type { DetectorSettings } from '../detector-settings.js';
import type { MonitoringSnapshot } from '../monitoring-snapshot.js';
import type { Signal } from '../signal.js';
import { NO_WAKE, type Wake } from '../wake.js';
import { expectedSeconds } from './expected-seconds.js';

const ms = (iso: string) => Date.parse(iso);

/**
 * Held work that stopped moving, judged against what this work usually takes this actor (not a
 * fixed timeout): its holder has shown no sign of life (heartbeat, start, assignment) for a
 * share of the expected duration, or it has been in progress for a multiple of it.
 */
export function detectStalledWork(
  snapshot: MonitoringSnapshot,
  settings: DetectorSettings,
  wake: Wake = NO_WAKE,
): Signal[] {
  const now = snapshot.now.getTime();
  const signals: Signal[] = [];
  for (const item of snapshot.held) {
    const type = snapshot.types.get(item.typeId);
    const actor = snapshot.actors.get(item.ownerId ?? '');
    if (type === undefined || actor === undefined) continue;
    const expected = expectedSeconds(snapshot, type, item, actor.id);
    const basis =
      expected.observed > 0
        ? `learned from ${expected.observed} completed attempts`
        : 'as configured';
    // The last sign of life: a heartbeat, or the start (or assignment) of this attempt.
    const since = Math.max(
      actor.lastHeartbeatAt === null ? 0 : ms(actor.lastHeartbeatAt),
      item.startedAt === null ? ms(item.updatedAt) : ms(item.startedAt),
    );
    const quietSeconds = (now - since) / 1000;
    const quietLimit = Math.max(
      settings.stallQuietFloorSeconds,
      settings.stallQuietShare * expected.seconds,
    );
    const runningSeconds = item.startedAt === null ? 0 : (now - ms(item.startedAt)) / 1000;
    const overrunLimit = settings.overrunFactor * expected.seconds;
    let reason: string | null = null;
    if (quietSeconds > quietLimit)
      reason = `no sign of life from ${actor.id} for ${formatDuration(Math.round(quietSeconds))} (limit ${formatDuration(Math.round(quietLimit))}, ${Math.round(settings.stallQuietShare * 100)}% of the expected ${formatDuration(Math.round(expected.seconds))}, ${basis})`;
    else if (item.state === 'in_progress' && runningSeconds > overrunLimit)
      reason = `in progress for ${formatDuration(Math.round(runningSeconds))}, over ${settings.overrunFactor}× the expected ${formatDuration(Math.round(expected.seconds))} (${basis})`;
    if (reason === null) {
      // Limits are exceeded strictly: the first millisecond past each.
      wake(since + quietLimit * 1000 + 1);
      if (item.state === 'in_progress' && item.startedAt !== null)
        wake(ms(item.startedAt) + overrunLimit * 1000 + 1);
      continue;
    }
    signals.push({
      labels: {
        alertname: 'WorkStalled',
        severity: 'warning',
        domain: type.domainId,
        work_type: type.id,
        actor: actor.id,
        work: item.id,
      },
      summary: `'${item.title}' is stalled: ${reason}`,
      details: {
        state: item.state,
        quietSeconds: Math.round(quietSeconds),
        quietLimitSeconds: Math.round(quietLimit),
        runningSeconds: Math.round(runningSeconds),
        expectedSeconds: Math.round(expected.seconds),
        learnedFrom: expected.observed,
        lastHeartbeatAt: actor.lastHeartbeatAt,
      },
    });
  }
  return signals;
}
