import { describe, expect, it } from 'vitest';
import type { Matcher } from '../../core/label-matcher.js';
import { isSilenced, silenceState, silencesMuting, type Silence } from './silence.js';

const silence = (id: string, matchers: Matcher[]): Silence => ({
  id,
  matchers,
  startsAt: '2026-04-01T10:00:00.000Z',
  endsAt: '2026-04-01T12:00:00.000Z',
  createdBy: 'maria',
  comment: 'database migration',
});

const DB = silence('s1', [
  { name: 'service', type: '=', value: 'database' },
  { name: 'env', type: '=~', value: 'prod|staging' },
]);

describe('silences', () => {
  it('mute matching alerts only while active', () => {
    const labels = { service: 'database', env: 'prod', alertname: 'Slow' };
    expect(isSilenced(labels, [DB], new Date('2026-04-01T09:59:59Z'))).toBe(false);
    expect(isSilenced(labels, [DB], new Date('2026-04-01T10:00:00Z'))).toBe(true);
    expect(isSilenced(labels, [DB], new Date('2026-04-01T11:00:00Z'))).toBe(true);
    expect(isSilenced(labels, [DB], new Date('2026-04-01T12:00:01Z'))).toBe(false);
  });

  it('need every matcher to hold; regexes are anchored; a missing label is empty', () => {
    const at = new Date('2026-04-01T11:00:00Z');
    expect(isSilenced({ service: 'database', env: 'production' }, [DB], at)).toBe(false);
    expect(isSilenced({ service: 'database' }, [DB], at)).toBe(false);
    const unowned = silence('s2', [{ name: 'team', type: '=', value: '' }]);
    expect(silencesMuting({ alertname: 'x' }, [DB, unowned], at)).toEqual([unowned]);
  });

  it('have Alertmanager states', () => {
    expect(silenceState(DB, new Date('2026-04-01T09:00:00Z'))).toBe('pending');
    expect(silenceState(DB, new Date('2026-04-01T10:30:00Z'))).toBe('active');
    expect(silenceState(DB, new Date('2026-04-01T13:00:00Z'))).toBe('expired');
  });
});
