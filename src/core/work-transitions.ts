import type { WorkState } from './model.js';

/**
 * The work item state machine as a table of named actions. Every state change of a work item is
 * one of these, so the API, the audit log and replay all speak the same verbs.
 */
export const WORK_ACTIONS = {
  offer: { from: ['queued'], to: 'offered' },
  assign: { from: ['queued', 'offered'], to: 'assigned' },
  start: { from: ['assigned'], to: 'in_progress' },
  complete: { from: ['in_progress'], to: 'done' },
  // Completing a stage that is not the last: the item goes back to the queue for the next stage.
  complete_stage: { from: ['in_progress'], to: 'queued' },
  // Taken back from its owner to make room for a critical item; only before work has started.
  preempt: { from: ['assigned'], to: 'queued' },
  fail: { from: ['assigned', 'in_progress'], to: 'failed' },
  release: { from: ['offered', 'assigned', 'in_progress'], to: 'queued' },
  block: { from: ['queued'], to: 'blocked' },
  unblock: { from: ['blocked'], to: 'queued' },
  pause: { from: ['queued', 'offered', 'assigned', 'in_progress', 'blocked'], to: 'paused' },
  resume: { from: ['paused'], to: 'queued' },
  retry: { from: ['failed'], to: 'queued' },
  cancel: {
    from: ['queued', 'offered', 'assigned', 'in_progress', 'blocked', 'paused'],
    to: 'cancelled',
  },
} as const satisfies Record<string, { from: readonly WorkState[]; to: WorkState }>;

export type WorkAction = keyof typeof WORK_ACTIONS;

/**
 * Actions the engine derives and nobody requests: blocking follows from dependencies, a stage
 * is completed by requesting `complete` on an item with stages still to go, and preemption is
 * the engine's own decision.
 */
export const DERIVED_ACTIONS = [
  'block',
  'unblock',
  'complete_stage',
  'preempt',
] as const satisfies readonly WorkAction[];
export const WORK_ACTION_NAMES = Object.keys(WORK_ACTIONS) as WorkAction[];

/** The actions allowed from a state, in table order. */
export function allowedActions(state: WorkState): WorkAction[] {
  return WORK_ACTION_NAMES.filter((action) =>
    (WORK_ACTIONS[action].from as readonly WorkState[]).includes(state),
  );
}

/** The states reachable in one step from a state. */
export function allowedNextStates(state: WorkState): WorkState[] {
  return [...new Set(allowedActions(state).map((action) => WORK_ACTIONS[action].to))];
}

export function canPerform(state: WorkState, action: WorkAction): boolean {
  return (WORK_ACTIONS[action].from as readonly WorkState[]).includes(state);
}
