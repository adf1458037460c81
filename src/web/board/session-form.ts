import { useState } from 'preact/hooks';
import type { Schemas } from '../api/client.js';
import { Button } from '../ui/button.js';
import { Field, SelectField } from '../ui/field.js';
import { clockTime, isoDateIn, zoneLabel } from '../ui/format.js';
import { html } from '../ui/html.js';
import { DISCIPLINE_WORDS, labelOf } from '../ui/labels.js';
import { zonedIso } from './zoned.js';

type Clinic = Schemas['ClinicResponseDto'];
type Specialist = Schemas['SpecialistResponseDto'];

/** What the form edits, as the coordinator types it (wall-clock times in the clinic's zone). */
export interface SessionDraft {
  clinicId: string;
  title: string;
  date: string;
  start: string;
  end: string;
  location: string;
  videoUrl: string;
  chairId: string;
}

export function draftOf(s: Schemas['BoardSessionDto'], timeZone: string): SessionDraft {
  return {
    clinicId: s.clinicId,
    title: s.title,
    date: isoDateIn(s.startsAt, timeZone),
    start: clockTime(s.startsAt, timeZone),
    end: clockTime(s.endsAt, timeZone),
    location: s.location ?? '',
    videoUrl: s.videoUrl ?? '',
    chairId: s.chairId ?? '',
  };
}

/** The instants of a draft, or the field that is wrong. */
export function timesOf(
  d: SessionDraft,
  timeZone: string,
): { startsAt: string; endsAt: string } | { field: string; message: string } {
  const startsAt = zonedIso(d.date, d.start, timeZone);
  if (startsAt === undefined)
    return d.date === ''
      ? { field: 'date', message: 'Choose the date' }
      : { field: 'start', message: 'Give the start time' };
  const endsAt = zonedIso(d.date, d.end, timeZone);
  if (endsAt === undefined) return { field: 'end', message: 'Give the end time' };
  if (endsAt <= startsAt) return { field: 'end', message: 'The session must end after it starts' };
  return { startsAt, endsAt };
}

/** The server's field names → the form's (the times are typed as date, start and end). */
export function formErrors(fields: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { ...fields };
  if (fields.startsAt !== undefined) out.start = fields.startsAt;
  if (fields.endsAt !== undefined)
    out.end = fields.endsAt.replace(/endsAt must be after startsAt/i, 'The session must end after it starts');
  return out;
}

const chairLabel = (s: Specialist): string =>
  `${s.displayName} (${s.disciplines.map((d) => labelOf(DISCIPLINE_WORDS, d)).join(', ')})`;

/** A board session's fields: clinic (on creation), title, date and times in the clinic's zone, place, chair. */
export function SessionForm(props: {
  draft: SessionDraft;
  onDraft: (d: SessionDraft) => void;
  clinics: Clinic[];
  specialists: Specialist[];
  errors: Record<string, string>;
  chooseClinic: boolean;
  submitLabel: string;
  onSubmit: () => Promise<void>;
  onCancel?: () => void;
}) {
  const d = props.draft;
  const set = (patch: Partial<SessionDraft>): void => props.onDraft({ ...d, ...patch });
  const clinic = props.clinics.find((c) => c.id === d.clinicId);
  const zone = clinic === undefined ? '' : zoneLabel(clinic.timeZone);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    try {
      await props.onSubmit();
    } finally {
      setBusy(false);
    }
  };
  const e = props.errors;
  return html`<form class="session-form" onSubmit=${submit} aria-label=${props.submitLabel} novalidate>
    ${
      props.chooseClinic
        ? SelectField({
            label: 'Clinic',
            name: 'session-clinic',
            value: d.clinicId,
            onInput: (v) => set({ clinicId: v, chairId: '' }),
            options: props.clinics.map((c) => ({ value: c.id, label: c.name })),
            placeholder: 'Choose the clinic…',
            required: true,
            error: e.clinicId,
          })
        : null
    }
    ${Field({
      label: 'Title',
      name: 'session-title',
      value: d.title,
      onInput: (v) => set({ title: v }),
      required: true,
      placeholder: 'Breast tumour board',
      error: e.title,
    })}
    <div class="field-row">
      ${Field({
        label: 'Date',
        name: 'session-date',
        type: 'date',
        value: d.date,
        onInput: (v) => set({ date: v }),
        required: true,
        error: e.date,
      })}
      ${Field({
        label: `Starts at${zone === '' ? '' : ` (${zone})`}`,
        name: 'session-start',
        type: 'time',
        value: d.start,
        onInput: (v) => set({ start: v }),
        required: true,
        error: e.start,
      })}
      ${Field({
        label: `Ends at${zone === '' ? '' : ` (${zone})`}`,
        name: 'session-end',
        type: 'time',
        value: d.end,
        onInput: (v) => set({ end: v }),
        required: true,
        error: e.end,
      })}
    </div>
    <p class="hint">
      ${clinic === undefined ? 'Times are in the clinic’s time zone.' : `Times are in the clinic’s time zone, ${clinic.timeZone} (${zone}).`}
    </p>
    <div class="field-row">
      ${Field({
        label: 'Place',
        name: 'session-location',
        value: d.location,
        onInput: (v) => set({ location: v }),
        placeholder: 'Conference room 2',
        error: e.location,
      })}
      ${Field({
        label: 'Video link',
        name: 'session-video',
        type: 'url',
        value: d.videoUrl,
        onInput: (v) => set({ videoUrl: v }),
        placeholder: 'https://',
        hint: 'An https link, if some attend remotely.',
        error: e.videoUrl,
      })}
    </div>
    ${SelectField({
      label: 'Chair',
      name: 'session-chair',
      value: d.chairId,
      onInput: (v) => set({ chairId: v }),
      options: props.specialists.map((s) => ({ value: s.userId, label: chairLabel(s) })),
      placeholder: 'No chair yet',
      hint: 'A clinician of the clinic; the chair signs the plan.',
      error: e.chairId,
    })}
    ${e.form === undefined ? null : html`<div class="alert alert-danger" role="alert">${e.form}</div>`}
    <div class="actions">
      <button type="submit" class="btn btn-primary" disabled=${busy} aria-busy=${busy ? 'true' : undefined}>
        ${props.submitLabel}
      </button>
      ${props.onCancel === undefined ? null : html`<${Button} variant="quiet" onClick=${props.onCancel}>Discard changes<//>`}
    </div>
  </form>`;
}
