import { useMemo, useState } from 'preact/hooks';
import { validateDiagnosis, type DiagnosisInput } from '../../cases/clinical/validate.js';
import { client, ok, type Schemas } from '../api/client.js';
import { navigate } from '../router.js';
import { Button } from '../ui/button.js';
import { morphologyWithName, topographyWithName } from '../ui/codes.js';
import { LoadError } from '../ui/empty.js';
import { Field, Fieldset, SelectField, TextAreaField } from '../ui/field.js';
import { html } from '../ui/html.js';
import {
  INITIATOR_WORDS,
  INTENT_WORDS,
  LATERALITY_WORDS,
  MODALITY_WORDS,
  REFERRAL_REASON_WORDS,
  SETTING_WORDS,
  SEX_WORDS,
  optionsOf,
} from '../ui/labels.js';
import { ApiError } from '../api/session.js';
import { fieldErrors, plainFieldMessage, problemText } from '../ui/problem.js';
import { toastSuccess } from '../ui/toast.js';
import { useLoad } from '../ui/use-load.js';
import { getAt, setAt, toBody, type Draft } from './draft.js';
import { FhirImport } from './legacy.js';

type Option = { value: string; label: string };
type Column = { key: string; label: string; options?: Option[]; type?: string; hint?: string };

const YES_NO: Option[] = [
  { value: 'yes', label: 'Yes' },
  { value: 'no', label: 'No' },
];
const GRADES: Option[] = [
  ...['G1', 'G2', 'G3', 'G4', 'GX'].map((g) => ({ value: g, label: g === 'GX' ? 'GX (cannot be assessed)' : g })),
  { value: 'low', label: 'Low grade' },
  { value: 'high', label: 'High grade' },
  ...[1, 2, 3, 4, 5].map((n) => ({ value: `GG${n}`, label: `ISUP grade group ${n}` })),
  ...[1, 2, 3, 4].map((n) => ({ value: `WHO${n}`, label: `WHO CNS grade ${n}` })),
];
const ECOG: Option[] = [
  'Fully active',
  'Restricted in strenuous activity, ambulatory',
  'Ambulatory, self-care, unable to work',
  'Limited self-care, in bed or chair over half the day',
  'Completely disabled',
  'Dead',
].map((label, n) => ({ value: String(n), label: `${n} — ${label}` }));
const MENOPAUSE: Option[] = optionsOf({
  premenopausal: 'Premenopausal',
  perimenopausal: 'Perimenopausal',
  postmenopausal: 'Postmenopausal',
  not_applicable: 'Not applicable',
  unknown: 'Unknown',
});
const RELATIVES = [
  'mother',
  'father',
  'sister',
  'brother',
  'daughter',
  'son',
  'maternal_grandmother',
  'maternal_grandfather',
  'paternal_grandmother',
  'paternal_grandfather',
  'maternal_aunt',
  'paternal_aunt',
  'other',
];
const words = (code: string): string => code.charAt(0).toUpperCase() + code.slice(1).replace(/_/g, ' ');

/** A repeatable group (biomarkers, recommendation items, medications…): one row of fields each, added and removed. */
function Rows(props: {
  legend: string;
  path: string;
  draft: Draft;
  columns: Column[];
  addLabel: string;
  hint?: string;
  error: (path: string) => string | undefined;
  set: (path: string, value: string | Draft[]) => void;
}) {
  const rows = (getAt(props.draft, props.path) as Draft[] | undefined) ?? [];
  return html`<${Fieldset} legend=${props.legend} hint=${props.hint}>
    ${rows.length === 0 ? html`<p class="muted">None entered.</p>` : null}
    ${rows.map(
      (row, i) =>
        html`<div class="field-row repeat-row" key=${i}>
          ${props.columns.map((c) => {
            const path = `${props.path}.${i}.${c.key}`;
            const value = typeof row[c.key] === 'string' ? (row[c.key] as string) : '';
            const label = `${c.label} (${i + 1})`;
            return c.options === undefined
              ? Field({
                  label,
                  name: path,
                  value,
                  type: c.type,
                  hint: c.hint,
                  onInput: (v) => props.set(path, v),
                  error: props.error(path),
                })
              : SelectField({
                  label,
                  name: path,
                  value,
                  options: c.options,
                  placeholder: 'Choose…',
                  onInput: (v) => props.set(path, v),
                  error: props.error(path),
                });
          })}
          <${Button}
            variant="quiet"
            label=${`Remove ${props.legend.toLowerCase()} ${i + 1}`}
            onClick=${() =>
              props.set(
                props.path,
                rows.filter((_, j) => j !== i),
              )}
            >Remove<//
          >
        </div>`,
    )}
    <${Button} variant="secondary" onClick=${() => props.set(props.path, [...rows, {}])}>${props.addLabel}<//>
  <//>`;
}

/** The referring diagnosis as the shared validator reads it, from what has been typed so far. */
function diagnosisOf(draft: Draft): DiagnosisInput | undefined {
  const d = toBody(getAt(draft, 'referringDiagnosis') ?? {}) as Record<string, unknown> | undefined;
  if (d === undefined || typeof d.primarySite !== 'string') return undefined;
  return { ...d, malignant: d.malignant !== false } as unknown as DiagnosisInput;
}

/**
 * Referral intake: every field of the model, nothing chosen for the user.
 * Sex, urgency, who asked, why, consent and the referring recommendation are
 * what the referral says, or left empty and refused by name; the diagnosis is
 * checked as it is typed by the same rules the server applies.
 */
export function Intake() {
  const clinics = useLoad(() => ok(client.GET('/api/clinics', { params: { query: { limit: 100 } } })), []);
  const [draft, setDraft] = useState<Draft>({ referringRecommendation: { items: [] } });
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [server, setServer] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const set = (path: string, value: string | Draft[]): void => {
    setDraft((d) => setAt(d, path, value));
    setFailure(undefined);
    setTouched((t) => new Set(t).add(path));
    setServer((s) => {
      if (!(path in s)) return s;
      return Object.fromEntries(Object.entries(s).filter(([k]) => k !== path));
    });
  };
  const diagnosis = diagnosisOf(draft);
  const live = useMemo(() => {
    if (diagnosis === undefined) return {};
    return Object.fromEntries(
      validateDiagnosis(diagnosis, 'referringDiagnosis').map((e) => [
        e.field,
        e.messages.map((m) => plainFieldMessage(e.field, m.replace(new RegExp(`^${e.field}:\\s*`), ''))).join('; '),
      ]),
    );
  }, [JSON.stringify(diagnosis)]);
  const error = (path: string): string | undefined =>
    server[path] ?? (submitted || touched.has(path) ? live[path] : undefined);
  const value = (path: string): string => {
    const v = getAt(draft, path);
    return typeof v === 'string' ? v : '';
  };
  const text = (path: string, label: string, more: Partial<Parameters<typeof Field>[0]> = {}) =>
    Field({ label, name: path, value: value(path), onInput: (v) => set(path, v), error: error(path), ...more });
  const choice = (path: string, label: string, options: Option[], more: { required?: boolean; hint?: string } = {}) =>
    SelectField({
      label,
      name: path,
      value: value(path),
      options,
      placeholder: 'Choose…',
      onInput: (v) => set(path, v),
      error: error(path),
      ...more,
    });
  // No example values inside the boxes: a grey "IIB" beside a typed cT2 cN0 cM0 reads as a stage.
  const stage = (key: string, legend: string, hint: string) =>
    html`<${Fieldset} legend=${legend} hint=${hint}>
      <div class="field-row">
        ${text(`referringDiagnosis.${key}.t`, 'T')} ${text(`referringDiagnosis.${key}.n`, 'N')}
        ${text(`referringDiagnosis.${key}.m`, 'M')} ${text(`referringDiagnosis.${key}.stageGroup`, 'Stage group')}
      </div>
    <//>`;
  const rows = (path: string, legend: string, addLabel: string, columns: Column[], hint?: string) =>
    html`<${Rows}
      legend=${legend}
      path=${path}
      draft=${draft}
      columns=${columns}
      addLabel=${addLabel}
      hint=${hint}
      error=${error}
      set=${set}
    />`;

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setSubmitted(true);
    setFailure(undefined);
    if (Object.keys(live).length > 0) {
      setFailure('The referring diagnosis needs attention: see the fields marked.');
      setTimeout(() => document.querySelector<HTMLElement>('form.intake [aria-invalid="true"]')?.focus(), 0);
      return;
    }
    setBusy(true);
    try {
      // The required parts go even when empty, so that the server names each missing field inside them.
      const typed = (toBody(draft) ?? {}) as Partial<Schemas['CreateCaseDto']>;
      const body = {
        ...typed,
        patient: typed.patient ?? {},
        referringDiagnosis: typed.referringDiagnosis ?? {},
      } as Schemas['CreateCaseDto'];
      const created = await ok(client.POST('/api/cases', { body }));
      toastSuccess(`Referral of ${created.patient.familyName.toUpperCase()}, ${created.patient.givenName} taken in.`);
      navigate(`/case/${created.id}`);
    } catch (err) {
      const fields = fieldErrors(err);
      // An MRN that names someone else is a conflict about one field: say so beside it too.
      if (err instanceof ApiError && err.problem.status === 409 && /MRN/i.test(err.problem.detail ?? ''))
        fields['patient.mrn'] = problemText(err);
      setServer(fields);
      // Take the coordinator to the first field to correct (the form is long).
      setTimeout(() => document.querySelector<HTMLElement>('form.intake [aria-invalid="true"]')?.focus(), 0);
      setFailure(
        err instanceof ApiError && err.problem.status === 400 && (err.problem.errors ?? []).length > 0
          ? `Some fields need attention: ${(err.problem.errors ?? []).length} marked below.`
          : problemText(err),
      );
    } finally {
      setBusy(false);
    }
  };

  const site = value('referringDiagnosis.primarySite');
  const histology = value('referringDiagnosis.histology');
  return html`<main>
    <h1>New referral</h1>
    <p class="muted">Enter what the referral says. Nothing is filled in for you; fields marked * are required.</p>
    ${clinics.error === undefined ? null : html`<${LoadError} text=${clinics.error} />`}
    <details class="card">
      <summary>Import the referral from the referring hospital's system (FHIR) instead</summary>
      <${FhirImport} onImported=${() => undefined} />
    </details>
    <form class="intake" onSubmit=${submit} novalidate>
      <${Fieldset} legend="Patient">
        <div class="field-row">
          ${text('patient.familyName', 'Family name', { required: true, autocomplete: 'off' })}
          ${text('patient.givenName', 'Given name', { required: true, autocomplete: 'off' })}
          ${text('patient.mrn', 'MRN', { required: true, autocomplete: 'off', hint: 'As on the referral, e.g. MRN-0012345' })}
        </div>
        <div class="field-row">
          ${text('patient.birthDate', 'Birth date', { type: 'date', required: true })}
          ${choice('patient.sex', 'Sex', optionsOf(SEX_WORDS), { required: true })}
          ${text('patient.phone', 'Phone', { type: 'tel' })} ${text('patient.email', 'E-mail', { type: 'email' })}
        </div>
        ${choice('patient.consentToRecord', 'Consent to record the board discussion', YES_NO, {
          required: true,
          hint: 'Without consent, transcripts leave the discussion out.',
        })}
      <//>
      <${Fieldset} legend="Referral">
        <div class="field-row">
          ${SelectField({
            label: 'Clinic',
            name: 'clinicId',
            value: value('clinicId'),
            onInput: (v) => set('clinicId', v),
            placeholder: 'Route by the primary site',
            options: (clinics.data?.items ?? []).map((k) => ({ value: k.id, label: k.name })),
            error: error('clinicId'),
          })}
          ${choice('urgency', 'Urgency', optionsOf({ routine: 'Routine', urgent: 'Urgent' }), { required: true })}
        </div>
        <div class="field-row">
          ${text('referringClinician', 'Referring clinician', { required: true })}
          ${text('referringInstitution', 'Referring institution', { required: true })}
        </div>
        ${text('referringEmail', "Referring doctor's e-mail", {
          type: 'email',
          hint: 'When the board signs its plan, a link to download the letter is mailed here; the mail names no patient.',
        })}
        <div class="field-row">
          ${choice('initiator', 'Who asked for the second opinion', optionsOf(INITIATOR_WORDS), { required: true })}
          ${choice('reason', 'Reason for the referral', optionsOf(REFERRAL_REASON_WORDS), { required: true })}
        </div>
        ${TextAreaField({
          label: "The referring doctor's question to the board",
          name: 'history.referringQuestion',
          value: value('history.referringQuestion'),
          onInput: (v) => set('history.referringQuestion', v),
          error: error('history.referringQuestion'),
          rows: 2,
        })}
        ${TextAreaField({
          label: "The patient's goals and preferences",
          name: 'history.patientGoals',
          value: value('history.patientGoals'),
          onInput: (v) => set('history.patientGoals', v),
          error: error('history.patientGoals'),
          rows: 2,
        })}
      <//>
      <${Fieldset} legend="Referring diagnosis" hint="Checked as you type, by the rules the board's diagnosis follows.">
        <div class="field-row">
          ${text('referringDiagnosis.primarySite', 'Primary site (ICD-O-3 topography)', {
            required: true,
            placeholder: 'C50.4',
            hint: site === '' ? 'e.g. C50.4, or an ICD-10-CM code such as C50.412' : topographyWithName(site),
          })}
          ${text('referringDiagnosis.histology', 'Histology (ICD-O-3 morphology)', {
            placeholder: '8500/3',
            hint: histology === '' ? 'e.g. 8500/3' : morphologyWithName(histology),
          })}
        </div>
        <div class="field-row">
          ${choice('referringDiagnosis.malignant', 'Malignant', YES_NO, { required: true })}
          ${choice('referringDiagnosis.laterality', 'Laterality', optionsOf(LATERALITY_WORDS))}
          ${choice('referringDiagnosis.grade', 'Grade', GRADES)}
          ${choice('referringDiagnosis.ecog', 'ECOG performance status', ECOG)}
        </div>
        <div class="field-row">
          ${text('referringDiagnosis.tumourSizeMm', 'Largest tumour size (mm)', { inputmode: 'decimal' })}
          ${text('referringDiagnosis.depthMm', 'Depth of invasion (mm)', { inputmode: 'decimal' })}
          ${choice(
            'referringDiagnosis.ajccEdition',
            'AJCC edition',
            ['9', '8', '7', '6'].map((v) => ({ value: v, label: `${v}th edition` })),
          )}
          ${choice(
            'referringDiagnosis.resectability',
            'Resectability',
            optionsOf({
              resectable: 'Resectable',
              borderline_resectable: 'Borderline resectable',
              locally_advanced: 'Locally advanced',
              metastatic: 'Metastatic',
            }),
          )}
        </div>
        ${stage('clinicalStage', 'Clinical stage (cTNM)', 'As the referral writes it, e.g. cT2, cN1, cM0; stage group e.g. IIB.')}
        ${stage('pathologicalStage', 'Pathological stage (pTNM)', 'e.g. pT1c, pN0(sn); M is cM0 or pM1 (there is no pM0).')}
        ${stage(
          'postTherapyPathologicalStage',
          'After neoadjuvant therapy (ypTNM)',
          'e.g. ypT0, ypN0; M stays as staged before treatment (cM0 or pM1).',
        )}
        <${Fieldset} legend="Gleason score (prostate)">
          <div class="field-row">
            ${text('referringDiagnosis.gleason.primary', 'Primary pattern', { inputmode: 'numeric' })}
            ${text('referringDiagnosis.gleason.secondary', 'Secondary pattern', { inputmode: 'numeric' })}
          </div>
        <//>
        ${rows(
          'referringDiagnosis.biomarkers',
          'Biomarkers',
          'Add a biomarker',
          [
            { key: 'name', label: 'Marker', hint: 'ER, PR, HER2, Ki-67, PD-L1, EGFR…' },
            { key: 'value', label: 'Result as reported', hint: 'e.g. positive (90%)' },
            { key: 'method', label: 'Method', hint: 'IHC, ISH, NGS…' },
            { key: 'percent', label: 'Cells stained (%)' },
            {
              key: 'ihcScore',
              label: 'IHC score',
              options: ['0', '1+', '2+', '3+'].map((v) => ({ value: v, label: v })),
            },
            {
              key: 'origin',
              label: 'Origin',
              options: optionsOf({ somatic: 'Somatic (tumour)', germline: 'Germline' }),
            },
          ],
          'Each as the report gives it; HER2 IHC 2+ needs its ISH result.',
        )}
        ${rows('referringDiagnosis.additionalCancers', 'Other cancers or metastases', 'Add another cancer', [
          { key: 'primarySite', label: 'Site (ICD-O-3)', hint: 'e.g. C77.3' },
          { key: 'histology', label: 'Histology (ICD-O-3)', hint: 'e.g. 8500/6 for a metastasis' },
          { key: 'laterality', label: 'Laterality', options: optionsOf(LATERALITY_WORDS) },
          { key: 'description', label: 'Description' },
        ])}
      <//>
      <${Fieldset}
        legend="Referring recommendation"
        hint="What the first doctor recommended. Leave it empty if the referral makes no recommendation: the board's plan is then not reported as a change."
      >
        ${rows('referringRecommendation.items', 'Treatment steps', 'Add a treatment step', [
          { key: 'sequence', label: 'Order', hint: '1, 2, 3…' },
          { key: 'modality', label: 'Treatment', options: optionsOf(MODALITY_WORDS) },
          { key: 'intent', label: 'Intent', options: optionsOf(INTENT_WORDS) },
          {
            key: 'setting',
            label: 'Setting',
            options: optionsOf(SETTING_WORDS, [
              'neoadjuvant',
              'adjuvant',
              'perioperative',
              'definitive',
              'palliative',
              'maintenance',
            ]),
          },
          { key: 'drugs', label: 'Drugs', hint: 'generic names, comma-separated' },
          { key: 'description', label: 'Description' },
        ])}
      <//>
      <${Fieldset} legend="History">
        <div class="field-row">
          ${choice('history.menopausalStatus', 'Menopausal status', MENOPAUSE)}
          ${text('firstTreatmentDate', 'First cancer-directed treatment (given or planned)', { type: 'date' })}
        </div>
        ${rows('history.treatments', 'Treatments so far', 'Add a treatment', [
          { key: 'modality', label: 'Treatment', options: optionsOf(MODALITY_WORDS) },
          { key: 'regimen', label: 'Regimen', hint: 'e.g. TCHP' },
          { key: 'startDate', label: 'Started', type: 'date' },
          { key: 'endDate', label: 'Ended', type: 'date' },
          {
            key: 'bestResponse',
            label: 'Best response',
            options: optionsOf({
              complete_response: 'Complete response',
              partial_response: 'Partial response',
              stable_disease: 'Stable disease',
              progressive_disease: 'Progressive disease',
              not_evaluable: 'Not evaluable',
              unknown: 'Unknown',
            }),
          },
        ])}
        ${rows('history.medications', 'Current medications', 'Add a medication', [
          { key: 'name', label: 'Medication' },
          { key: 'dose', label: 'Dose' },
          { key: 'frequency', label: 'How often' },
        ])}
        ${rows('history.allergies', 'Allergies', 'Add an allergy', [
          { key: 'substance', label: 'Substance' },
          { key: 'reaction', label: 'Reaction' },
          {
            key: 'severity',
            label: 'Severity',
            options: optionsOf({
              mild: 'Mild',
              moderate: 'Moderate',
              severe: 'Severe',
              life_threatening: 'Life-threatening',
              unknown: 'Unknown',
            }),
          },
        ])}
        ${rows('history.comorbidities', 'Other conditions', 'Add a condition', [
          { key: 'description', label: 'Condition' },
          { key: 'icd10cm', label: 'ICD-10-CM', hint: 'e.g. E11.9' },
        ])}
        ${rows('history.familyHistory', 'Family history', 'Add a relative', [
          { key: 'relative', label: 'Relative', options: RELATIVES.map((r) => ({ value: r, label: words(r) })) },
          { key: 'condition', label: 'Condition' },
          { key: 'ageAtDiagnosis', label: 'Age at diagnosis' },
        ])}
        ${rows('history.geneticTests', 'Genetic tests', 'Add a genetic test', [
          { key: 'testName', label: 'Test' },
          {
            key: 'origin',
            label: 'Origin',
            options: optionsOf({ germline: 'Germline', somatic: 'Somatic (tumour)' }),
          },
          { key: 'gene', label: 'Gene', hint: 'e.g. BRCA2' },
          {
            key: 'result',
            label: 'Result',
            options: optionsOf({
              pathogenic: 'Pathogenic',
              likely_pathogenic: 'Likely pathogenic',
              vus: 'Variant of uncertain significance',
              likely_benign: 'Likely benign',
              benign: 'Benign',
              negative: 'Negative',
              not_detected: 'Not detected',
            }),
          },
          { key: 'variant', label: 'Variant (HGVS)' },
        ])}
      <//>
      ${
        server.siteOverride !== undefined ||
        (server['referringDiagnosis.primarySite'] ?? '').includes('override') ||
        value('siteOverride.reason') !== ''
          ? TextAreaField({
              label: 'Why this clinic takes a primary site outside its cancer types',
              name: 'siteOverride.reason',
              value: value('siteOverride.reason'),
              onInput: (v) => set('siteOverride.reason', v),
              error: error('siteOverride.reason'),
              rows: 2,
            })
          : null
      }
      ${failure === undefined ? null : html`<div class="alert alert-danger" role="alert">${failure}</div>`}
      <div class="actions">
        <${Button} type="submit" variant="primary" disabled=${busy}>${busy ? 'Taking in…' : 'Take in the referral'}<//>
        <${Button} variant="quiet" onClick=${() => navigate('/cases')}>Cancel<//>
      </div>
    </form>
  </main>`;
}
