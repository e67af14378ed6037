import { useId, useState, type SyntheticEvent } from 'react';
import { DialogFooter, Modal } from './modal';

/**
 * Pause one class of an agent's actions: the class (those already paused cannot be chosen again)
 * and why, which every refusal quotes.
 */
export function PauseDialog(props: {
  agentName: string;
  classes: readonly string[];
  paused: readonly string[];
  onSubmit: (body: { actionClass: string; reason: string }) => Promise<void>;
  onClose: () => void;
}) {
  const id = useId();
  const [actionClass, setClass] = useState(
    () => props.classes.find((c) => !props.paused.includes(c)) ?? '',
  );
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    if (reason.trim() === '') {
      setError('Say why: the agent is told, and so is anyone its pause refuses.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit({ actionClass, reason: reason.trim() });
      props.onClose();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      setBusy(false);
    }
  };

  return (
    <Modal label={`Pause a class of ${props.agentName}`} onClose={props.onClose}>
      <form onSubmit={(e) => void submit(e)}>
        <h2>Pause a class of {props.agentName}</h2>
        <p>
          From its next request the agent&apos;s actions of this class are refused, naming the
          pause; its other classes go on. <code>work</code> covers every work action (claim, start,
          complete…): nobody gives it work, and what it holds stays with it.
        </p>
        <label className="field" htmlFor={`${id}-class`}>
          Action class
          <select id={`${id}-class`} value={actionClass} onChange={(e) => setClass(e.target.value)}>
            {props.classes.map((c) => (
              <option key={c} value={c} disabled={props.paused.includes(c)}>
                {c}
                {props.paused.includes(c) ? ' (paused)' : ''}
              </option>
            ))}
          </select>
        </label>
        <label className="field" htmlFor={`${id}-reason`}>
          Reason
          <textarea
            id={`${id}-reason`}
            required
            rows={3}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </label>
        <DialogFooter
          error={error}
          submitLabel="Pause"
          danger
          onCancel={props.onClose}
          disabled={busy || actionClass === ''}
        />
      </form>
    </Modal>
  );
}
