import { useState } from 'preact/hooks';
import { client, ok, type Schemas } from '../api/client.js';
import type { Me } from '../router.js';
import { Badge } from '../ui/badge.js';
import { Button, ConfirmButton } from '../ui/button.js';
import { EmptyState, LoadError, Loading } from '../ui/empty.js';
import { Field, Fieldset, SelectField, TextAreaField } from '../ui/field.js';
import { html } from '../ui/html.js';
import { ApiError } from '../api/session.js';
import { fieldErrors, problemText } from '../ui/problem.js';
import { toastSuccess } from '../ui/toast.js';
import { useLoad } from '../ui/use-load.js';
import { phaseWords, TRIAL_STATUS_WORDS } from './words.js';

type Trial = Schemas['TrialDto'];
type Eligibility = Schemas['EligibilityDto'];
type Phase = Trial['phase'];
type TrialStatus = Trial['status'];

const PHASES: Phase[] = ['1', '1/2', '2', '2/3', '3', '4'];

/** The eligibility the form edits, as typed (lists comma-separated, biomarkers one per line). */
interface Draft {
  clinicId: string;
  nctId: string;
  title: string;
  phase: string;
  status: string;
  sites: string;
  histologies: string;
  stageMin: string;
  stageMax: string;
  ageMin: string;
  ageMax: string;
  sex: string;
  ecogMax: string;
  required: string;
  excluding: string;
}

const EMPTY: Draft = {
  clinicId: '',
  nctId: '',
  title: '',
  phase: '',
  status: 'recruiting',
  sites: '',
  histologies: '',
  stageMin: '',
  stageMax: '',
  ageMin: '',
  ageMax: '',
  sex: '',
  ecogMax: '',
  required: '',
  excluding: '',
};

const list = (s: string): string[] =>
  s
    .split(/[,;\s]+/)
    .map((x) => x.trim())
    .filter((x) => x !== '');
const markers = (s: string): NonNullable<Eligibility['requiredBiomarkers']> =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => {
      const [name, ...rest] = l.split(/\s+/);
      const value = rest.join(' ');
      return value === '' ? { name: name ?? l } : { name: name ?? l, value };
    });
const markerText = (m: Eligibility['requiredBiomarkers']): string =>
  (m ?? []).map((b) => [b.name, b.value ?? b.variant ?? ''].join(' ').trim()).join('\n');
const int = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s));

function draftOf(t: Trial): Draft {
  const e = t.eligibility;
  return {
    clinicId: t.clinicId,
    nctId: t.nctId,
    title: t.title,
    phase: t.phase,
    status: t.status,
    sites: (e.sites ?? []).join(', '),
    histologies: (e.histologies ?? []).join(', '),
    stageMin: e.stageMin ?? '',
    stageMax: e.stageMax ?? '',
    ageMin: e.ageMin === undefined ? '' : String(e.ageMin),
    ageMax: e.ageMax === undefined ? '' : String(e.ageMax),
    sex: e.sex ?? '',
    ecogMax: e.ecogMax === undefined ? '' : String(e.ecogMax),
    required: markerText(e.requiredBiomarkers),
    excluding: markerText(e.excludingBiomarkers),
  };
}

/** The draft's eligibility, keeping what the form does not show (prior therapy, CNS, menopausal status…). */
function eligibilityOf(d: Draft, kept: Eligibility = {}): Eligibility {
  const e: Eligibility = { ...kept };
  const set = <K extends keyof Eligibility>(k: K, v: Eligibility[K] | undefined): void => {
    if (v === undefined || (Array.isArray(v) && v.length === 0)) delete e[k];
    else e[k] = v;
  };
  set('sites', list(d.sites));
  set('histologies', list(d.histologies));
  set('stageMin', d.stageMin.trim() === '' ? undefined : d.stageMin.trim());
  set('stageMax', d.stageMax.trim() === '' ? undefined : d.stageMax.trim());
  set('ageMin', int(d.ageMin));
  set('ageMax', int(d.ageMax));
  set('sex', d.sex === '' ? undefined : (d.sex as 'female' | 'male'));
  set('ecogMax', int(d.ecogMax));
  set('requiredBiomarkers', markers(d.required));
  set('excludingBiomarkers', markers(d.excluding));
  return e;
}

/** "eligibility.ageMin" → "ageMin": the form's names. */
const errorsOf = (err: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries(fieldErrors(err)).map(([k, v]) => [k.replace(/^eligibility\./, '').replace(/\.\d+.*$/, ''), v]),
  );

/** A short reading of a trial's eligibility, in words. */
function eligibilitySummary(e: Eligibility): string {
  const parts: string[] = [];
  if (e.sites !== undefined) parts.push(`sites ${e.sites.join(', ')}`);
  if (e.histologies !== undefined) parts.push(`histology ${e.histologies.join(', ')}`);
  if (e.stageMin !== undefined || e.stageMax !== undefined)
    parts.push(`stage ${e.stageMin ?? '…'} to ${e.stageMax ?? '…'}`);
  if (e.requiredBiomarkers !== undefined) parts.push(`needs ${markerText(e.requiredBiomarkers).replace(/\n/g, ', ')}`);
  if (e.excludingBiomarkers !== undefined)
    parts.push(`excludes ${markerText(e.excludingBiomarkers).replace(/\n/g, ', ')}`);
  if (e.ageMin !== undefined || e.ageMax !== undefined) parts.push(`age ${e.ageMin ?? 0} to ${e.ageMax ?? 120}`);
  if (e.sex !== undefined) parts.push(e.sex === 'female' ? 'women' : 'men');
  if (e.ecogMax !== undefined) parts.push(`ECOG up to ${e.ecogMax}`);
  return parts.length === 0 ? 'No criteria given' : parts.join('; ');
}

/** The clinical trials each clinic offers; its coordinators add, edit and withdraw them. */
export function Trials(props: { me: Me }) {
  const clinics = useLoad(
    () => ok(client.GET('/api/clinics', { params: { query: { limit: 200 } } })).then((p) => p.items),
    [],
  );
  const trials = useLoad(() => ok(client.GET('/api/trials')), []);
  const [draft, setDraft] = useState<Draft>();
  const [editing, setEditing] = useState<Trial>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const manage = props.me.role === 'coordinator' || props.me.role === 'admin';
  const error = clinics.error ?? trials.error;
  const head = html`<div class="page-head">
    <h1>Clinical trials</h1>
    ${manage && draft === undefined ? html`<${Button} variant="primary" onClick=${() => (setDraft({ ...EMPTY }), setEditing(undefined), setErrors({}))}>Add a trial<//>` : null}
  </div>`;
  if (error !== undefined)
    return html`<main>${head}<${LoadError} text=${error} retry=${() => (clinics.reload(), trials.reload())} /></main>`;
  if (clinics.data === undefined || trials.data === undefined)
    return html`<main>${head}<${Loading} what="the trials" /></main>`;
  const clinicName = new Map(clinics.data.map((c) => [c.id, c.name]));
  const close = (): void => {
    setDraft(undefined);
    setEditing(undefined);
    setErrors({});
  };
  const submit = async (d: Draft): Promise<void> => {
    try {
      if (editing === undefined) {
        const clinicId = d.clinicId !== '' ? d.clinicId : clinics.data?.length === 1 ? clinics.data[0].id : '';
        if (clinicId === '') return setErrors({ clinicId: 'Choose the clinic that offers the trial' });
        if (d.phase === '') return setErrors({ phase: 'Choose the phase' });
        const created = await ok(
          client.POST('/api/trials', {
            body: {
              clinicId,
              nctId: d.nctId.trim().toUpperCase(),
              title: d.title.trim(),
              phase: d.phase as Phase,
              status: d.status as TrialStatus,
              eligibility: eligibilityOf(d),
            },
          }),
        );
        toastSuccess(`${created.nctId} is on the list.`);
      } else {
        const saved = await ok(
          client.PATCH('/api/trials/{trialId}', {
            params: { path: { trialId: editing.id }, header: { 'If-Match': `"${editing.version}"` } },
            body: {
              title: d.title.trim(),
              phase: d.phase as Phase,
              status: d.status as TrialStatus,
              eligibility: eligibilityOf(d, editing.eligibility),
            },
          }),
        );
        toastSuccess(`${saved.nctId} is saved.`);
      }
      close();
      trials.reload();
    } catch (err) {
      if (err instanceof ApiError && err.problem.status === 412) {
        setErrors({ form: 'Someone else changed this trial since you opened it. Close the form and edit it again.' });
        trials.reload();
        return;
      }
      const fields = errorsOf(err);
      setErrors(Object.keys(fields).length > 0 ? fields : { form: problemText(err) });
    }
  };
  const items = trials.data;
  return html`<main class="trials-page">
    ${head}
    ${
      draft === undefined
        ? null
        : html`<section class="card" aria-labelledby="trial-form-h">
            <h2 id="trial-form-h">${editing === undefined ? 'Add a trial' : `Edit ${editing.nctId}`}</h2>
            <${TrialForm}
              draft=${draft}
              onDraft=${setDraft}
              clinics=${clinics.data}
              isNew=${editing === undefined}
              errors=${errors}
              onSubmit=${() => submit(draft)}
              onCancel=${close}
            />
          </section>`
    }
    ${
      items.length === 0
        ? html`<${EmptyState} title="No trial on your clinics’ lists"
            >${manage ? 'Add the trials your clinic can offer; the board then sees which ones fit each case.' : 'Your coordinators keep the list.'}<//
          >`
        : html`<ul class="trial-list" aria-label="Clinical trials">
            ${items.map(
              (t) =>
                html`<${TrialItem}
                  key=${t.id}
                  trial=${t}
                  clinic=${clinicName.get(t.clinicId) ?? 'Another clinic'}
                  manage=${manage}
                  onEdit=${() => (setEditing(t), setDraft(draftOf(t)), setErrors({}))}
                  onWithdrawn=${trials.reload}
                />`,
            )}
          </ul>`
    }
  </main>`;
}

function TrialItem(props: {
  trial: Trial;
  clinic: string;
  manage: boolean;
  onEdit: () => void;
  onWithdrawn: () => void;
}) {
  const t = props.trial;
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string>();
  const withdrawn = t.withdrawnAt !== null;
  const withdraw = async (): Promise<void> => {
    try {
      await ok(
        client.POST('/api/trials/{trialId}/withdrawal', { params: { path: { trialId: t.id } }, body: { reason } }),
      );
      toastSuccess(`${t.nctId} is withdrawn: no longer offered.`);
      setReasonError(undefined);
      props.onWithdrawn();
    } catch (err) {
      const fields = fieldErrors(err);
      setReasonError(fields.reason ?? problemText(err));
      throw err;
    }
  };
  return html`<li class=${`card trial${withdrawn ? ' withdrawn' : ''}`} data-nct=${t.nctId}>
    <p class="trial-title"><strong>${t.nctId}</strong> ${t.title}</p>
    <p class="trial-facts">
      <span>${phaseWords(t.phase)}</span>
      ${
        withdrawn
          ? html`<${Badge} tone="neutral">Withdrawn<//>`
          : html`<${Badge} tone=${t.status === 'recruiting' ? 'success' : 'info'}>${TRIAL_STATUS_WORDS[t.status]}<//>`
      }
      <span>${props.clinic}</span>
    </p>
    ${withdrawn && t.withdrawnReason !== null ? html`<p class="muted">${`Withdrawn: ${t.withdrawnReason}`}</p>` : null}
    <p>${`Who it is for: ${eligibilitySummary(t.eligibility)}.`}</p>
    ${
      props.manage
        ? html`${
            withdrawn
              ? null
              : html`<div class="row-actions">
                  <${Button} label=${`Edit ${t.nctId}`} onClick=${props.onEdit}>Edit<//>
                  <${ConfirmButton}
                    title=${`Withdraw ${t.nctId}?`}
                    message=${html`<p>
                        The trial stays on record with your reason but is no longer offered to any patient. It cannot be
                        put back; list it again if needed.
                      </p>
                      ${TextAreaField({
                        label: 'Why it is withdrawn',
                        name: `withdraw-${t.id}`,
                        value: reason,
                        onInput: setReason,
                        required: true,
                        rows: 2,
                        error: reasonError,
                      })}`}
                    confirmLabel="Withdraw the trial"
                    onConfirm=${withdraw}
                    >Withdraw<//
                  >
                </div>`
          }`
        : null
    }
  </li>`;
}

function TrialForm(props: {
  draft: Draft;
  onDraft: (d: Draft) => void;
  clinics: Schemas['ClinicResponseDto'][];
  isNew: boolean;
  errors: Record<string, string>;
  onSubmit: () => Promise<void>;
  onCancel: () => void;
}) {
  const d = props.draft;
  const e = props.errors;
  const set = (patch: Partial<Draft>): void => props.onDraft({ ...d, ...patch });
  const [busy, setBusy] = useState(false);
  const submit = async (ev: Event): Promise<void> => {
    ev.preventDefault();
    setBusy(true);
    try {
      await props.onSubmit();
    } finally {
      setBusy(false);
    }
  };
  return html`<form onSubmit=${submit} novalidate aria-label=${props.isNew ? 'Add a trial' : 'Edit the trial'}>
    ${
      props.isNew && props.clinics.length > 1
        ? SelectField({
            label: 'Clinic',
            name: 'trial-clinic',
            value: d.clinicId,
            onInput: (v) => set({ clinicId: v }),
            options: props.clinics.map((c) => ({ value: c.id, label: c.name })),
            placeholder: 'Choose the clinic…',
            required: true,
            error: e.clinicId,
          })
        : null
    }
    <div class="field-row">
      ${
        props.isNew
          ? Field({
              label: 'NCT number',
              name: 'trial-nct',
              value: d.nctId,
              onInput: (v) => set({ nctId: v }),
              required: true,
              placeholder: 'NCT01234567',
              hint: 'As ClinicalTrials.gov lists it.',
              error: e.nctId,
            })
          : null
      }
      ${SelectField({
        label: 'Phase',
        name: 'trial-phase',
        value: d.phase,
        onInput: (v) => set({ phase: v }),
        options: PHASES.map((p) => ({ value: p, label: phaseWords(p) })),
        placeholder: 'Choose…',
        required: true,
        error: e.phase,
      })}
      ${SelectField({
        label: 'Status',
        name: 'trial-status',
        value: d.status,
        onInput: (v) => set({ status: v }),
        options: Object.entries(TRIAL_STATUS_WORDS).map(([value, label]) => ({ value, label })),
        required: true,
        error: e.status,
      })}
    </div>
    ${Field({ label: 'Title', name: 'trial-title', value: d.title, onInput: (v) => set({ title: v }), required: true, error: e.title })}
    <${Fieldset} legend="Who it is for" hint="Leave out what the trial does not restrict.">
      <div class="field-row">
        ${Field({ label: 'Primary sites', name: 'trial-sites', value: d.sites, onInput: (v) => set({ sites: v }), placeholder: 'C50', hint: 'ICD-O-3 topography, e.g. C50 for breast; separate with commas.', error: e.sites })}
        ${Field({ label: 'Histologies', name: 'trial-histologies', value: d.histologies, onInput: (v) => set({ histologies: v }), placeholder: '8500/3', hint: 'ICD-O-3 morphology or its first digits.', error: e.histologies })}
      </div>
      <div class="field-row">
        ${Field({ label: 'Stage from', name: 'trial-stage-min', value: d.stageMin, onInput: (v) => set({ stageMin: v }), placeholder: 'II', error: e.stageMin })}
        ${Field({ label: 'Stage up to', name: 'trial-stage-max', value: d.stageMax, onInput: (v) => set({ stageMax: v }), placeholder: 'IIIC', error: e.stageMax })}
        ${Field({ label: 'Age from', name: 'trial-age-min', value: d.ageMin, inputmode: 'numeric', onInput: (v) => set({ ageMin: v }), error: e.ageMin })}
        ${Field({ label: 'Age up to', name: 'trial-age-max', value: d.ageMax, inputmode: 'numeric', onInput: (v) => set({ ageMax: v }), error: e.ageMax })}
      </div>
      <div class="field-row">
        ${SelectField({
          label: 'Sex',
          name: 'trial-sex',
          value: d.sex,
          onInput: (v) => set({ sex: v }),
          options: [
            { value: 'female', label: 'Women only' },
            { value: 'male', label: 'Men only' },
          ],
          placeholder: 'Anyone',
          error: e.sex,
        })}
        ${Field({ label: 'ECOG up to', name: 'trial-ecog', value: d.ecogMax, inputmode: 'numeric', onInput: (v) => set({ ecogMax: v }), error: e.ecogMax })}
      </div>
      <div class="field-row">
        ${TextAreaField({ label: 'Biomarkers required', name: 'trial-required', value: d.required, onInput: (v) => set({ required: v }), rows: 2, hint: 'One per line: the marker, then the result, e.g. “HER2 positive”.', error: e.requiredBiomarkers })}
        ${TextAreaField({ label: 'Biomarkers that exclude', name: 'trial-excluding', value: d.excluding, onInput: (v) => set({ excluding: v }), rows: 2, hint: 'One per line, e.g. “ER positive”.', error: e.excludingBiomarkers })}
      </div>
    </${Fieldset}>
    ${e.form === undefined ? null : html`<div class="alert alert-danger" role="alert">${e.form}</div>`}
    <div class="actions">
      <button type="submit" class="btn btn-primary" disabled=${busy}>${props.isNew ? 'Add the trial' : 'Save changes'}</button>
      <${Button} variant="quiet" onClick=${props.onCancel}>Discard<//>
    </div>
  </form>`;
}
