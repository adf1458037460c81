import { useState } from 'preact/hooks';
import { FILE_TYPE_WORDS, fileSize } from '../review/record-viewer.js';
import { client, download, ok, type Schemas } from '../api/client.js';
import { api } from '../api/session.js';
import { CaseBoardPanel } from '../board/case-board-panel.js';
import type { Me } from '../router.js';
import { ItineraryPanel } from '../scheduling/itinerary-panel.js';
import { Badge, CASE_STATUS_ORDER, caseStatusWords } from '../ui/badge.js';
import { Button, ConfirmButton } from '../ui/button.js';
import { EmptyState, LoadError, Loading } from '../ui/empty.js';
import { Field, SelectField, TextAreaField } from '../ui/field.js';
import { calendarDate, dateTime, words } from '../ui/format.js';
import { html } from '../ui/html.js';
import {
  INTENT_WORDS,
  MODALITY_WORDS,
  RECORD_TYPE_WORDS,
  REFERRAL_REASON_WORDS,
  SETTING_WORDS,
  labelOf,
  optionsOf,
} from '../ui/labels.js';
import { bannerOf, PatientBanner } from '../ui/patient-banner.js';
import { fieldErrors, problemText } from '../ui/problem.js';
import { toastError, toastSuccess } from '../ui/toast.js';
import { useLoad } from '../ui/use-load.js';
import { ClinicalPanel } from './legacy.js';
import { FollowUpPanel } from './follow-up.js';

type Case = Schemas['CaseDetailDto'];
type Status = Case['status'];
type Readiness = Schemas['ReadinessReportDto'];
type RecordRow = Schemas['RecordResponseDto'];

/** What a move is called on its button. */
const MOVE_WORDS: Partial<Record<Status, string>> = {
  records_pending: 'Mark records pending',
  ready: 'Mark ready to schedule',
  scheduled: 'Mark scheduled',
  evaluated: 'Mark evaluated',
  in_review: 'Send to board review',
  consensus: 'Record consensus reached',
  closed: 'Close the case',
  third_opinion_requested: 'Request a third opinion',
  referred: 'Return to referred',
};

/** The order a case moves in, for telling a move forward from a move back. */
const FLOW = CASE_STATUS_ORDER.filter((s) => s !== 'withdrawn');

function Workflow(props: { c: Case; onChange: (c: Case) => void; coordinator: boolean }) {
  const { c } = props;
  const [reason, setReason] = useState('');
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const move = async (to: Status): Promise<void> => {
    setBusy(true);
    setFailure(undefined);
    try {
      const next = await ok(
        client.POST('/api/cases/{id}/transitions', {
          params: { path: { id: c.id } },
          body: { to, ...(reason.trim() === '' ? {} : { reason: reason.trim() }) },
        }),
      );
      setReason('');
      toastSuccess(`The case is now: ${caseStatusWords(next.status)}.`);
      props.onChange(next);
    } catch (e) {
      setFailure(problemText(e));
    } finally {
      setBusy(false);
    }
  };
  // Forward moves first (the first is the screen's primary action), moves back after them.
  const rank = (s: Status): number => FLOW.indexOf(s);
  const moves = c.allowedTransitions
    .filter((s) => s !== 'withdrawn' && s !== 'third_opinion_requested')
    .sort((a, b) => Number(rank(a) < rank(c.status)) - Number(rank(b) < rank(c.status)) || rank(a) - rank(b));
  const forward = (s: Status): boolean => rank(s) > rank(c.status);
  const canWithdraw = c.allowedTransitions.includes('withdrawn');
  return html`<section aria-labelledby="workflow-h" class="card">
    <h2 id="workflow-h">Workflow</h2>
    <p>Status: <strong>${caseStatusWords(c.status)}</strong></p>
    ${
      !props.coordinator
        ? null
        : moves.length === 0 && !canWithdraw
          ? html`<p class="muted">No move is open from here; the next step follows from the work on the case.</p>`
          : html`${TextAreaField({
                label: 'Note for the record (optional)',
                name: 'transition-reason',
                value: reason,
                onInput: setReason,
                rows: 2,
              })}
              <div class="actions">
                ${moves.map(
                  (to, i) =>
                    html`<${Button}
                      variant=${i === 0 && forward(to) ? 'primary' : 'secondary'}
                      disabled=${busy}
                      onClick=${() => move(to)}
                      >${MOVE_WORDS[to] ?? caseStatusWords(to)}<//
                    >`,
                )}
                ${
                  canWithdraw
                    ? html`<${ConfirmButton}
                        title="Withdraw this case?"
                        message=${html`<p>
                          The case stops here: nothing more is scheduled or reviewed. This cannot be undone.
                          ${reason.trim() === '' ? ' Add a note saying why before you withdraw.' : ''}
                        </p>`}
                        confirmLabel="Withdraw the case"
                        disabled=${busy}
                        onConfirm=${() => move('withdrawn')}
                        >Withdraw<//
                      >`
                    : null
                }
              </div>`
    }
    ${failure === undefined ? null : html`<div class="alert alert-danger" role="alert">${failure}</div>`}
  </section>`;
}

const READINESS_TONE = { current: 'success', stale: 'warning', missing: 'danger' } as const;
const READINESS_WORDS = { current: 'In', stale: 'Too old', missing: 'Missing' } as const;

function ReadinessPanel(props: {
  caseId: string;
  r: Readiness;
  coordinator: boolean;
  /** Before the case is scheduled, readiness is what stands between it and a visit. */
  scheduling: boolean;
  onChange: () => void;
}) {
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const waive = async (item: Readiness['items'][number]['item']): Promise<void> => {
    try {
      await ok(
        client.POST('/api/cases/{id}/readiness/waivers', {
          params: { path: { id: props.caseId } },
          body: { item, reason: (reasons[item] ?? '').trim() },
        }),
      );
      toastSuccess(`${labelOf(RECORD_TYPE_WORDS, item)}: gap waived.`);
      setErrors((e) => ({ ...e, [item]: '' }));
      props.onChange();
    } catch (e) {
      setErrors((x) => ({ ...x, [item]: fieldErrors(e).reason ?? problemText(e) }));
    }
  };
  return html`<section aria-labelledby="readiness-h" class="card">
    <h2 id="readiness-h">Readiness</h2>
    <p role="status">
      ${
        props.r.ready
          ? props.scheduling
            ? 'Every record the clinic requires is in or waived: the case can be scheduled.'
            : 'Every record the clinic requires is in or waived.'
          : `${props.r.items.filter((i) => i.status !== 'current' && i.waived === undefined).length} of ${props.r.items.length} required records still to come.`
      }
    </p>
    ${
      props.r.items.length === 0
        ? html`<p class="muted">This clinic requires no records before scheduling.</p>`
        : html`<ul class="readiness">
            ${props.r.items.map(
              (i) =>
                html`<li key=${i.item}>
                  <${Badge} tone=${i.waived === undefined ? READINESS_TONE[i.status] : 'neutral'}
                    >${i.waived === undefined ? READINESS_WORDS[i.status] : 'Waived'}<//
                  >
                  <strong> ${labelOf(RECORD_TYPE_WORDS, i.item)}</strong>
                  ${i.maxAgeDays === undefined ? null : html`<span class="muted"> (at most ${i.maxAgeDays} days old)</span>`}
                  ${
                    i.waived === undefined
                      ? null
                      : html`<div class="muted">Waived on ${calendarDate(i.waived.at)}: ${i.waived.reason}</div>`
                  }
                  ${
                    props.coordinator && i.status !== 'current' && i.waived === undefined
                      ? html`<div class="field-row waive">
                          ${Field({
                            label: `Why ${labelOf(RECORD_TYPE_WORDS, i.item)} can be waived`,
                            name: `waive-${i.item}`,
                            value: reasons[i.item] ?? '',
                            onInput: (v) => setReasons((r) => ({ ...r, [i.item]: v })),
                            error: errors[i.item] === '' ? undefined : errors[i.item],
                          })}
                          <${Button} variant="secondary" onClick=${() => waive(i.item)}>Waive this gap<//>
                        </div>`
                      : null
                  }
                </li>`,
            )}
          </ul>`
    }
  </section>`;
}

/** File name endings for a downloaded record, by media type. */
const FILE_EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/tiff': 'tif',
  'application/dicom': 'dcm',
  'text/plain': 'txt',
};

function Records(props: { caseId: string; records: RecordRow[]; timeZone: string; onChange: () => void }) {
  const [type, setType] = useState('');
  const [documentDate, setDocumentDate] = useState('');
  const [source, setSource] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const inForce = props.records.filter((r) => r.supersededBy === null);
  const upload = async (e: Event): Promise<void> => {
    e.preventDefault();
    const missing: Record<string, string> = {};
    if (type === '') missing.type = 'Choose the kind of record';
    if (file === null) missing.file = 'Choose the file to upload';
    setErrors(missing);
    if (Object.keys(missing).length > 0 || file === null) return;
    const form = new FormData();
    form.append('type', type);
    if (documentDate !== '') form.append('documentDate', documentDate);
    if (source.trim() !== '') form.append('source', source.trim());
    form.append('file', file);
    setBusy(true);
    setFailure(undefined);
    try {
      // Multipart: the typed client speaks JSON, so this one goes through the session's fetch.
      await api<RecordRow>(`/api/cases/${props.caseId}/records`, { method: 'POST', body: form });
      toastSuccess(`${labelOf(RECORD_TYPE_WORDS, type)} uploaded.`);
      setType('');
      setDocumentDate('');
      setSource('');
      setFile(null);
      (e.target as HTMLFormElement).reset();
      props.onChange();
    } catch (err) {
      setErrors(fieldErrors(err));
      setFailure(problemText(err));
    } finally {
      setBusy(false);
    }
  };
  return html`<section aria-labelledby="records-h" class="card">
    <h2 id="records-h">Records</h2>
    ${
      inForce.length === 0
        ? html`<${EmptyState} title="No records yet">Upload the referral's reports and images below.<//>`
        : html`<div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Record</th>
                  <th scope="col">Dated</th>
                  <th scope="col">Received</th>
                  <th scope="col"><span class="sr-only">Open</span></th>
                </tr>
              </thead>
              <tbody>
                ${inForce.map(
                  (r) =>
                    html`<tr key=${r.id}>
                      <td>
                        ${labelOf(RECORD_TYPE_WORDS, r.type)}
                        <div class="muted">
                          ${r.kind === 'dicomweb' ? 'Imaging study (DICOMweb)' : labelOf(FILE_TYPE_WORDS, r.mediaType ?? '')}${r.sizeBytes === null ? '' : `, ${fileSize(r.sizeBytes)}`}${r.source === null ? '' : ` · from ${r.source}`}
                        </div>
                      </td>
                      <td>
                        ${r.documentDate === null ? html`<span class="muted">Not dated</span>` : calendarDate(r.documentDate)}
                      </td>
                      <td>${dateTime(r.createdAt, props.timeZone)}</td>
                      <td>
                        <a
                          class="btn btn-quiet"
                          href=${`#/case/${props.caseId}/record/${r.id}`}
                          aria-label=${`Open ${labelOf(RECORD_TYPE_WORDS, r.type)}, ${r.kind === 'dicomweb' ? 'imaging study' : labelOf(FILE_TYPE_WORDS, r.mediaType ?? '')}${r.documentDate === null ? '' : `, of ${calendarDate(r.documentDate)}`}`}
                          >Open</a
                        >
                        ${
                          r.kind === 'file'
                            ? html`<${Button}
                                variant="quiet"
                                label=${`Download ${labelOf(RECORD_TYPE_WORDS, r.type)}`}
                                onClick=${() =>
                                  download(
                                    `/api/cases/${props.caseId}/records/${r.id}/content`,
                                    `${labelOf(RECORD_TYPE_WORDS, r.type)}${r.documentDate === null ? '' : ` ${r.documentDate}`}.${FILE_EXTENSIONS[r.mediaType ?? ''] ?? 'bin'}`,
                                  ).catch(toastError)}
                                >Download<//
                              >`
                            : html`<a href=${r.url ?? '#'} rel="noopener noreferrer" target="_blank">Open the study</a>`
                        }
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
    <form onSubmit=${upload} aria-labelledby="upload-h" class="upload" novalidate>
      <h3 id="upload-h">Upload a record</h3>
      <div class="field-row">
        ${SelectField({
          label: 'Kind of record',
          name: 'record-type',
          value: type,
          onInput: setType,
          placeholder: 'Choose…',
          options: optionsOf(RECORD_TYPE_WORDS),
          error: errors.type,
          required: true,
        })}
        ${Field({
          label: 'Date of the document',
          name: 'record-date',
          type: 'date',
          value: documentDate,
          onInput: setDocumentDate,
          error: errors.documentDate,
          hint: 'The date it was written, not today',
        })}
        ${Field({ label: 'From', name: 'record-source', value: source, onInput: setSource, error: errors.source, hint: 'e.g. the hospital it came from' })}
      </div>
      <div class="field">
        <label for="record-file">File<span class="req" aria-hidden="true"> *</span></label>
        <input
          id="record-file"
          type="file"
          aria-invalid=${errors.file !== undefined}
          aria-describedby=${errors.file === undefined ? undefined : 'record-file-error'}
          onChange=${(e: Event) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)}
        />
        ${errors.file === undefined ? null : html`<div id="record-file-error" class="error" role="alert">${errors.file}</div>`}
      </div>
      ${failure === undefined ? null : html`<div class="alert alert-danger" role="alert">${failure}</div>`}
      <${Button} type="submit" variant="secondary" disabled=${busy}>${busy ? 'Uploading…' : 'Upload'}<//>
    </form>
  </section>`;
}

type History = Schemas['PatientHistoryDto'];

/** One step of a recommendation in words: "1. Surgery, curative, neoadjuvant: letrozole — …". */
function stepText(i: Schemas['TreatmentItemDto']): string {
  const what = [
    labelOf(MODALITY_WORDS, i.modality),
    labelOf(INTENT_WORDS, i.intent).toLowerCase(),
    i.setting == null ? null : labelOf(SETTING_WORDS, i.setting).toLowerCase(),
  ].filter((x) => x != null);
  const detail = [
    i.regimen,
    (i.drugs ?? []).join(', '),
    (i.procedures ?? []).map((p) => p.replace(/_/g, ' ')).join(', '),
    i.description,
  ].filter((x) => x != null && x !== '');
  return `${i.sequence}. ${what.join(', ')}${detail.length === 0 ? '' : `: ${detail.join(' — ')}`}`;
}

/** A list of the history, or its absence said in words. */
function HistoryList(props: { title: string; items: string[] }) {
  return html`<dt>${props.title}</dt>
    <dd>
      ${
        props.items.length === 0
          ? html`<span class="muted">None recorded</span>`
          : html`<ul class="plain">
              ${props.items.map((x) => html`<li>${x}</li>`)}
            </ul>`
      }
    </dd>`;
}

function Referral(props: { c: Case; history: Schemas['HistoryVersionDto'] | undefined }) {
  const { c } = props;
  const h: History = props.history?.document ?? {};
  const steps = [...c.referringRecommendation].sort((a, b) => a.sequence - b.sequence);
  return html`<section aria-labelledby="referral-h" class="card">
    <h2 id="referral-h">Referral</h2>
    <dl class="facts">
      <dt>Referred by</dt>
      <dd>
        ${c.referringClinician}, ${c.referringInstitution}
        ${c.referringEmail === null ? null : html`<div class="muted">Letter link mailed to ${c.referringEmail}</div>`}
      </dd>
      <dt>Reason</dt>
      <dd>${labelOf(REFERRAL_REASON_WORDS, c.reason)}</dd>
      <dt>Asked by</dt>
      <dd>${c.initiator === 'physician' ? 'The referring physician' : 'The patient'}</dd>
      <dt>Consent to record the discussion</dt>
      <dd>${c.patientDetail.consentToRecord ? 'Given' : 'Not given'}</dd>
      ${
        h.referringQuestion == null
          ? null
          : html`<dt>Question to the board</dt>
              <dd>${h.referringQuestion}</dd>`
      }
      ${
        h.patientGoals == null
          ? null
          : html`<dt>The patient's goals</dt>
              <dd>${h.patientGoals}</dd>`
      }
      ${
        c.siteOverride === null
          ? null
          : html`<dt>Taken outside the clinic's sites</dt>
              <dd>${c.siteOverride.reason}</dd>`
      }
      <dt>Referring recommendation</dt>
      <dd>
        ${
          steps.length === 0
            ? html`<span class="muted">None made</span>`
            : html`<ol class="plain">
                ${steps.map((i) => html`<li>${stepText(i)}</li>`)}
              </ol>`
        }
      </dd>
    </dl>
    <h3>History</h3>
    <dl class="facts">
      ${
        h.menopausalStatus == null
          ? null
          : html`<dt>Menopausal status</dt>
              <dd>${words(h.menopausalStatus)}</dd>`
      }
      <${HistoryList}
        title="Treatments so far"
        items=${(h.treatments ?? []).map((t) =>
          [
            labelOf(MODALITY_WORDS, t.modality),
            t.regimen,
            t.startDate == null ? null : `from ${calendarDate(t.startDate)}`,
            t.endDate == null ? null : `to ${calendarDate(t.endDate)}`,
            t.bestResponse == null ? null : `best response: ${words(t.bestResponse).toLowerCase()}`,
          ]
            .filter((x) => x != null)
            .join(', '),
        )}
      />
      <${HistoryList}
        title="Current medications"
        items=${(h.medications ?? []).map((m) => [m.name, m.dose, m.frequency].filter((x) => x != null).join(' '))}
      />
      <${HistoryList}
        title="Allergies"
        items=${(h.allergies ?? []).map(
          (a) =>
            `${a.substance}${a.reaction == null ? '' : `: ${a.reaction}`}${a.severity == null ? '' : ` (${words(a.severity).toLowerCase()})`}`,
        )}
      />
      <${HistoryList}
        title="Other conditions"
        items=${(h.comorbidities ?? []).map((x) => `${x.description}${x.icd10cm == null ? '' : ` (${x.icd10cm})`}`)}
      />
      <${HistoryList}
        title="Family history"
        items=${(h.familyHistory ?? []).map(
          (f) => `${words(f.relative)}: ${f.condition}${f.ageAtDiagnosis == null ? '' : `, at ${f.ageAtDiagnosis}`}`,
        )}
      />
      <${HistoryList}
        title="Genetic tests"
        items=${(h.geneticTests ?? []).map((g) =>
          [g.testName, g.gene, g.variant, words(g.result).toLowerCase(), `(${g.origin})`]
            .filter((x) => x != null)
            .join(' '),
        )}
      />
    </dl>
  </section>`;
}

/** One patient's case: who, where it stands, what it still needs, the visit, the board, the diagnosis. */
export function CasePage(props: { id: string; me: Me }) {
  const coordinator = props.me.role === 'coordinator';
  const data = useLoad(async () => {
    const path = { params: { path: { id: props.id } } };
    const c = await ok(client.GET('/api/cases/{id}', path));
    const [clinic, readiness, records, history] = await Promise.all([
      ok(client.GET('/api/clinics/{id}', { params: { path: { id: c.clinicId } } })),
      ok(client.GET('/api/cases/{id}/readiness', path)),
      ok(client.GET('/api/cases/{id}/records', path)),
      ok(client.GET('/api/cases/{id}/history', path)).catch(() => undefined),
    ]);
    return { c, clinic, readiness, records, history };
  }, [props.id]);
  const [override, setOverride] = useState<Case>();
  if (data.error !== undefined)
    return html`<main>
      <h1>Case</h1>
      <${LoadError} text=${data.error} retry=${data.reload} />
    </main>`;
  if (data.data === undefined)
    return html`<main>
      <h1>Case</h1>
      <${Loading} what="the case" />
    </main>`;
  const { clinic, readiness, records, history } = data.data;
  const c = override !== undefined && override.version >= data.data.c.version ? override : data.data.c;
  const changed = (next: Case): void => {
    setOverride(next);
    data.reload();
  };
  return html`<main class="case-page">
    <h1 class="sr-only">Case of ${c.patient.familyName.toUpperCase()}, ${c.patient.givenName}</h1>
    <${PatientBanner} patient=${bannerOf(c, clinic.name)} />
    <div class="case-grid">
      <${Workflow} c=${c} coordinator=${coordinator} onChange=${changed} />
      <${ReadinessPanel}
        caseId=${c.id}
        r=${readiness}
        coordinator=${coordinator}
        scheduling=${['referred', 'records_pending', 'ready'].includes(c.status)}
        onChange=${data.reload}
      />
    </div>
    <${ItineraryPanel} caseId=${c.id} clinicId=${c.clinicId} timeZone=${clinic.timeZone} onChange=${data.reload} />
    <${CaseBoardPanel} caseId=${c.id} clinicId=${c.clinicId} timeZone=${clinic.timeZone} onChange=${data.reload} />
    <${FollowUpPanel} caseId=${c.id} />
    <${Records} caseId=${c.id} records=${records} timeZone=${clinic.timeZone} onChange=${data.reload} />
    <${Referral} c=${c} history=${history} />
    <${ClinicalPanel} id=${c.id} />
  </main>`;
}
