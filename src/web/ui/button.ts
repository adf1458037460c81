import type { ComponentChildren } from 'preact';
import { useId, useRef, useState } from 'preact/hooks';
import { html } from './html.js';
import { toastError } from './toast.js';

/**
 * One primary action per screen; secondary for the others; quiet for minor
 * ones (sign out, downloads, links-as-buttons); danger for what cannot be
 * undone, always behind a confirmation (ConfirmButton).
 */
export type ButtonVariant = 'primary' | 'secondary' | 'quiet' | 'danger';

export function Button(props: {
  variant?: ButtonVariant;
  type?: 'button' | 'submit';
  onClick?: () => unknown;
  disabled?: boolean;
  label?: string;
  children: ComponentChildren;
}) {
  const [busy, setBusy] = useState(false);
  const click = async (): Promise<void> => {
    if (props.onClick === undefined) return;
    setBusy(true);
    try {
      await props.onClick();
    } catch (err) {
      toastError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<button
    type=${props.type ?? 'button'}
    class=${`btn btn-${props.variant ?? 'secondary'}`}
    disabled=${props.disabled === true || busy}
    aria-busy=${busy ? 'true' : undefined}
    aria-label=${props.label}
    onClick=${props.onClick === undefined ? undefined : () => void click()}
  >
    ${props.children}
  </button>`;
}

/**
 * An irreversible action (sign, cancel, withdraw): the button opens a dialog
 * that says what will happen, and only its own confirm button acts.
 */
export function ConfirmButton(props: {
  children: ComponentChildren;
  title: string;
  message: ComponentChildren;
  confirmLabel: string;
  onConfirm: () => unknown;
  variant?: ButtonVariant;
  disabled?: boolean;
  /** The button's accessible name when its visible words are not enough ("Remove Dr Stein"). */
  label?: string;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  // Each dialog names itself: with several on a page (one per row), a shared id gave them all the first one's title.
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
      disabled=${props.disabled}
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
