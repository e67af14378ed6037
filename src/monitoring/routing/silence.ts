import { matchesLabels, type Labels, type Matcher } from '../../core/label-matcher.js';

/**
 * A silence, as in Alertmanager: alerts matching every matcher are muted from `startsAt` to
 * `endsAt` (ISO 8601). Who made it and why are kept for the audit trail.
 */
export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

export type SilenceState = 'pending' | 'active' | 'expired';

/** Alertmanager's states: pending before its start, expired after its end, active between. */
export function silenceState(
  silence: Pick<Silence, 'startsAt' | 'endsAt'>,
  now: Date,
): SilenceState {
  const at = now.getTime();
  if (Date.parse(silence.startsAt) > at) return 'pending';
  if (Date.parse(silence.endsAt) < at) return 'expired';
  return 'active';
}

/** The active silences that mute an alert with `labels` at `now`, for explanation. */
export function silencesMuting(labels: Labels, silences: readonly Silence[], now: Date): Silence[] {
  return silences.filter(
    (s) => silenceState(s, now) === 'active' && matchesLabels(s.matchers, labels),
  );
}

/** Whether an active silence mutes an alert with `labels` at `now`. */
export function isSilenced(labels: Labels, silences: readonly Silence[], now: Date): boolean {
  return silencesMuting(labels, silences, now).length > 0;
}
