import type { ReactNode } from 'react';

/**
 * A modal on the native <dialog>: the browser traps and restores focus, and Escape closes it
 * (reported through `onClose`).
 */
export function Modal(props: {
  label: string;
  onClose: () => void;
  /** Room for wider content (JSON, a diff). */
  wide?: boolean;
  children: ReactNode;
}) {
  return (
    <dialog
      className={props.wide === true ? 'dialog wide' : 'dialog'}
      aria-label={props.label}
      ref={(element) => {
        if (element !== null && !element.open) element.showModal();
      }}
      onClose={props.onClose}
    >
      {props.children}
    </dialog>
  );
}

/** The end of a dialog's form: what went wrong, Cancel, and the submit button. */
export function DialogFooter(props: {
  error: string | null;
  submitLabel: string;
  onCancel: () => void;
  danger?: boolean;
  disabled?: boolean;
}) {
  return (
    <>
      {props.error !== null && (
        <p role="alert" className="error">
          {props.error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button
          type="submit"
          className={props.danger === true ? 'danger' : 'primary'}
          disabled={props.disabled === true}
        >
          {props.submitLabel}
        </button>
      </div>
    </>
  );
}
