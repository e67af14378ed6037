import { useId, useMemo, useState, type SyntheticEvent } from 'react';
import type { Approval } from '../api/types';
import { diffArguments } from '../diff-arguments';
import { parseArguments } from '../parse-arguments';
import { ArgumentChanges } from './argument-changes';
import { DialogFooter, Modal } from './modal';

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/**
 * Approve with edited arguments: the person edits the JSON, sees what changes against the request
 * before approving, and the agent must then act with exactly these (a new hash). Text that is not
 * a JSON object is said so at once and cannot be submitted.
 */
export function ApproveWithEditsDialog(props: {
  approval: Approval;
  onSubmit: (edits: { arguments: Record<string, unknown>; reason?: string }) => Promise<void>;
  onClose: () => void;
}) {
  const id = useId();
  const [text, setText] = useState(() => pretty(props.approval.arguments));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const parsed = useMemo(() => parseArguments(text), [text]);
  const changes = parsed.ok ? diffArguments(props.approval.arguments, parsed.value) : [];

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    if (!parsed.ok) return;
    setBusy(true);
    setError(null);
    try {
      const trimmed = reason.trim();
      await props.onSubmit({
        arguments: parsed.value,
        ...(trimmed === '' ? {} : { reason: trimmed }),
      });
      props.onClose();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      setBusy(false);
    }
  };

  return (
    <Modal label="Approve with edits" wide onClose={props.onClose}>
      <form onSubmit={(e) => void submit(e)}>
        <h2>Approve with edits</h2>
        <p>
          The agent may then {props.approval.action} only with these arguments, exactly as approved
          here.
        </p>
        <label className="field" htmlFor={`${id}-args`}>
          Arguments (JSON)
          <textarea
            id={`${id}-args`}
            className="code"
            rows={Math.min(14, Math.max(4, text.split('\n').length + 1))}
            spellCheck={false}
            value={text}
            aria-invalid={!parsed.ok}
            aria-describedby={`${id}-check`}
            onChange={(e) => {
              setText(e.target.value);
              // What the API said was about the text before.
              setError(null);
            }}
          />
        </label>
        <div id={`${id}-check`}>
          {!parsed.ok ? (
            <p role="alert" className="error" data-testid="arguments-error">
              {parsed.error}
            </p>
          ) : changes.length === 0 ? (
            <p className="muted" data-testid="no-changes">
              No changes yet: as it is, this approves the arguments as asked.
            </p>
          ) : (
            <ArgumentChanges changes={changes} caption="Changes to the request" />
          )}
        </div>
        <label className="field" htmlFor={`${id}-reason`}>
          Reason (optional)
          <textarea
            id={`${id}-reason`}
            rows={2}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </label>
        <DialogFooter
          error={error}
          submitLabel={changes.length === 0 ? 'Approve' : 'Approve with these changes'}
          onCancel={props.onClose}
          disabled={busy || !parsed.ok}
        />
      </form>
    </Modal>
  );
}
