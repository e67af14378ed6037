import type { StoredEvent } from '../../core/events.js';

type Fields = Record<string, unknown>;

const asFields = (payload: unknown): Fields =>
  typeof payload === 'object' && payload !== null && !Array.isArray(payload)
    ? (payload as Fields)
    : {};

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function compactJson(value: unknown, max = 100): string {
  // undefined for values JSON cannot hold, whatever the declared type says.
  const json = (JSON.stringify(value) as string | undefined) ?? '';
  return json.length <= max ? json : `${json.slice(0, max - 1)}…`;
}

/**
 * One line saying what an event did, for people: `queued → assigned, owner alice`. Payloads are
 * read defensively because old events outlive changes to their types; an event this function
 * does not know is shown as compact JSON.
 */
export function describeEvent(event: StoredEvent): string {
  const p = asFields(event.payload);
  if (event.type.startsWith('coordination.work.') && text(p.from) !== null && text(p.to) !== null) {
    const parts = [`${String(p.from)} → ${String(p.to)}`];
    if (text(p.ownerId) !== null) parts.push(`owner ${String(p.ownerId)}`);
    if (text(p.offeredTo) !== null) parts.push(`offered to ${String(p.offeredTo)}`);
    if (text(p.fromStage) !== null && text(p.toStage) !== null)
      parts.push(
        `stage ${String(p.fromStage)} → ${String(p.toStage)} finished by ${String(p.completedBy)}`,
      );
    if (Array.isArray(p.waitingOn)) parts.push(`waiting on ${p.waitingOn.map(String).join(', ')}`);
    if (text(p.reason) !== null) parts.push(`reason: ${String(p.reason)}`);
    return parts.join(', ');
  }
  switch (event.type) {
    case 'coordination.work.created':
      return `${String(p.state)}, type ${String(p.typeId)}, ${String(p.priorityClass)}: ${String(p.title)}`;
    case 'coordination.work.dependency_added':
      return `now depends on ${String(p.dependsOn)}`;
    case 'coordination.actor.status_changed':
      return `${String(p.from)} → ${String(p.to)}`;
    case 'core.config.applied': {
      const changes = Array.isArray(p.changes) ? p.changes.length : 0;
      return `revision ${String(p.revision)} from ${String(p.source)}: ${changes} change${changes === 1 ? '' : 's'}`;
    }
    case 'core.token.created':
      return `role ${String(p.role)}${text(p.actorId) === null ? '' : ` as ${String(p.actorId)}`}: ${String(p.name)}`;
    case 'monitoring.exception.opened':
      return `${String(p.summary)} → ${Array.isArray(p.receivers) ? p.receivers.map(String).join(', ') : ''}`;
    case 'monitoring.exception.notified': {
      const targets = Array.isArray(p.targets) ? p.targets.map(String) : [];
      const skipped = Array.isArray(p.skipped)
        ? p.skipped.map((s) => {
            const f = asFields(s);
            return `${String(f.actorId)} (${String(f.reason)})`;
          })
        : [];
      return [
        `${String(p.receiver)} step ${Number(p.step) + 1}: ${targets.length === 0 ? 'nobody reached' : targets.join(', ')}`,
        ...(skipped.length === 0 ? [] : [`passed over ${skipped.join(', ')}`]),
        ...(text(p.nextAt) === null ? [] : [`next step ${String(p.nextAt)}`]),
      ].join('; ');
    }
    case 'monitoring.exception.acknowledged':
      return text(p.comment) === '' ? '' : String(p.comment);
    case 'monitoring.exception.resolved':
      return `${String(p.resolution)}: ${String(p.reason)}`;
    case 'core.token.revoked':
      return text(p.reason) ?? '';
    case 'supervision.pause.applied':
    case 'supervision.pause.lifted':
      return `${String(p.actorId)} ${String(p.actionClass)}: ${String(p.reason)}`;
    case 'supervision.redirect.applied':
    case 'supervision.redirect.lifted':
      return `${String(p.actorId)} → ${text(p.to) ?? 'queue'}: ${String(p.reason)}`;
    case 'core.domain.removed':
    case 'core.actor.removed':
    case 'core.work_type.removed':
      return '';
    default:
      return compactJson(event.payload);
  }
}
