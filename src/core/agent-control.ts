/**
 * Controls a person puts on one agent without halting it: a **pause** refuses one class of its
 * actions (the work actions are class `work`; a custom action carries its own class), and a
 * **redirect** moves its work to others and gives it none while in force. Both stay in force
 * until lifted; lifted ones stay, for the record.
 */
interface ControlBase {
  id: string;
  /** The agent controlled. */
  actorId: string;
  /** Why, in the words of whoever applied it: shown wherever it refuses something. */
  reason: string;
  appliedBy: string;
  appliedAt: string;
  liftedAt: string | null;
  liftedBy: string | null;
  liftReason: string | null;
}

export interface Pause extends ControlBase {
  kind: 'pause';
  /** The action class refused: `work`, or a custom action's class. */
  actionClass: string;
}

export interface Redirect extends ControlBase {
  kind: 'redirect';
  /** Who received the work it held or was offered; null: back to the queue, for others. */
  to: string | null;
}

export type AgentControl = Pause | Redirect;

/** A pause as a refusal or a decision names it: which, of what class, who applied it and why. */
export type PauseRef = Pick<Pause, 'id' | 'actionClass' | 'appliedBy' | 'reason'>;

export const pauseRef = (pause: Pause): PauseRef => ({
  id: pause.id,
  actionClass: pause.actionClass,
  appliedBy: pause.appliedBy,
  reason: pause.reason,
});
export type AgentControlKind = AgentControl['kind'];

/** The pause in force for this agent and class, if any. */
export function pauseOf(
  controls: readonly AgentControl[],
  actorId: string,
  actionClass: string,
): Pause | null {
  for (const c of controls)
    if (
      c.kind === 'pause' &&
      c.liftedAt === null &&
      c.actorId === actorId &&
      c.actionClass === actionClass
    )
      return c;
  return null;
}

/** The redirect in force for this agent, if any. */
export function redirectOf(controls: readonly AgentControl[], actorId: string): Redirect | null {
  for (const c of controls)
    if (c.kind === 'redirect' && c.liftedAt === null && c.actorId === actorId) return c;
  return null;
}

/** What a refusal says about a control: what it is, who applied it and why. */
export function describeControl(control: AgentControl): string {
  const what =
    control.kind === 'pause'
      ? `its '${control.actionClass}' actions are paused`
      : `its work is redirected ${control.to === null ? 'to the queue' : `to '${control.to}'`}`;
  return `${what} (${control.id}, by ${control.appliedBy}: ${control.reason})`;
}
