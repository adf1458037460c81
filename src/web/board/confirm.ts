import type { ComponentChildren } from 'preact';
import { useId, useRef, useState } from 'preact/hooks';
import type { ButtonVariant } from '../ui/button.js';
import { html } from '../ui/html.js';
import { toastError } from '../ui/toast.js';

/**
 * ui/button's ConfirmButton, with a dialog title id of its own: that one's is
 * fixed ("confirm-title"), so with two on a page (a row each in the trials
 * list) every dialog took the first one's name. To be folded back into the kit.
 */
export function ConfirmAction(props: {
  children: ComponentChildren;
  title: string;
  message: ComponentChildren;
  confirmLabel: string;
  onConfirm: () => unknown;
  variant?: ButtonVariant;
  label?: string;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = `confirm-${useId()}`;
  const [busy, setBusy] = useState(false);
  const confirm = async (): Promise<void> => {
    setBusy(true);
    try {
      await props.onConfirm();
      dialog.current?.close();
    } catch (err) {
      toastError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<button
      type="button"
      class=${`btn btn-${props.variant ?? 'danger'}`}
      aria-label=${props.label}
      onClick=${() => dialog.current?.showModal()}
    >
      ${props.children}
    </button>
    <dialog ref=${dialog} class="confirm" aria-labelledby=${titleId}>
      <h2 id=${titleId}>${props.title}</h2>
      <div>${props.message}</div>
      <div class="actions">
        <button type="button" class="btn btn-secondary" onClick=${() => dialog.current?.close()}>Keep as it is</button>
        <button type="button" class="btn btn-danger" disabled=${busy} onClick=${() => void confirm()}>
          ${props.confirmLabel}
        </button>
      </div>
    </dialog>`;
}
