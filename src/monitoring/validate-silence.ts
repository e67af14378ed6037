import { DomainError, type FieldIssue } from '../core/errors.js';
import type { Silence } from '../core/exception.js';
import { parseMatchers } from '../core/label-matcher.js';

/**
 * Refuses a silence that could not work as meant: no matchers (it would mute everything),
 * matchers that do not parse, or an end that is not after its start and after now.
 */
export function validateSilence(silence: Silence, now: Date): void {
  const issues: FieldIssue[] = [];
  if (silence.matchers.length === 0)
    issues.push({
      path: 'matchers',
      message: 'name at least one matcher; a silence without any would mute everything',
    });
  silence.matchers.forEach((text, index) => {
    const parsed = parseMatchers(text);
    if (!parsed.ok) issues.push({ path: `matchers.${index}`, message: parsed.error });
    else if (parsed.value.length === 0)
      issues.push({ path: `matchers.${index}`, message: 'empty matcher' });
  });
  if (Number.isNaN(Date.parse(silence.startsAt)))
    issues.push({ path: 'startsAt', message: 'not a time' });
  if (Number.isNaN(Date.parse(silence.endsAt)))
    issues.push({ path: 'endsAt', message: 'not a time' });
  else if (silence.endsAt <= silence.startsAt)
    issues.push({ path: 'endsAt', message: 'must be after startsAt' });
  else if (Date.parse(silence.endsAt) <= now.getTime())
    issues.push({ path: 'endsAt', message: 'must be in the future' });
  if (issues.length > 0) throw new DomainError('validation_failed', 'invalid silence', { issues });
}
