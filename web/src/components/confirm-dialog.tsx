import { useId, useState, type SyntheticEvent } from 'react';
import { DialogFooter, Modal } from './modal';

export interface ConfirmDialogProps {
  title: string;
  /** What will happen, in words. */
  message: string;
  confirmLabel: string;
  /** Ask for a reason (required, or `'optional'`); it is recorded with the action. */
  reason?: boolean | 'optional';
  danger?: boolean;
  onConfirm: (reason: string) => Promise<void>;
  onClose: () => void;
}

/** Asks before an action (and why, when `reason`); a failure is shown and the dialog stays open. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const reasonId = useId();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm(reason.trim());
      props.onClose();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      setBusy(false);
    }
  };

  return (
    <Modal label={props.title} onClose={props.onClose}>
      <form onSubmit={(e) => void submit(e)}>
        <h2>{props.title}</h2>
        <p>{props.message}</p>
        {props.reason !== undefined && props.reason !== false && (
          <label htmlFor={reasonId} className="field">
            {props.reason === 'optional' ? 'Reason (optional)' : 'Reason'}
            <textarea
              id={reasonId}
              required={props.reason === true}
              rows={3}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </label>
        )}
        <DialogFooter
          error={error}
          submitLabel={props.confirmLabel}
          onCancel={props.onClose}
          danger={props.danger === true}
          disabled={busy}
        />
      </form>
    </Modal>
  );
}
