/** The board's codes in words, with the badge tone each one carries. */
import type { Schemas } from '../api/client.js';
import { Badge, type Tone } from '../ui/badge.js';
import { html } from '../ui/html.js';

type SessionStatus = Schemas['BoardSessionDto']['status'];

const SESSION_STATUS: Record<SessionStatus, [string, Tone]> = {
  scheduled: ['Scheduled', 'info'],
  in_progress: ['In progress', 'success'],
  closed: ['Closed', 'neutral'],
  cancelled: ['Cancelled', 'danger'],
};

export const sessionStatusWords = (s: SessionStatus): string => SESSION_STATUS[s][0];

export function SessionStatusBadge(props: { status: SessionStatus }) {
  const [text, tone] = SESSION_STATUS[props.status];
  return html`<${Badge} tone=${tone}>${text}<//>`;
}

export const MODE_WORDS: Record<Schemas['AgendaItemDto']['mode'], string> = {
  discuss: 'Discussed by the board',
  standard_of_care: 'Standard of care, not discussed',
};

export const ASSESSMENT_SOURCE_WORDS: Record<string, string> = {
  referring: 'referring diagnosis',
  pathology_review: 'pathology review',
  radiology_review: 'radiology review',
  board: "board's diagnosis",
};

export const TRIAL_STATUS_WORDS: Record<Schemas['TrialDto']['status'], string> = {
  not_yet_recruiting: 'Not yet recruiting',
  recruiting: 'Recruiting',
  active_not_recruiting: 'Active, not recruiting',
  completed: 'Completed',
  closed: 'Closed',
};

export const phaseWords = (p: Schemas['TrialDto']['phase']): string => `Phase ${p}`;

const ELIGIBILITY: Record<Schemas['TrialMatchDto']['status'], [string, Tone]> = {
  eligible: ['Eligible', 'success'],
  possibly_eligible: ['Possibly eligible', 'warning'],
  not_eligible: ['Not eligible', 'neutral'],
};

export function EligibilityBadge(props: { status: Schemas['TrialMatchDto']['status'] }) {
  const [text, tone] = ELIGIBILITY[props.status];
  return html`<${Badge} tone=${tone}>${text}<//>`;
}

const CRITERION: Record<Schemas['TrialCriterionResultDto']['result'], [string, Tone]> = {
  met: ['Met', 'success'],
  failed: ['Not met', 'danger'],
  unknown: ['To check', 'warning'],
};

export function CriterionBadge(props: { result: Schemas['TrialCriterionResultDto']['result'] }) {
  const [text, tone] = CRITERION[props.result];
  return html`<${Badge} tone=${tone}>${text}<//>`;
}

/** "menopausal status" → "Menopausal status" (the matcher's criteria are already words). */
export const sentence = (s: string): string => (s === '' ? s : s[0].toUpperCase() + s.slice(1));

/** "HOLMES, Ada": how a patient is named on lists clinicians check. */
export const patientName = (p: { familyName: string; givenName: string }): string =>
  `${p.familyName.toUpperCase()}, ${p.givenName}`;
