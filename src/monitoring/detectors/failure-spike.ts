import { estimateActor, estimateType } from '../../coordination/estimate-work.js';
import { formatDuration } from '../../core/duration.js';
import type { DetectorSettings } from '../detector-settings.js';
import { statsKey, type MonitoringSnapshot, type RecentAttempt } from '../monitoring-snapshot.js';
import type { Signal } from '../signal.js';

interface Tally {
  failures: number;
  attempts: number;
}

function tally(attempts: readonly RecentAttempt[], key: (a: RecentAttempt) => string) {
  const tallies = new Map<string, Tally>();
  for (const attempt of attempts) {
    const k = key(attempt);
    const t = tallies.get(k) ?? { failures: 0, attempts: 0 };
    t.attempts++;
    if (attempt.failed) t.failures++;
    tallies.set(k, t);
  }
  return tallies;
}

/**
 * Failure rates far above what was learned: per actor (across its work types) and per work type
 * (across actors), over the recent window. A spike needs a few failures, a rate above a floor,
 * and a multiple of the learned failure rate, so one unlucky attempt raises nothing.
 */
export function detectFailureSpike(
  snapshot: MonitoringSnapshot,
  settings: DetectorSettings,
): Signal[] {
  const window = formatDuration(settings.failureWindowSeconds);
  const signals: Signal[] = [];
  const learnedFailure = (typeId: string, actorId: string | null): number => {
    const type = snapshot.types.get(typeId);
    if (type === undefined) return 0;
    const typeEstimate = estimateType(type, snapshot.stats.get(statsKey(typeId, null)) ?? null);
    const estimate =
      actorId === null
        ? typeEstimate
        : estimateActor(typeEstimate, snapshot.stats.get(statsKey(typeId, actorId)) ?? null);
    return 1 - estimate.successRate;
  };
  const spike = (t: Tally, baseline: number): boolean =>
    t.failures >= settings.failureMinCount &&
    t.failures / t.attempts >=
      Math.max(settings.failureMinRate, settings.failureRateFactor * baseline);
  const pct = (x: number) => `${Math.round(x * 100)}%`;

  for (const [typeId, t] of tally(snapshot.recentAttempts, (a) => a.typeId)) {
    const type = snapshot.types.get(typeId);
    const baseline = learnedFailure(typeId, null);
    if (type === undefined || !spike(t, baseline)) continue;
    signals.push({
      labels: {
        alertname: 'FailureRateSpike',
        severity: 'warning',
        domain: type.domainId,
        work_type: typeId,
      },
      summary: `${typeId}: ${t.failures} of ${t.attempts} attempts failed in the last ${window} (${pct(t.failures / t.attempts)}; learned ${pct(baseline)})`,
      details: { ...t, rate: t.failures / t.attempts, learnedRate: baseline },
    });
  }
  const byActor = new Map<string, RecentAttempt[]>();
  for (const a of snapshot.recentAttempts)
    byActor.set(a.actorId, [...(byActor.get(a.actorId) ?? []), a]);
  for (const [actorId, attempts] of byActor) {
    const t = tally(attempts, () => actorId).get(actorId) ?? { failures: 0, attempts: 0 };
    // The actor's expected failure rate: its learned rates, weighted by what it attempted.
    const baseline =
      attempts.reduce((sum, a) => sum + learnedFailure(a.typeId, actorId), 0) / attempts.length;
    if (!spike(t, baseline)) continue;
    const actor = snapshot.actors.get(actorId);
    signals.push({
      labels: {
        alertname: 'FailureRateSpike',
        severity: 'warning',
        actor: actorId,
        ...(actor?.domains[0] === undefined ? {} : { domain: actor.domains[0] }),
      },
      summary: `${actorId}: ${t.failures} of ${t.attempts} attempts failed in the last ${window} (${pct(t.failures / t.attempts)}; learned ${pct(baseline)})`,
      details: { ...t, rate: t.failures / t.attempts, learnedRate: baseline },
    });
  }
  return signals;
}
