import { stageRequirements } from '../../coordination/stage-requirements.js';
import { formatDuration } from '../../core/duration.js';
import type { MonitoringSnapshot } from '../monitoring-snapshot.js';
import type { Signal } from '../signal.js';
import { NO_WAKE, type Wake } from '../wake.js';
import { expectedSeconds } from './expected-seconds.js';

/**
 * Open work that will miss its deadline, raised before it does: the predicted completion is now
 * plus what remains of the expected duration (for its holder, if it has one; the rest of its
 * stages for staged work); queued work cannot finish sooner than its whole remaining duration.
 * Past the deadline, the breach itself is raised (critical).
 */
export function detectSlaRisk(
  snapshot: MonitoringSnapshot,
  _settings?: unknown,
  wake: Wake = NO_WAKE,
): Signal[] {
  const now = snapshot.now.getTime();
  const signals: Signal[] = [];
  for (const item of snapshot.dueSoon) {
    if (item.dueAt === null || item.state === 'paused') continue;
    const type = snapshot.types.get(item.typeId);
    if (type === undefined) continue;
    const due = Date.parse(item.dueAt);
    const stages = stageRequirements(type, item.stageId);
    const step = expectedSeconds(snapshot, type, item, item.ownerId);
    // What the later stages add to the current step.
    const later =
      stages.stage === null ? 0 : stages.remainingSeconds - stages.stage.expectedDurationSeconds;
    const elapsed =
      item.state === 'in_progress' && item.startedAt !== null
        ? (now - Date.parse(item.startedAt)) / 1000
        : 0;
    const remaining = Math.max(0, step.seconds - elapsed) + later;
    const predicted = now + remaining * 1000;
    // At risk once the predicted end passes the deadline: for work not started, the whole
    // remaining duration before it; in progress, the current step's prediction holds still
    // until the step overruns, then only the later stages stand before the deadline. A risk
    // becomes a breach the moment the deadline passes.
    wake(due - (later + (item.state === 'in_progress' ? 0 : step.seconds)) * 1000 + 1);
    wake(due + 1);
    const labels = {
      alertname: now > due ? 'SlaBreached' : 'SlaAtRisk',
      severity: now > due ? ('critical' as const) : ('warning' as const),
      domain: type.domainId,
      work_type: type.id,
      work: item.id,
    };
    const details = {
      state: item.state,
      dueAt: item.dueAt,
      predictedCompletionAt: new Date(predicted).toISOString(),
      remainingSeconds: Math.round(remaining),
      ownerId: item.ownerId,
    };
    if (now > due)
      signals.push({
        labels,
        summary: `'${item.title}' missed its deadline ${formatDuration(Math.round((now - due) / 1000))} ago (${item.state})`,
        details,
      });
    else if (predicted > due)
      signals.push({
        labels,
        summary: `'${item.title}' is predicted to finish ${formatDuration(Math.round((predicted - due) / 1000))} after its deadline: ${formatDuration(Math.round(remaining))} of work left (${item.state}${item.ownerId === null ? '' : `, ${item.ownerId}`}), due in ${formatDuration(Math.round((due - now) / 1000))}`,
        details,
      });
  }
  return signals;
}
