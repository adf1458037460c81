import type { ComponentChildren } from 'preact';
import { html } from './html.js';

/** Semantic tones; a badge always carries its word, so colour never carries meaning alone. */
export type Tone = 'neutral' | 'info' | 'success' | 'warning' | 'danger';

export function Badge(props: { tone?: Tone; children: ComponentChildren; title?: string }) {
  return html`<span class=${`badge badge-${props.tone ?? 'neutral'}`} title=${props.title}>${props.children}</span>`;
}

const CASE_STATUS: Record<string, [string, Tone]> = {
  referred: ['Referred', 'info'],
  records_pending: ['Records pending', 'warning'],
  ready: ['Ready to schedule', 'success'],
  scheduled: ['Scheduled', 'info'],
  evaluated: ['Evaluated', 'info'],
  in_review: ['In board review', 'info'],
  consensus: ['Consensus reached', 'success'],
  third_opinion_requested: ['Third opinion requested', 'warning'],
  closed: ['Closed', 'neutral'],
  withdrawn: ['Withdrawn', 'neutral'],
};

/** Every case status, in the order a case moves through them (withdrawal last). */
export const CASE_STATUS_ORDER: readonly string[] = Object.keys(CASE_STATUS);

export const caseStatusWords = (status: string): string => CASE_STATUS[status]?.[0] ?? status;

export function CaseStatusBadge(props: { status: string }) {
  const [text, tone] = CASE_STATUS[props.status] ?? [props.status, 'neutral'];
  return html`<${Badge} tone=${tone}>${text}<//>`;
}

/** A diagnosis change's significance: major = red with its word, minor = amber. */
export function ChangeBadge(props: { significance: string }) {
  const s = props.significance;
  if (s === 'major') return html`<${Badge} tone="danger">Major change<//>`;
  if (s === 'minor') return html`<${Badge} tone="warning">Minor change<//>`;
  return html`<${Badge} tone="success">Concordant<//>`;
}

export function UrgencyBadge(props: { urgency: string }) {
  return props.urgency === 'urgent' ? html`<${Badge} tone="danger">Urgent<//>` : html`<${Badge}>Routine<//>`;
}

/** A synthetic (demo or test) patient, never to be mistaken for a real one. */
export function SyntheticBadge() {
  return html`<${Badge} tone="warning" title="Made-up patient for training or testing">Synthetic patient<//>`;
}
