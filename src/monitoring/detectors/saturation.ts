import { skillGaps } from '../../coordination/skill-gaps.js';
import { stageRequirements } from '../../coordination/stage-requirements.js';
import { formatDuration } from '../../core/duration.js';
import type { DetectorSettings } from '../detector-settings.js';
import type { MonitoringSnapshot } from '../monitoring-snapshot.js';
import type { Signal } from '../signal.js';
import { expectedSeconds } from './expected-seconds.js';

/**
 * A queue nobody can take from: its oldest item has waited a share of its expected duration and
 * every actor with the skills is full, away or offline — or nobody has the skills at all.
 */
export function detectSaturation(
  snapshot: MonitoringSnapshot,
  settings: DetectorSettings,
): Signal[] {
  const now = snapshot.now.getTime();
  const signals: Signal[] = [];
  for (const { item, queued } of snapshot.queueHeads) {
    const type = snapshot.types.get(item.typeId);
    if (type === undefined) continue;
    const { requiredSkills, stage } = stageRequirements(type, item.stageId);
    const waitedSeconds = (now - Date.parse(item.updatedAt)) / 1000;
    const expected = expectedSeconds(snapshot, type, item, null).seconds;
    if (waitedSeconds <= settings.saturationWaitShare * expected) continue;
    const eligible = [...snapshot.actors.values()].filter(
      (a) => skillGaps(a.skills, requiredSkills).length === 0,
    );
    const free = eligible.filter(
      (a) => a.status === 'available' && (snapshot.heldBy.get(a.id) ?? 0) < a.capacity,
    );
    if (free.length > 0) continue;
    const queue = stage === null ? type.id : `${type.id} (${stage.id})`;
    const why =
      eligible.length === 0
        ? `nobody has the skills (${Object.entries(requiredSkills)
            .map(([s, l]) => `${s} ${l}`)
            .join(', ')})`
        : `all ${eligible.length} eligible actors are full or unavailable (${eligible
            .map(
              (a) =>
                `${a.id} ${a.status === 'available' ? `${snapshot.heldBy.get(a.id) ?? 0}/${a.capacity}` : a.status}`,
            )
            .join(', ')})`;
    signals.push({
      labels: {
        alertname: 'NoEligibleCapacity',
        severity: eligible.length === 0 ? 'critical' : 'warning',
        domain: type.domainId,
        work_type: type.id,
        ...(stage === null ? {} : { stage: stage.id }),
      },
      summary: `${queue}: ${queued} queued, the oldest for ${formatDuration(Math.round(waitedSeconds))}, and ${why}`,
      details: {
        queued,
        oldest: item.id,
        waitedSeconds: Math.round(waitedSeconds),
        eligible: eligible.map((a) => ({
          id: a.id,
          status: a.status,
          held: snapshot.heldBy.get(a.id) ?? 0,
          capacity: a.capacity,
        })),
      },
    });
  }
  return signals;
}
