import type { AttemptRecord, StoredEvent } from '../core/events.js';
import { accumulateWorkStats } from '../core/accumulate-work-stats.js';
import type { WorkObservation, WorkStats } from '../core/ports/work-stats-store.js';

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
