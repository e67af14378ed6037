import type { WorkObservation, WorkStats } from './ports/work-stats-store.js';

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
