import type { DetectorSettings } from './detector-settings.js';
import { detectBacklogGrowth } from './detectors/backlog-growth.js';
import { detectDependencyDeadlock } from './detectors/dependency-deadlock.js';
import { detectFailureSpike } from './detectors/failure-spike.js';
import { detectHeartbeatLost } from './detectors/heartbeat-lost.js';
import { detectRetriesExhausted } from './detectors/retries-exhausted.js';
import { detectSaturation } from './detectors/saturation.js';
import { detectSlaRisk } from './detectors/sla-risk.js';
import { detectStalledWork } from './detectors/stalled-work.js';
import type { MonitoringContext } from './monitoring-context.js';
import type { MonitoringSnapshot } from './monitoring-snapshot.js';
import { reconcileSignals, type Reconciled } from './reconcile-signals.js';
import type { Signal } from './signal.js';
import { NO_WAKE, type Wake } from './wake.js';

/** A detector: what holds in the snapshot; clock-driven ones also say when to look again. */
type Detector = (snapshot: MonitoringSnapshot, settings: DetectorSettings, wake: Wake) => Signal[];

/** Every built-in detector, by the name its exceptions' source carries (`detector:<name>`). */
export const DETECTORS: Readonly<Record<string, Detector>> = {
  stalled_work: detectStalledWork,
  heartbeat_lost: detectHeartbeatLost,
  sla_risk: detectSlaRisk,
  retries_exhausted: detectRetriesExhausted,
  dependency_deadlock: detectDependencyDeadlock,
  saturation: detectSaturation,
  failure_spike: detectFailureSpike,
  backlog_growth: detectBacklogGrowth,
};

/**
 * One pass of every detector over one snapshot (see collectSnapshot, read before the
 * transaction so that reading does not hold up writers), in one transaction: new conditions are
 * raised, conditions that cleared resolve their exceptions. The engine's timer runs it; so can a
 * test or the simulator, on their own clocks.
 */
export async function evaluateDetectors(
  ctx: MonitoringContext,
  snapshot: MonitoringSnapshot,
  settings: DetectorSettings,
  wake: Wake = NO_WAKE,
): Promise<Record<string, Reconciled>> {
  const bySource: Record<string, Reconciled> = {};
  for (const [name, detect] of Object.entries(DETECTORS))
    bySource[name] = await reconcileSignals(
      ctx,
      `detector:${name}`,
      detect(snapshot, settings, wake),
    );
  return bySource;
}
