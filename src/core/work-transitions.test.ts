import { describe, expect, it } from 'vitest';
import { WORK_STATES } from './model.js';
import { allowedActions, allowedNextStates, canPerform, WORK_ACTIONS } from './work-transitions.js';

describe('work state machine', () => {
  it('lets nothing leave done or cancelled, and failed only by retry', () => {
    expect(allowedActions('done')).toEqual([]);
    expect(allowedActions('cancelled')).toEqual([]);
    expect(allowedActions('failed')).toEqual(['retry']);
  });

  it('follows queued → offered → assigned → in_progress → done', () => {
    expect(canPerform('queued', 'offer')).toBe(true);
    expect(canPerform('offered', 'assign')).toBe(true);
    expect(canPerform('assigned', 'start')).toBe(true);
    expect(canPerform('in_progress', 'complete')).toBe(true);
    expect(canPerform('queued', 'complete')).toBe(false);
  });

  it('only ever targets known states, and every non-terminal state can be cancelled', () => {
    for (const { to } of Object.values(WORK_ACTIONS)) expect(WORK_STATES).toContain(to);
    for (const state of WORK_STATES) {
      if (!['done', 'failed', 'cancelled'].includes(state))
        expect(allowedNextStates(state)).toContain('cancelled');
    }
  });
});
