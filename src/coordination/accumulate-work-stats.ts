import type { AttemptRecord, StoredEvent } from '../core/events.js';
import type { WorkObservation, WorkStats } from '../core/ports/work-stats-store.js';

/**
 * One observation added to learned figures, exactly as `WorkStatsStore.record` does it (the
 * store does it in one statement, so that concurrent records lose nothing): the reference for
 * stores kept in memory and for rebuilding the figures from the event log.
 */
export function accumulateWorkStats(
  previous: WorkStats | null,
  key: { typeId: string; actorId: string | null },
  observation: WorkObservation,
): WorkStats {
  const completed = observation.outcome === 'completed';
  const measured = completed && observation.durationSeconds !== null;
  const durationDecay = measured ? observation.decay : 1;
  return {
    typeId: key.typeId,
    actorId: key.actorId,
    completions: (previous?.completions ?? 0) + (completed ? 1 : 0),
    failures: (previous?.failures ?? 0) + (completed ? 0 : 1),
    durationWeight: (previous?.durationWeight ?? 0) * durationDecay + (measured ? 1 : 0),
    durationSum:
      (previous?.durationSum ?? 0) * durationDecay +
      (measured ? (observation.durationSeconds ?? 0) : 0),
    successWeight: (previous?.successWeight ?? 0) * observation.decay + (completed ? 1 : 0),
    failureWeight: (previous?.failureWeight ?? 0) * observation.decay + (completed ? 0 : 1),
    updatedAt: observation.at,
  };
}

/**
 * The learned figures rebuilt from the event log alone: every `coordination.work.completed` and
 * `coordination.work.failed` event carries the attempt it ended, and folding them in sequence
 * order with the decay gives what the store holds. Events written before learning existed
 * carry no attempt and are skipped.
 */
export function rebuildWorkStats(events: Iterable<StoredEvent>, decay: number): WorkStats[] {
  const figures = new Map<string, WorkStats>();
  for (const event of events) {
    const outcome =
      event.type === 'coordination.work.completed'
        ? 'completed'
        : event.type === 'coordination.work.failed'
          ? 'failed'
          : null;
    const attempt = (event.payload as { attempt?: AttemptRecord } | null)?.attempt;
    if (outcome === null || attempt === undefined) continue;
    const observation: WorkObservation = {
      typeId: attempt.typeId,
      actorId: attempt.actorId,
      outcome,
      durationSeconds: attempt.durationSeconds,
      decay,
      at: event.time,
    };
    for (const actorId of [null, attempt.actorId]) {
      const key = `${attempt.typeId}\u0000${actorId ?? ''}`;
      figures.set(
        key,
        accumulateWorkStats(
          figures.get(key) ?? null,
          { typeId: attempt.typeId, actorId },
          observation,
        ),
      );
    }
  }
  return [...figures.values()];
}
