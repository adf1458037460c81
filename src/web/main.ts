import htm from 'htm';
import { h, render, type ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { io, type Socket } from 'socket.io-client';
import { Account, SetPassword, SignIn } from './account/account.js';
import { api, ApiError, enrolmentRequired, importFhirReferral, onAuthChange, post, signOut, tokens } from './api.js';
import { Field } from './ui/field.js';

const html = htm.bind(h);

type Json = Record<string, unknown>;
interface Page<T> {
  items: T[];
}
interface BoardEvent {
  id: string;
  type: string;
  caseId: string | null;
  payload: Json;
  actor: string | null;
  at: string;
}

function useHash(): string {
  const [hash, setHash] = useState(location.hash || '#/cases');
  useEffect(() => {
    const on = (): void => setHash(location.hash || '#/cases');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[],
): { data: T | undefined; error: string | undefined; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [n, setN] = useState(0);
  useEffect(() => {
    load().then(setData, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [...deps, n]);
  return { data, error, reload: () => setN(n + 1) };
}

const words = (s: string): string => s.replace(/_/g, ' ');

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

function Cases() {
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

function Diagnosis(props: { title: string; d: Json | undefined; changed: string[] }) {
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

function CasePage(props: { id: string }) {
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
    return { c, diagnoses, changes, plans, trials, records, annotations, standing };
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

const COLORS = ['#0b5cad', '#1a7f37', '#8250df', '#9a6700', '#b42318', '#0969da', '#6e7781'];

function DayView() {
  const clinics = useLoad(() => api<Page<Json>>('/api/clinics?limit=100'), []).data;
  const [clinicId, setClinicId] = useState('');
  const [date, setDate] = useState(new Date().toISOString().slice(0, 10));
  const [day, setDay] = useState<Json>();
  const [message, setMessage] = useState<string>();
  const load = async (): Promise<void> => {
    const id = clinicId || String(clinics?.items[0]?.id ?? '');
    setDay(await api<Json>(`/api/schedule/days/${date}?clinicId=${id}`));
  };
  const repair = async (): Promise<void> => {
    const id = clinicId || String(clinics?.items[0]?.id ?? '');
    const r = await post<Json>(`/api/schedule/days/${date}/repair`, { clinicId: id });
    setMessage(`Moved ${(r.moved as unknown[]).length}, unplaced ${(r.unplaced as unknown[]).length}`);
    await load();
  };
  const cases = new Map<string, string>();
  const color = (caseId: string): string => {
    if (!cases.has(caseId)) cases.set(caseId, COLORS[cases.size % COLORS.length]);
    return cases.get(caseId)!;
  };
  const time = (iso: unknown): string => new Date(String(iso)).toISOString().slice(11, 16);
  return html`<main>
    <h1>Clinic day</h1>
    <div class="grid">
      <div>
        <label for="d-clinic">Clinic</label
        ><select
          id="d-clinic"
          value=${clinicId}
          onChange=${(e: Event) => setClinicId((e.target as HTMLSelectElement).value)}
        >
          ${(clinics?.items ?? []).map((c) => html`<option value=${String(c.id)}>${String(c.name)}</option>`)}
        </select>
      </div>
      ${Field({ label: 'Date', name: 'date', value: date, onInput: setDate, type: 'date' })}
    </div>
    <p>
      <button onClick=${() => void load()}>Show day</button>
      <button onClick=${() => void repair()}>Repair after a sick day</button>
    </p>
    ${message === undefined ? null : html`<p role="status">${message}</p>`}
    ${
      day === undefined
        ? null
        : html`<section aria-label="By specialist">
            <h2>By specialist (times UTC)</h2>
            ${(day.bySpecialist as Json[]).map(
              (s) =>
                html`<div>
                  <strong>${(s.disciplines as string[]).map(words).join(', ')}</strong>
                  <div class="lane">
                    ${(s.appointments as Json[]).map(
                      (a) =>
                        html`<span
                          class="slot"
                          data-case=${String(a.caseId)}
                          style=${`background:${color(String(a.caseId))}`}
                          title=${a.conflict === true ? 'conflict: the specialist is no longer free then' : ''}
                          >${time(a.start)}–${time(a.end)}
                          ${words(String(a.discipline))}${a.conflict === true ? ' ⚠ conflict' : ''}</span
                        >`,
                    )}
                  </div>
                </div>`,
            )}
            <h2>By room</h2>
            ${(day.byRoom as Json[]).map(
              (r) =>
                html`<div>
                  <strong>${String(r.name ?? r.roomId)}</strong>
                  <div class="lane">
                    ${(r.appointments as Json[]).map((a) => html`<span class="slot" style=${`background:${color(String(a.caseId))}`}>${time(a.start)}–${time(a.end)}</span>`)}
                  </div>
                </div>`,
            )}
          </section>`
    }
  </main>`;
}

function BoardRoom(props: { id: string | undefined }) {
  const sessions = useLoad(() => api<Page<Json>>('/api/board-sessions?limit=100'), []).data;
  if (props.id === undefined)
    return html`<main>
      <h1>Board sessions</h1>
      <ul>
        ${(sessions?.items ?? []).map((s) => html`<li><a href=${`#/board/${String(s.id)}`}>${String(s.title)}</a> ${String(s.startsAt).slice(0, 16)} <span class="pill">${String(s.status)}</span></li>`)}
      </ul>
    </main>`;
  return html`<${Room} id=${props.id} />`;
}

/** The plan before the board for the case on screen: votes, consensus, and the chair's signature. */
function PlanPanel(props: { caseId: string; chairId: unknown; refreshKey: number }) {
  const me = useLoad(() => api<Json>('/api/users/me'), []).data;
  const { data, reload } = useLoad(
    () => api<Json[]>(`/api/cases/${props.caseId}/plans`),
    [props.caseId, props.refreshKey],
  );
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string>();
  const plan = [...(data ?? [])].reverse().find((p) => p.status === 'proposed' || p.status === 'signed');
  if (plan === undefined) return html`<p>No plan proposed yet.</p>`;
  const url = `/api/cases/${props.caseId}/plans/${String(plan.id)}`;
  const act = async (work: () => Promise<unknown>): Promise<void> => {
    try {
      await work();
      setError(undefined);
      reload();
    } catch (err) {
      setError(err instanceof ApiError ? (err.problem.errors?.[0]?.messages.join('; ') ?? err.message) : 'Failed');
    }
  };
  const vote = (v: string) =>
    act(() =>
      api(`${url}/votes/me`, {
        method: 'PUT',
        body: JSON.stringify({ vote: v, ...(comment === '' ? {} : { comment }) }),
      }),
    );
  const consensus = plan.consensus as Json | null;
  return html`<div class="card" aria-label="Plan">
    <p>
      Plan version ${String(plan.number)}
      <span class="pill">${String(plan.status)}</span>
      ${consensus === null ? '' : consensus.met === true ? ' — consensus met' : ' — consensus not met'}
    </p>
    <ol>
      ${(plan.items as Json[]).map((i) => html`<li>${words(String(i.modality))} (${String(i.intent)})${i.description === undefined ? '' : ` — ${String(i.description)}`}</li>`)}
    </ol>
    <p>
      Votes:
      ${(plan.votes as Json[]).map((v) => `${words(String(v.discipline))} ${words(String(v.vote))}${v.comment === null ? '' : ` (${String(v.comment)})`}`).join('; ') || 'none'}
    </p>
    ${consensus === null ? null : html`<p>Missing: ${(consensus.missing as Json[]).map((m) => words(String(m.discipline))).join(', ') || 'nobody'}</p>`}
    ${
      plan.status !== 'proposed'
        ? null
        : html`<div>
            <label for="v-comment">Comment (required to disagree)</label
            ><input
              id="v-comment"
              value=${comment}
              onInput=${(e: Event) => setComment((e.target as HTMLInputElement).value)}
            />
            <p>
              ${['agree', 'agree_with_reservations', 'disagree', 'abstain'].map((v) => html`<button onClick=${() => void vote(v)}>${words(v)}</button> `)}
              ${me !== undefined && me.id === props.chairId ? html`<button onClick=${() => void act(() => post(`${url}/signature`, {}))}>Sign plan</button>` : null}
            </p>
          </div>`
    }
    ${error === undefined ? null : html`<p class="error" role="alert">${error}</p>`}
  </div>`;
}

function Room(props: { id: string }) {
  const [events, setEvents] = useState<BoardEvent[]>([]);
  const [state, setState] = useState('connecting');
  const [presence, setPresence] = useState<Json[]>([]);
  const [text, setText] = useState('');
  const socket = useRef<Socket | undefined>(undefined);
  const lastId = useRef('0');
  const detail = useLoad(() => api<Json>(`/api/board-sessions/${props.id}`), [props.id, events.length]);
  useEffect(() => {
    const s = io('/board', { auth: (cb) => cb({ token: tokens()?.accessToken }), transports: ['websocket'] });
    socket.current = s;
    const add = (incoming: BoardEvent[]): void =>
      setEvents((prev) => {
        const seen = new Set(prev.map((e) => e.id));
        const fresh = incoming.filter((e) => !seen.has(e.id));
        for (const e of fresh) if (BigInt(e.id) > BigInt(lastId.current)) lastId.current = e.id;
        return [...prev, ...fresh];
      });
    s.on('connect', () => {
      setState('connected');
      // Rejoin with the last id seen: whatever was missed comes back in order.
      s.emit('session:join', { sessionId: props.id, afterId: lastId.current }, (ack: { events?: BoardEvent[] }) =>
        add(ack.events ?? []),
      );
    });
    s.on('disconnect', () => setState('reconnecting'));
    s.on('connect_error', () => setState('offline'));
    s.on('event', (e: BoardEvent) => add([e]));
    s.on('presence', (p: { users: Json[] }) => setPresence(p.users));
    // When the network goes, say so at once; when it comes back, reconnect (and replay).
    const offline = (): void => {
      s.disconnect();
      setState('offline');
    };
    const online = (): void => void s.connect();
    addEventListener('offline', offline);
    addEventListener('online', online);
    return () => {
      removeEventListener('offline', offline);
      removeEventListener('online', online);
      s.close();
    };
  }, [props.id]);
  const send = (e: Event): void => {
    e.preventDefault();
    if (text.trim() === '') return;
    socket.current?.emit(
      'message:post',
      { sessionId: props.id, body: text, clientMsgId: crypto.randomUUID() },
      () => undefined,
    );
    setText('');
  };
  const session = detail.data;
  const quorum = (session?.attendance as Json | undefined)?.quorum as Json | undefined;
  const banners = events.filter((e) => e.type === 'diagnosis.changed');
  return html`<main>
    <h1>${String(session?.title ?? 'Board room')}</h1>
    <p>
      Connection: <strong class=${`state-${state}`} data-testid="connection">${state}</strong>
      ${` · present: ${presence.map((u) => String(u.displayName)).join(', ')}`}
    </p>
    ${banners.map((b) => html`<p class="banner" role="status">Diagnosis ${String(b.payload.concordance)} change: ${(b.payload.changeTypes as string[]).map(words).join(', ')}</p>`)}
    <div class="grid">
      <section aria-label="Agenda">
        <h2>Agenda</h2>
        <ol>
          ${((session?.agenda as Json[] | undefined) ?? []).map((a) => html`<li>${a.caseId === session?.presentingCaseId ? html`<strong>now presenting </strong>` : ''}<a href=${`#/case/${String(a.caseId)}`}>${String(a.caseId).slice(0, 8)}</a> ${words(String(a.mode))}</li>`)}
        </ol>
        <h2>Attendance</h2>
        <p>
          ${quorum === undefined ? '' : quorum.met === true ? 'Quorum met' : `Quorum not met: missing ${(quorum.missing as string[]).map(words).join(', ')}`}
        </p>
      </section>
      <section aria-label="Plan for the case on screen">
        <h2>Plan</h2>
        ${
          session?.presentingCaseId == null
            ? html`<p>No case on screen.</p>`
            : html`<${PlanPanel}
                caseId=${String(session.presentingCaseId)}
                chairId=${session.chairId}
                refreshKey=${events.filter((e) => e.type.startsWith('plan.')).length}
              />`
        }
      </section>
      <section aria-label="Discussion">
        <h2>Discussion</h2>
        <ul class="stream" data-testid="stream">
          ${events.map((e) => html`<li data-type=${e.type}>${e.at.slice(11, 16)} ${e.type === 'message.posted' ? html`<strong>${String(e.payload.author ?? '')}</strong>: ${String(e.payload.body)}` : words(e.type)}</li>`)}
        </ul>
        <form onSubmit=${send} aria-label="Post a message">
          <label for="m-text">Message</label
          ><input id="m-text" value=${text} onInput=${(e: Event) => setText((e.target as HTMLInputElement).value)} />
          <button type="submit">Post</button>
        </form>
      </section>
    </div>
  </main>`;
}

function Reports() {
  const clinics = useLoad(() => api<Page<Json>>('/api/clinics?limit=100'), []).data;
  const clinicId = String(clinics?.items[0]?.id ?? '');
  const year = new Date().getUTCFullYear();
  const { data } = useLoad(
    async () =>
      clinicId === ''
        ? undefined
        : {
            concordance: await api<Json>(
              `/api/reports/concordance?clinicId=${clinicId}&from=2000-01-01&to=${year + 1}-01-01`,
            ),
            conference: await api<Json>(`/api/reports/conference?clinicId=${clinicId}&year=${year}`),
          },
    [clinicId],
  );
  if (data === undefined)
    return html`<main>
      <h1>Reports</h1>
      <p>Loading…</p>
    </main>`;
  const c = data.concordance;
  const n = (k: string): Json => c[k] as Json;
  const byType = c.byChangeType as Record<string, number>;
  const max = Math.max(1, ...Object.values(byType));
  return html`<main>
    <h1>Reports</h1>
    <h2>Concordance</h2>
    <p>
      ${
        `${String(c.casesReviewed)} cases reviewed; changed ${String(n('changed').n)} (${String(n('changed').pct)} %); ` +
        `additional cancers ${String(n('additionalCancers').n)}; pathology reinterpretation ${String(n('pathologyReinterpretation').n)}.`
      }
    </p>
    <table aria-label="Concordance and management impact">
      <tr>
        <th scope="row">Major (management changed)</th>
        <td>${String(n('major').n)} (${String(n('major').pct)} %)</td>
      </tr>
      <tr>
        <th scope="row">Minor</th>
        <td>${String(n('minor').n)} (${String(n('minor').pct)} %)</td>
      </tr>
      <tr>
        <th scope="row">Concordant</th>
        <td>${String(n('concordant').n)} (${String(n('concordant').pct)} %)</td>
      </tr>
      ${(['changed', 'potential', 'none'] as const).map((k) => {
        const v = (c.managementImpact as Json)[k] as Json;
        return html`<tr>
          <th scope="row">Management impact ${k}</th>
          <td>${String(v.n)} (${String(v.pct)} %)</td>
        </tr>`;
      })}
    </table>
    <table aria-label="Changes by category">
      ${Object.entries(byType).map(
        ([k, v]) =>
          html`<tr>
            <th scope="row">${words(k)}</th>
            <td style="width:60%"><div class="bar" style=${`width:${(v / max) * 100}%`}></div></td>
            <td>${v}</td>
          </tr>`,
      )}
    </table>
    <h2>Conference ${year}</h2>
    <p>
      ${String(data.conference.sessions)} sessions, ${String(data.conference.casesPresented)} cases presented,
      ${(() => {
        const p = data.conference.prospective as Json;
        return `prospective ${String(p.pct)} % of presentations (${String(p.n)} prospective, ${String(p.retrospective)} retrospective, ${String(p.unknown)} unknown: no reason or treatment date recorded; unknown is never counted as compliant).`;
      })()}
    </p>
  </main>`;
}

function App() {
  const hash = useHash();
  const [signedIn, setSignedIn] = useState(tokens() !== null);
  const [restricted, setRestricted] = useState(enrolmentRequired());
  useEffect(
    () =>
      onAuthChange(() => {
        setSignedIn(tokens() !== null);
        setRestricted(enrolmentRequired());
      }),
    [],
  );
  const [, view, id] = hash.split('/');
  // A set-password link works signed in or not.
  if (view === 'set-password' && id !== undefined) return html`<${SetPassword} token=${id} />`;
  if (!signedIn) return html`<${SignIn} />`;
  let page: ComponentChildren;
  // An admin without a second factor can only enrol one.
  if (restricted || view === 'account') page = html`<${Account} />`;
  else if (view === 'case' && id !== undefined) page = html`<${CasePage} id=${id} />`;
  else if (view === 'day') page = html`<${DayView} />`;
  else if (view === 'board') page = html`<${BoardRoom} id=${id} />`;
  else if (view === 'reports') page = html`<${Reports} />`;
  else page = html`<${Cases} />`;
  return html`<header class="top">
      <strong>Consilium</strong>
      <nav aria-label="Main">
        <a href="#/cases">Cases</a><a href="#/day">Clinic day</a><a href="#/board">Board room</a
        ><a href="#/reports">Reports</a><a href="#/account">Account</a>
      </nav>
      <button onClick=${() => void signOut()}>Sign out</button>
    </header>
    ${page}`;
}

render(html`<${App} />`, document.getElementById('app')!);
