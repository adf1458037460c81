import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { problemText } from './problem.js';

export interface Toast {
  id: number;
  kind: 'success' | 'error';
  text: string;
}

let toasts: Toast[] = [];
let next = 1;
const listeners = new Set<(t: Toast[]) => void>();
const publish = (): void => {
  for (const l of listeners) l(toasts);
};

function push(kind: Toast['kind'], text: string): void {
  const t = { id: next++, kind, text };
  toasts = [...toasts, t];
  // At most three at once (they cover the page on a phone): the oldest success goes first.
  while (toasts.length > 3) {
    const oldest = toasts.find((x) => x.kind === 'success' && x.id !== t.id);
    if (oldest === undefined) break;
    toasts = toasts.filter((x) => x !== oldest);
  }
  publish();
  // Errors stay until dismissed: a clinician must not miss that something failed.
  if (kind === 'success')
    setTimeout(() => {
      toasts = toasts.filter((x) => x.id !== t.id);
      publish();
    }, 6000);
}

export const toastSuccess = (text: string): void => push('success', text);
export const toastError = (err: unknown): void => push('error', problemText(err));

/** The live region where toasts appear (once, in the app shell). */
export function ToastRegion() {
  const [list, setList] = useState(toasts);
  useEffect(() => {
    listeners.add(setList);
    return () => void listeners.delete(setList);
  }, []);
  const dismiss = (id: number): void => {
    toasts = toasts.filter((x) => x.id !== id);
    publish();
  };
  return html`<div class="toasts" role="status" aria-live="polite">
    ${list.map(
      (t) =>
        html`<div class=${`toast toast-${t.kind}`} key=${t.id}>
          <span>${t.kind === 'error' ? 'Problem: ' : ''}${t.text}</span>
          <button type="button" class="btn btn-quiet" aria-label="Dismiss" onClick=${() => dismiss(t.id)}>×</button>
        </div>`,
    )}
  </div>`;
}
