import type { ComponentChildren } from 'preact';
import { html } from './html.js';

/** What an empty list says: what would be here, and what to do about it. */
export function EmptyState(props: { title: string; children?: ComponentChildren }) {
  return html`<div class="empty">
    <p class="empty-title">${props.title}</p>
    ${props.children === undefined ? null : html`<div>${props.children}</div>`}
  </div>`;
}

/** Loading and failure states for a view, announced to screen readers. */
export function Loading(props: { what?: string }) {
  return html`<p class="muted" role="status">Loading${props.what === undefined ? '' : ` ${props.what}`}…</p>`;
}

export function LoadError(props: { text: string; retry?: () => void }) {
  return html`<div class="alert alert-danger" role="alert">
    ${props.text}
    ${
      props.retry === undefined
        ? null
        : html` <button type="button" class="btn btn-quiet" onClick=${props.retry}>Try again</button>`
    }
  </div>`;
}
