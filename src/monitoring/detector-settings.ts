/**
 * How sensitive the detectors are. Durations are relative to what was learned about each work
 * type and actor wherever there is something to be relative to, so one setting fits work that
 * takes minutes and work that takes days.
 */
export interface DetectorSettings {
  /** A held item is stalled when its holder shows no sign of life for this share of its expected duration… */
  stallQuietShare: number;
  /** …but never sooner than this many seconds. */
  stallQuietFloorSeconds: number;
  /** An item in progress for this many times its expected duration is stalled too. */
  overrunFactor: number;
  /** An agent that heartbeats and has been silent this long while holding work is lost. */
  heartbeatTimeoutSeconds: number;
  /** How far ahead SLA risk looks at deadlines. */
  slaHorizonSeconds: number;
  /** The window failure rates are measured over. */
  failureWindowSeconds: number;
  /** Failures in the window before a rate can count as a spike. */
  failureMinCount: number;
  /** A rate this many times the learned one (and above failureMinRate) is a spike. */
  failureRateFactor: number;
  failureMinRate: number;
  /** The window backlog growth is measured over. */
  backlogWindowSeconds: number;
  /** Growth over the window, in items and as a share of the backlog at its start, that counts. */
  backlogMinGrowth: number;
  backlogMinShare: number;
  /** A queue is saturated when its oldest item waited this share of its expected duration and nobody eligible has room. */
  saturationWaitShare: number;
  /**
   * A metric point scoring at least this is an anomaly. Higher than the threshold that scores
   * best on NAB (about 0.33): there a missed window costs more than a false alarm, here every
   * alarm reaches a person.
   */
  anomalyThreshold: number;
  /** An anomaly's exception resolves itself after this many points in a row below the threshold. */
  anomalyClearPoints: number;
}

export const DEFAULT_DETECTOR_SETTINGS: DetectorSettings = {
  stallQuietShare: 0.25,
  stallQuietFloorSeconds: 60,
  overrunFactor: 2,
  heartbeatTimeoutSeconds: 300,
  slaHorizonSeconds: 7 * 24 * 3600,
  failureWindowSeconds: 3600,
  failureMinCount: 3,
  failureRateFactor: 2,
  failureMinRate: 0.25,
  backlogWindowSeconds: 1800,
  backlogMinGrowth: 10,
  backlogMinShare: 0.5,
  saturationWaitShare: 1,
  anomalyThreshold: 0.5,
  anomalyClearPoints: 5,
};
