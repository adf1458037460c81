import { useState } from 'preact/hooks';
import { api, ApiError, importFhirReferral, post, tokens } from '../api/session.js';
import { html } from '../ui/html.js';
import { Field } from '../ui/field.js';
import { ItineraryPanel } from '../scheduling/itinerary-panel.js';
import { CaseBoardPanel } from '../board/case-board-panel.js';

// Views carried over from the first version of the app (untyped JSON); each is
// replaced by typed views of its area as the area is rebuilt.

import { type Json, type Page, useLoad, words } from '../shared/legacy.js';

export type { Json, Page };

const STATUSES = [
  'referred',
  'records_pending',
  'ready',
  'scheduled',
  'evaluated',
  'in_review',
  'consensus',
  'closed',
  'third_opinion_requested',
  'withdrawn',
];

export function Cases() {
  const [status, setStatus] = useState('');
  const { data, error, reload } = useLoad(
    () => api<Page<Json>>(`/api/cases?limit=100${status === '' ? '' : `&status=${status}`}`),
    [status],
  );
  const clinics = useLoad(() => api<Page<Json>>('/api/clinics?limit=100'), []).data;
  const empty = {
    mrn: '',
    familyName: '',
    givenName: '',
    birthDate: '',
    primarySite: '',
    histology: '',
    referringClinician: '',
    referringInstitution: '',
  };
  const [form, setForm] = useState(empty);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [clinicId, setClinicId] = useState('');
  const set = (k: keyof typeof empty) => (v: string) => setForm({ ...form, [k]: v });
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    try {
      await post('/api/cases', {
        patient: {
          mrn: form.mrn,
          familyName: form.familyName,
          givenName: form.givenName,
          birthDate: form.birthDate,
          sex: 'female',
        },
        ...(clinicId === '' ? {} : { clinicId }),
        referringClinician: form.referringClinician,
        referringInstitution: form.referringInstitution,
        reason: 'patient_request',
        initiator: 'patient',
        urgency: 'routine',
        referringDiagnosis: { primarySite: form.primarySite, histology: form.histology || undefined, malignant: true },
        referringRecommendation: { items: [{ modality: 'surgery', intent: 'curative', sequence: 1 }] },
      });
      setForm(empty);
      setErrors({});
      reload();
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.fields());
    }
  };
  const err = (k: string): string | undefined => errors[k];
  return html`<main>
    <h1>Cases</h1>
    ${error === undefined ? null : html`<p class="error">${error}</p>`}
    <label for="c-status">Status</label>
    <select id="c-status" value=${status} onChange=${(e: Event) => setStatus((e.target as HTMLSelectElement).value)}>
      <option value="">all</option>
      ${STATUSES.map((x) => html`<option value=${x}>${words(x)}</option>`)}
    </select>
    <table aria-label="Cases">
      <thead>
        <tr>
          <th>Patient</th>
          <th>Status</th>
          <th>Urgency</th>
          <th>Referred</th>
        </tr>
      </thead>
      <tbody>
        ${(data?.items ?? []).map(
          (c) =>
            html`<tr>
              <td>
                <a href=${`#/case/${String(c.id)}`}>${String((c.patient as Json | undefined)?.familyName ?? c.id)}</a>
              </td>
              <td><span class="pill">${words(String(c.status))}</span></td>
              <td>${String(c.urgency)}</td>
              <td>${String(c.createdAt).slice(0, 10)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h2>Take in a referral</h2>
    <form onSubmit=${submit} aria-label="Referral">
      <div class="grid">
        <div>
          <label for="f-clinic">Clinic</label
          ><select
            id="f-clinic"
            value=${clinicId}
            onChange=${(e: Event) => setClinicId((e.target as HTMLSelectElement).value)}
          >
            <option value="">route by primary site</option>
            ${(clinics?.items ?? []).map((c) => html`<option value=${String(c.id)}>${String(c.name)}</option>`)}
          </select>
        </div>
        ${Field({ label: 'MRN', name: 'patient.mrn', value: form.mrn, onInput: set('mrn'), error: err('patient.mrn') })}
        ${Field({ label: 'Family name', name: 'patient.familyName', value: form.familyName, onInput: set('familyName'), error: err('patient.familyName') })}
        ${Field({ label: 'Given name', name: 'patient.givenName', value: form.givenName, onInput: set('givenName'), error: err('patient.givenName') })}
        ${Field({ label: 'Birth date', name: 'patient.birthDate', value: form.birthDate, onInput: set('birthDate'), type: 'date', error: err('patient.birthDate') })}
        ${Field({ label: 'Primary site (ICD-O-3)', name: 'referringDiagnosis.primarySite', value: form.primarySite, onInput: set('primarySite'), error: err('referringDiagnosis.primarySite') })}
        ${Field({ label: 'Histology (ICD-O-3)', name: 'referringDiagnosis.histology', value: form.histology, onInput: set('histology'), error: err('referringDiagnosis.histology') })}
        ${Field({ label: 'Referring clinician', name: 'referringClinician', value: form.referringClinician, onInput: set('referringClinician'), error: err('referringClinician') })}
        ${Field({ label: 'Referring institution', name: 'referringInstitution', value: form.referringInstitution, onInput: set('referringInstitution'), error: err('referringInstitution') })}
      </div>
      ${errors.clinicId === undefined ? null : html`<p class="error" role="alert">${errors.clinicId}</p>`}
      <p><button type="submit">Take in</button></p>
    </form>
    <${FhirImport} onImported=${reload} />
  </main>`;
}

/** A referral another hospital's system sent as a FHIR Bundle (mCODE): taken in whole, or refused element by element. */
function FhirImport(props: { onImported: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Awaited<ReturnType<typeof importFhirReferral>> | null>(null);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (file === null) return;
    setBusy(true);
    try {
      const r = await importFhirReferral(await file.text());
      setResult(r);
      if (r.ok) props.onImported();
    } finally {
      setBusy(false);
    }
  };
  return html`<section aria-labelledby="fhir-import-h">
    <h2 id="fhir-import-h">Import a FHIR referral</h2>
    <p class="muted">
      A referral Bundle (FHIR R4, mCODE) from the referring hospital's system: the patient, the diagnosis, stages and
      markers, the history and the attached reports become the case.
    </p>
    <form onSubmit=${submit} aria-label="FHIR referral">
      <label for="fhir-file">FHIR Bundle file</label>
      <input
        id="fhir-file"
        type="file"
        accept=".json,application/json,application/fhir+json"
        onChange=${(e: Event) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)}
      />
      <button type="submit" disabled=${file === null || busy}>${busy ? 'Importing…' : 'Import'}</button>
    </form>
    ${
      result === null
        ? null
        : result.ok
          ? html`<p role="status">
              ${result.status === 201 ? 'Imported as a new case.' : 'This referral was imported before; nothing was added.'}
              ${' '}<a href=${`#/case/${result.caseId ?? ''}`}>Open the case</a>
            </p>`
          : html`<div role="alert" class="error">
              <p>
                ${'The referral was not imported; nothing was saved. '}
                ${result.issues.length === 1 ? 'One element needs' : `${result.issues.length} elements need`} correcting
                in the sending system:
              </p>
              <ul>
                ${result.issues.map(
                  (i) =>
                    html`<li>
                      <code>${(i.expression ?? []).join(', ') || 'Bundle'}</code>${' — '}${
                        i.details?.text ?? i.diagnostics ?? ''
                      }
                    </li>`,
                )}
              </ul>
            </div>`
    }
  </section>`;
}

const SOURCE_WORDS: Record<string, string> = {
  referring: 'from the referral',
  pathology_review: 'from the pathology review',
  radiology_review: 'from the radiology review',
};

export function Diagnosis(props: { title: string; d: Json | undefined; changed: string[] }) {
  const d = props.d;
  // On the standing diagnosis, a fact the board did not restate says where it comes from.
  const sources = (d?.sources as Record<string, string> | undefined) ?? {};
  const row = (label: string, key: string, value: unknown, field?: string) =>
    html`<tr class=${props.changed.includes(key) ? 'changed' : ''}>
      <th scope="row">${label}</th>
      <td>
        ${value === null || value === undefined ? '—' : String(value)}${field !== undefined && SOURCE_WORDS[sources[field] ?? ''] !== undefined ? html` <small class="source">(${SOURCE_WORDS[sources[field]]})</small>` : null}
      </td>
    </tr>`;
  const named = (code: unknown, name: unknown): string | null =>
    code == null ? null : name == null ? String(code) : `${String(code)} ${String(name)}`;
  if (d === undefined)
    return html`<div class="card">
      <h3>${props.title}</h3>
      <p>not recorded</p>
    </div>`;
  // Every stage with its basis: clinical, pathological and post-therapy stages are separate (AJCC 8).
  const stageText = (
    [
      ['clinical', d.clinicalStage],
      ['pathological', d.pathologicalStage],
      ['post-therapy clinical', d.postTherapyClinicalStage],
      ['post-therapy pathological', d.postTherapyPathologicalStage],
      ['recurrence', d.recurrenceStage],
    ] as [string, Json | null | undefined][]
  )
    .filter(([, s]) => s != null)
    .map(([basis, s]) => {
      const g = s!.stageGroup == null ? '' : `, ${String(s!.groupType ?? 'anatomic')} stage ${String(s!.stageGroup)}`;
      return `${basis}: ${[s!.t, s!.n, s!.m].filter(Boolean).join(' ')}${g}`;
    })
    .concat(((d.otherStages as Json[] | undefined) ?? []).map((o) => `${String(o.system)} ${String(o.stage)}`))
    .concat(d.resectability == null ? [] : [words(String(d.resectability))])
    .join('; ');
  const results = (d.biomarkerResults as Json[] | undefined) ?? [];
  const markers = results
    .map((b) => {
      const from = SOURCE_WORDS[sources[`biomarkers.${String(b.marker)}|${String(b.origin)}`] ?? ''];
      return `${b.origin === 'germline' ? 'germline ' : ''}${String(b.marker)} ${b.category == null ? String(b.value ?? '') : String((b.category as Json).label)}${from === undefined ? '' : ` (${from})`}`;
    })
    .join(', ');
  return html`<div class="card">
    <h3>${props.title}</h3>
    <table>
      ${
        d.malignant === false
          ? html`<tr>
              <th>Malignancy</th>
              <td><strong>Not malignant (benign on review)</strong></td>
            </tr>`
          : null
      }
      ${row('Site', 'primary_site', named(d.primarySite, d.primarySiteName), 'primarySite')}${row('Histology', 'histology', named(d.histology, d.histologyName), 'histology')}${row('Grade', 'grade', d.grade, 'grade')}
      ${row('Laterality', 'laterality', d.laterality, 'laterality')}
      ${row('Stage', 'stage', stageText || null, 'clinicalStage')} ${row('Biomarkers', 'biomarker', markers || null)}
      ${row('Additional cancers', 'additional_cancer', (d.additionalCancers as Json[]).map((c) => String(c.description ?? c.primarySite)).join('; ') || null)}
    </table>
  </div>`;
}

async function download(path: string, name: string): Promise<void> {
  const t = tokens();
  const res = await fetch(path, { headers: t === null ? {} : { authorization: `Bearer ${t.accessToken}` } });
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

export function CasePage(props: { id: string }) {
  const [recordType, setRecordType] = useState('pathology_report');
  const [uploadError, setUploadError] = useState<string>();
  const { data, reload } = useLoad(async () => {
    const base = `/api/cases/${props.id}`;
    const [c, diagnoses, changes, plans, trials, records, annotations] = await Promise.all([
      api<Json>(base),
      api<Json[]>(`${base}/diagnoses`),
      api<Json[]>(`${base}/diagnosis-changes`),
      api<Json[]>(`${base}/plans`),
      api<Json[]>(`${base}/trial-matches`),
      api<Json[]>(`${base}/records`),
      api<Json[]>(`${base}/annotations`),
    ]);
    // The board's diagnosis as it stands: what it did not restate comes from the reviews and the referral.
    const standing = diagnoses.some((d) => d.source === 'board')
      ? await api<Json>(`${base}/standing-diagnosis`)
      : undefined;
    const clinic = await api<Json>(`/api/clinics/${String(c.clinicId)}`);
    return { c, diagnoses, changes, plans, trials, records, annotations, standing, clinic };
  }, [props.id]);
  if (data === undefined) return html`<main><p>Loading…</p></main>`;
  const upload = async (e: Event): Promise<void> => {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).querySelector<HTMLInputElement>('input[type=file]');
    const file = input?.files?.[0];
    if (file === undefined) return setUploadError('Choose a file');
    const form = new FormData();
    form.append('type', recordType);
    form.append('file', file);
    try {
      await api(`/api/cases/${props.id}/records`, { method: 'POST', body: form });
      setUploadError(undefined);
      reload();
    } catch (err) {
      setUploadError(err instanceof Error ? err.message : 'Upload failed');
    }
  };
  const last = (source: string) => [...data.diagnoses].reverse().find((d) => d.source === source);
  const change = data.changes.find((c) => c.current === true);
  const changed = (change?.changeTypes as string[] | undefined) ?? [];
  return html`<main>
    <h1>Case</h1>
    <p><span class="pill">${words(String(data.c.status))}</span> referred by ${String(data.c.referringClinician)}</p>
    <div class="grid">
      ${Diagnosis({ title: 'Referring diagnosis', d: last('referring'), changed })}${Diagnosis({ title: "Board's diagnosis", d: data.standing, changed })}
    </div>
    ${change === undefined ? null : html`<p class="banner">Concordance: <strong>${String(change.concordance)}</strong>${changed.length > 0 ? ` — changed: ${changed.map(words).join(', ')}` : ''}; management impact ${String(change.managementImpact)}</p>`}
    ${
      change === undefined || ((change.details as string[] | undefined) ?? []).length === 0
        ? null
        : html`<ul class="changes" aria-label="What changed">
            ${(change.details as string[]).map((l) => html`<li>${l}</li>`)}
          </ul>`
    }
    <${ItineraryPanel}
      caseId=${props.id}
      clinicId=${String(data.c.clinicId)}
      timeZone=${String(data.clinic.timeZone)}
      onChange=${reload}
    />
    <${CaseBoardPanel}
      caseId=${props.id}
      clinicId=${String(data.c.clinicId)}
      timeZone=${String(data.clinic.timeZone)}
      onChange=${reload}
    />
    <h2>Records</h2>
    <ul>
      ${data.records.map(
        (r) =>
          html`<li>
            ${words(String(r.type))} ${String(r.documentDate ?? '')}
            ${
              r.kind === 'file'
                ? html`<button
                    onClick=${() => void download(`/api/cases/${props.id}/records/${String(r.id)}/content`, `record-${String(r.id)}`)}
                  >
                    Download
                  </button>`
                : html`<a href=${String(r.url)} rel="noopener noreferrer" target="_blank">open study</a>`
            }
          </li>`,
      )}
    </ul>
    <form onSubmit=${upload} aria-label="Upload a record">
      <label for="r-type">Record type</label>
      <select
        id="r-type"
        value=${recordType}
        onChange=${(e: Event) => setRecordType((e.target as HTMLSelectElement).value)}
      >
        ${[
          'pathology_report',
          'imaging_report',
          'imaging_mri',
          'imaging_ct',
          'lab_result',
          'medication_list',
          'operative_report',
          'discharge_summary',
          'other',
        ].map((t) => html`<option value=${t}>${words(t)}</option>`)}
      </select>
      <label for="r-file">File</label><input id="r-file" type="file" />
      <button type="submit">Upload</button>
      ${uploadError === undefined ? null : html`<p class="error" role="alert">${uploadError}</p>`}
    </form>
    <h2>Annotations</h2>
    <ul>
      ${data.annotations.map(
        (a) =>
          html`<li>
            v${String(a.version)} ${words(String(a.findingType))}
            ${Object.entries(a.values as Json)
              .map(([k, v]) => `${k} ${String(v)}`)
              .join(', ')}
            — ${String(a.text)} <span class="pill">${words(String(a.authorDiscipline))}</span>
          </li>`,
      )}
    </ul>
    <h2>Plans</h2>
    ${data.plans.map(
      (p) =>
        html`<div class="card">
          <p>Version ${String(p.number)} — <span class="pill">${String(p.status)}</span></p>
          <ol>
            ${(p.items as Json[]).map((i) => html`<li>${words(String(i.modality))} (${String(i.intent)})${i.description === undefined ? '' : ` — ${String(i.description)}`}</li>`)}
          </ol>
          <p>
            Votes:
            ${(p.votes as Json[]).map((v) => `${words(String(v.discipline))} ${words(String(v.vote))}`).join(', ') || 'none'}
          </p>
        </div>`,
    )}
    <h2>Trial options</h2>
    <ul>
      ${data.trials.map((t) => html`<li>${String(t.nctId)} ${String(t.title)} — ${(t.match as Json).status === 'eligible' ? 'eligible' : (t.match as Json).status === 'possibly_eligible' ? 'possibly eligible: criteria to check' : 'not eligible'}</li>`)}
    </ul>
    <p>
      <button onClick=${() => void download(`/api/cases/${props.id}/report?format=pdf`, 'second-opinion.pdf')}>
        Report (PDF)
      </button>
      ${' '}<button onClick=${() => void download(`/api/cases/${props.id}/fhir`, 'case.fhir.json')}>FHIR Bundle</button>
    </p>
  </main>`;
}
