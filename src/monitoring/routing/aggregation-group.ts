import type { Labels } from '../../core/label-matcher.js';
import { groupKey, groupLabels } from './group-key.js';
import type { RouteNode } from './route-tree.js';

/**
 * Alertmanager's aggregation groups as a pure state machine over plain data: the live engine
 * keeps the state in its store and the simulator in memory, and both call `flushGroup` when the
 * clock reaches `nextFlushAt`. No function here reads the wall clock.
 *
 * The timing follows Alertmanager's dispatcher and notification log: a new group waits
 * `group_wait` before its first notification (no wait when its first alert started more than
 * `group_wait` ago); from then on it is looked at every `group_interval` and notifies when a new
 * alert fires, when resolved alerts are to be told, when everything it had told has resolved,
 * or when `repeat_interval` has passed since the last notification and alerts still fire.
 * Resolved alerts leave the group once a flush has dealt with them; an empty group is done.
 */

/** One alert in a group. Times are ISO 8601. */
export interface GroupAlert {
  /** Stable identity within the group: an exception id or a label fingerprint. */
  id: string;
  labels: Labels;
  startsAt: string;
  /** When it resolved; null while it fires. */
  resolvedAt: string | null;
}

export interface NotificationRecord {
  at: string;
  /** The ids that were firing and resolved when the receiver was last told. */
  firing: string[];
  resolved: string[];
}

export interface AggregationGroup {
  routeId: string;
  routePath: string;
  groupKey: string;
  groupLabels: Labels;
  receiver: string;
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  alerts: GroupAlert[];
  /** When the group is next due; null once it is empty. */
  nextFlushAt: string | null;
  hasFlushed: boolean;
  lastNotified: NotificationRecord | null;
}

export type NotificationReason = 'first' | 'new_alerts' | 'resolved' | 'all_resolved' | 'repeat';

/** What a flush asks to send to the group's receiver. */
export interface GroupNotification {
  receiver: string;
  groupKey: string;
  groupLabels: Labels;
  routePath: string;
  reason: NotificationReason;
  firing: GroupAlert[];
  /** Resolved alerts, when the receiver is told of resolutions (`sendResolved`). */
  resolved: GroupAlert[];
  at: string;
}

export interface FlushOptions {
  /** Whether the receiver is told about resolved alerts (Alertmanager's `send_resolved`). */
  sendResolved?: boolean;
  /**
   * Notifications are muted now (a mute time interval, or outside the route's active ones):
   * the flush happens but nothing is sent or recorded as sent.
   */
  muted?: boolean;
}

export interface FlushResult {
  /** The group after the flush; null when it is empty and can be dropped. */
  group: AggregationGroup | null;
  notification: GroupNotification | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A new, empty group for the alert `labels` on `route`; its first flush is group_wait away. */
export function newAggregationGroup(
  route: Pick<
    RouteNode,
    | 'id'
    | 'path'
    | 'key'
    | 'receiver'
    | 'groupBy'
    | 'groupWaitMs'
    | 'groupIntervalMs'
    | 'repeatIntervalMs'
  >,
  labels: Labels,
  now: Date,
): AggregationGroup {
  return {
    routeId: route.id,
    routePath: route.path,
    groupKey: groupKey(route, labels),
    groupLabels: groupLabels(route, labels),
    receiver: route.receiver,
    groupWaitMs: route.groupWaitMs,
    groupIntervalMs: route.groupIntervalMs,
    repeatIntervalMs: route.repeatIntervalMs,
    alerts: [],
    nextFlushAt: iso(now.getTime() + route.groupWaitMs),
    hasFlushed: false,
    lastNotified: null,
  };
}

/**
 * Adds an alert to the group, or replaces the one with the same id (an alert that fires again
 * is firing again). Before the first flush, an alert that started more than group_wait ago
 * makes the group due at once: it has waited long enough.
 */
export function insertAlert(
  group: AggregationGroup,
  alert: Omit<GroupAlert, 'resolvedAt'> & { resolvedAt?: string | null },
  now: Date,
): AggregationGroup {
  const entry: GroupAlert = { ...alert, resolvedAt: alert.resolvedAt ?? null };
  const alerts = group.alerts.some((a) => a.id === entry.id)
    ? group.alerts.map((a) => (a.id === entry.id ? entry : a))
    : [...group.alerts, entry];
  let nextFlushAt = group.nextFlushAt ?? iso(now.getTime() + group.groupWaitMs);
  if (
    !group.hasFlushed &&
    Date.parse(entry.startsAt) + group.groupWaitMs < now.getTime() &&
    Date.parse(nextFlushAt) > now.getTime()
  )
    nextFlushAt = now.toISOString();
  return { ...group, alerts, nextFlushAt };
}

/** Marks an alert resolved; the next flush tells the receiver (if it wants) and drops it. */
export function resolveAlert(group: AggregationGroup, id: string, now: Date): AggregationGroup {
  return {
    ...group,
    alerts: group.alerts.map((a) =>
      a.id === id && a.resolvedAt === null ? { ...a, resolvedAt: now.toISOString() } : a,
    ),
  };
}

/** Whether the group is due at `now`. */
export function isFlushDue(group: AggregationGroup, now: Date): boolean {
  return group.nextFlushAt !== null && Date.parse(group.nextFlushAt) <= now.getTime();
}

function isSubset(ids: Iterable<string>, of: readonly string[]): boolean {
  const set = new Set(of);
  for (const id of ids) if (!set.has(id)) return false;
  return true;
}

/** Alertmanager's deduplication: whether this flush must tell the receiver, and why. */
function notificationReason(
  last: NotificationRecord | null,
  firing: readonly string[],
  resolved: readonly string[],
  sendResolved: boolean,
  repeatIntervalMs: number,
  now: number,
): NotificationReason | null {
  if (last === null) return firing.length > 0 ? 'first' : null;
  if (!isSubset(firing, last.firing)) return 'new_alerts';
  // Everything the receiver was told of has resolved; alerts that fired and resolved between
  // two flushes were never told, so there is nothing to take back.
  if (firing.length === 0) return last.firing.length > 0 ? 'all_resolved' : null;
  if (sendResolved && !isSubset(resolved, last.resolved)) return 'resolved';
  // Unchanged: repeat once repeat_interval has passed since the last notification.
  return now - Date.parse(last.at) >= repeatIntervalMs ? 'repeat' : null;
}

/**
 * Flushes the group if it is due at `now` (otherwise returns it unchanged): the next flush is
 * group_interval away, the alerts resolved by now leave the group, and the notification to send,
 * if any, is returned. Call it again at the returned group's `nextFlushAt`.
 */
export function flushGroup(
  group: AggregationGroup,
  now: Date,
  options: FlushOptions = {},
): FlushResult {
  if (!isFlushDue(group, now)) return { group, notification: null };
  const at = now.getTime();
  const sendResolved = options.sendResolved ?? true;
  const isResolved = (a: GroupAlert) => a.resolvedAt !== null && Date.parse(a.resolvedAt) <= at;
  const firing = group.alerts.filter((a) => !isResolved(a));
  const resolved = group.alerts.filter(isResolved);
  let lastNotified = group.lastNotified;
  let notification: GroupNotification | null = null;
  if (options.muted !== true) {
    const reason = notificationReason(
      lastNotified,
      firing.map((a) => a.id),
      resolved.map((a) => a.id),
      sendResolved,
      group.repeatIntervalMs,
      at,
    );
    if (reason !== null) {
      lastNotified = {
        at: now.toISOString(),
        firing: firing.map((a) => a.id),
        resolved: resolved.map((a) => a.id),
      };
      const told = sendResolved ? resolved : [];
      // A receiver that is not told of resolutions gets nothing when only resolutions are left.
      if (firing.length > 0 || told.length > 0)
        notification = {
          receiver: group.receiver,
          groupKey: group.groupKey,
          groupLabels: group.groupLabels,
          routePath: group.routePath,
          reason,
          firing,
          resolved: told,
          at: now.toISOString(),
        };
    }
  }
  const next: AggregationGroup = {
    ...group,
    alerts: firing,
    hasFlushed: true,
    lastNotified,
    nextFlushAt: firing.length === 0 ? null : iso(at + group.groupIntervalMs),
  };
  return { group: firing.length === 0 ? null : next, notification };
}
