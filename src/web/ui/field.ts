import type { ComponentChildren } from 'preact';
import { html } from './html.js';

/** The id, hint and error wiring every labelled control shares. */
function wiring(name: string, hint?: string, error?: string) {
  const id = `f-${name.replace(/\W/g, '-')}`;
  const described = [hint === undefined ? null : `${id}-hint`, error === undefined ? null : `${id}-error`]
    .filter((x) => x !== null)
    .join(' ');
  return {
    id,
    describedBy: described === '' ? undefined : described,
    hint: hint === undefined ? null : html`<div id=${`${id}-hint`} class="hint">${hint}</div>`,
    error: error === undefined ? null : html`<div id=${`${id}-error`} class="error" role="alert">${error}</div>`,
  };
}

const required = (r: boolean | undefined) => (r === true ? html`<span class="req" aria-hidden="true"> *</span>` : null);

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
  required?: boolean;
  placeholder?: string;
  min?: string;
  max?: string;
}) {
  const w = wiring(props.name, props.hint, props.error);
  return html`<div class="field">
    <label for=${w.id}>${props.label}${required(props.required)}</label>
    ${w.hint}
    <input
      id=${w.id}
      name=${props.name}
      type=${props.type ?? 'text'}
      value=${props.value}
      autocomplete=${props.autocomplete}
      inputmode=${props.inputmode}
      placeholder=${props.placeholder}
      min=${props.min}
      max=${props.max}
      required=${props.required}
      aria-invalid=${props.error !== undefined}
      aria-describedby=${w.describedBy}
      onInput=${(e: Event) => props.onInput((e.target as HTMLInputElement).value)}
    />
    ${w.error}
  </div>`;
}

/** A labelled choice. `placeholder` is an empty first option ("Choose…"): nothing is chosen for the user. */
export function SelectField(props: {
  label: string;
  name: string;
  value: string;
  onInput: (v: string) => void;
  options: { value: string; label: string }[];
  placeholder?: string;
  error?: string;
  hint?: string;
  required?: boolean;
}) {
  const w = wiring(props.name, props.hint, props.error);
  return html`<div class="field">
    <label for=${w.id}>${props.label}${required(props.required)}</label>
    ${w.hint}
    <select
      id=${w.id}
      name=${props.name}
      value=${props.value}
      required=${props.required}
      aria-invalid=${props.error !== undefined}
      aria-describedby=${w.describedBy}
      onChange=${(e: Event) => props.onInput((e.target as HTMLSelectElement).value)}
    >
      ${props.placeholder === undefined ? null : html`<option value="">${props.placeholder}</option>`}
      ${props.options.map((o) => html`<option value=${o.value} selected=${o.value === props.value}>${o.label}</option>`)}
    </select>
    ${w.error}
  </div>`;
}

export function TextAreaField(props: {
  label: string;
  name: string;
  value: string;
  onInput: (v: string) => void;
  error?: string;
  hint?: string;
  required?: boolean;
  rows?: number;
}) {
  const w = wiring(props.name, props.hint, props.error);
  return html`<div class="field">
    <label for=${w.id}>${props.label}${required(props.required)}</label>
    ${w.hint}
    <textarea
      id=${w.id}
      name=${props.name}
      rows=${props.rows ?? 3}
      required=${props.required}
      aria-invalid=${props.error !== undefined}
      aria-describedby=${w.describedBy}
      onInput=${(e: Event) => props.onInput((e.target as HTMLTextAreaElement).value)}
    >
${props.value}</textarea>
    ${w.error}
  </div>`;
}

export function CheckboxField(props: {
  label: ComponentChildren;
  name: string;
  checked: boolean;
  onInput: (v: boolean) => void;
  error?: string;
  hint?: string;
}) {
  const w = wiring(props.name, props.hint, props.error);
  return html`<div class="field field-check">
    <input
      id=${w.id}
      name=${props.name}
      type="checkbox"
      checked=${props.checked}
      aria-invalid=${props.error !== undefined}
      aria-describedby=${w.describedBy}
      onChange=${(e: Event) => props.onInput((e.target as HTMLInputElement).checked)}
    />
    <label for=${w.id}>${props.label}</label>
    ${w.hint} ${w.error}
  </div>`;
}

/** A group of related fields with a visible legend. */
export function Fieldset(props: { legend: string; children: ComponentChildren; hint?: string }) {
  return html`<fieldset>
    <legend>${props.legend}</legend>
    ${props.hint === undefined ? null : html`<p class="hint">${props.hint}</p>`} ${props.children}
  </fieldset>`;
}
