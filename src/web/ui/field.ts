import htm from 'htm';
import { h } from 'preact';

const html = htm.bind(h);

/** A labelled input with its error below it, wired for screen readers. */
export function Field(props: {
  label: string;
  name: string;
  value: string;
  onInput: (v: string) => void;
  error?: string;
  type?: string;
  autocomplete?: string;
  inputmode?: string;
  hint?: string;
}) {
  const id = `f-${props.name.replace(/\W/g, '-')}`;
  const described = [props.hint === undefined ? null : `${id}-hint`, props.error === undefined ? null : `${id}-error`]
    .filter((x) => x !== null)
    .join(' ');
  return html`<div>
    <label for=${id}>${props.label}</label>
    ${props.hint === undefined ? null : html`<div id=${`${id}-hint`} class="hint">${props.hint}</div>`}
    <input
      id=${id}
      name=${props.name}
      type=${props.type ?? 'text'}
      value=${props.value}
      autocomplete=${props.autocomplete}
      inputmode=${props.inputmode}
      aria-invalid=${props.error !== undefined}
      aria-describedby=${described === '' ? undefined : described}
      onInput=${(e: Event) => props.onInput((e.target as HTMLInputElement).value)}
    />
    ${props.error === undefined ? null : html`<div id=${`${id}-error`} class="error" role="alert">${props.error}</div>`}
  </div>`;
}
