import { useId, useState, type SyntheticEvent } from 'react';
import type { Actor } from '../api/types';
import { DialogFooter, Modal } from './modal';

const QUEUE = '';

/**
 * Redirect an agent's work to another actor or back to the queue, and why. The agent is then
 * given no work until the redirect is lifted.
 */
export function RedirectDialog(props: {
  agent: Actor;
  /** Who may receive it: everyone else. */
  actors: readonly Actor[];
  onSubmit: (body: { to?: string; reason: string }) => Promise<void>;
  onClose: () => void;
}) {
  const id = useId();
  const [to, setTo] = useState(QUEUE);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const others = props.actors.filter((a) => a.id !== props.agent.id);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    if (reason.trim() === '') {
      setError('Say why: it is recorded on every item moved.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit({ ...(to === QUEUE ? {} : { to }), reason: reason.trim() });
      props.onClose();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      setBusy(false);
    }
  };

  return (
    <Modal label={`Redirect the work of ${props.agent.name}`} onClose={props.onClose}>
      <form onSubmit={(e) => void submit(e)}>
        <h2>Redirect the work of {props.agent.name}</h2>
        <p>
          What it holds or is offered moves now, and it is given no work until the redirect is
          lifted. Someone who cannot take it all (away, halted, paused, at capacity) refuses the
          whole redirect, and nothing moves.
        </p>
        <label className="field" htmlFor={`${id}-to`}>
          To
          <select id={`${id}-to`} value={to} onChange={(e) => setTo(e.target.value)}>
            <option value={QUEUE}>The queue (anyone eligible takes it)</option>
            {others.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} ({a.kind}, {a.id})
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
          submitLabel="Redirect"
          danger
          onCancel={props.onClose}
          disabled={busy}
        />
      </form>
    </Modal>
  );
}
