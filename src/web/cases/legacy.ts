import { useState } from 'preact/hooks';
import { api, importFhirReferral } from '../api/session.js';
import { html } from '../ui/html.js';
import { Loading } from '../ui/empty.js';
import { download } from '../api/client.js';
import { toastError } from '../ui/toast.js';
import { DISCIPLINE_WORDS, FINDING_TYPE_WORDS, labelOf } from '../ui/labels.js';
import { currentVersions, pageOfAnnotation, valuesInWords, type AnnotationRow } from '../review/annotations.js';

// Views carried over from the first version of the app (untyped JSON); each is
// replaced by typed views of its area as the area is rebuilt.

import { type Json, type Page, useLoad, words } from '../shared/legacy.js';

export type { Json, Page };

export function FhirImport(props: { onImported: () => void }) {
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
      <button type="submit" class="btn btn-secondary" disabled=${file === null || busy}>
        ${busy ? 'Importing…' : 'Import'}
      </button>
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
      // The result as the report gave it first (clinicians need the number), then its category.
      const reported = b.value == null ? '' : String(b.value);
      const category = b.category == null ? '' : String((b.category as Json).label);
      const shown = [reported, category].filter((x, i, all) => x !== '' && all.indexOf(x) === i).join(' — ');
      return `${b.origin === 'germline' ? 'germline ' : ''}${String(b.marker)} ${shown}${from === undefined ? '' : `, ${from}`}`;
    })
    .join('; ');
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

/**
 * The findings marked on the case's records: each with its place (record and
 * page), author's discipline, version, and the reviews that rest on it; each
 * opens its record at its place.
 */
const SOURCE_NAMES: Record<string, string> = {
  pathology_review: 'Pathology review',
  radiology_review: 'Radiology review',
  board: "the board's diagnosis",
};

function CaseFindings(props: { caseId: string; annotations: AnnotationRow[]; diagnoses: Json[] }) {
  const current = currentVersions(props.annotations);
  const restingOn = (id: string): string[] =>
    props.diagnoses
      .filter((d) => ((d.evidenceAnnotationIds as string[] | undefined) ?? []).includes(id))
      .map((d) => SOURCE_NAMES[String(d.source)] ?? words(String(d.source)));
  return html`<section aria-labelledby="case-findings-h">
    <h3 id="case-findings-h">Findings on the records</h3>
    ${
      current.length === 0
        ? html`<p class="muted">No findings marked on the records yet.</p>`
        : html`<ul class="annotation-list">
            ${current.map((a) => {
              const page = pageOfAnnotation(a);
              const cited = [...new Set(restingOn(a.id))];
              return html`<li class="annotation-item">
                <p>
                  <strong>${labelOf(FINDING_TYPE_WORDS, a.findingType)}</strong
                  >${Object.keys(a.values).length === 0 ? '' : ` — ${valuesInWords(a)}`}
                </p>
                <p>${a.text}</p>
                <p class="muted">
                  ${[
                    labelOf(DISCIPLINE_WORDS, a.authorDiscipline),
                    `version ${a.version}`,
                    page === undefined ? 'on the image' : `page ${page}`,
                    ...(cited.length === 0 ? [] : [`evidence for: ${cited.join(', ')}`]),
                  ].join(' · ')}
                </p>
                <p>
                  <a href=${`#/case/${props.caseId}/record/${a.recordId}/annotation/${a.id}`}>Open the record here</a>
                </p>
              </li>`;
            })}
          </ul>`
    }
  </section>`;
}

/**
 * The clinical part of the case page carried over from the first app: the
 * referring and board diagnoses, what changed, annotations, plans and the
 * letter. Issue 18 (review on the document, the board room) rebuilds it typed.
 */
export function ClinicalPanel(props: { id: string }) {
  const { data } = useLoad(async () => {
    const base = `/api/cases/${props.id}`;
    const [diagnoses, changes, plans, annotations] = await Promise.all([
      api<Json[]>(`${base}/diagnoses`),
      api<Json[]>(`${base}/diagnosis-changes`),
      api<Json[]>(`${base}/plans`),
      api<Json[]>(`${base}/annotations`),
    ]);
    // The board's diagnosis as it stands: what it did not restate comes from the reviews and the referral.
    const standing = diagnoses.some((d) => d.source === 'board')
      ? await api<Json>(`${base}/standing-diagnosis`)
      : undefined;
    return { diagnoses, changes, plans, annotations, standing };
  }, [props.id]);
  if (data === undefined) return html`<${Loading} what="the diagnoses" />`;
  const last = (source: string) => [...data.diagnoses].reverse().find((d) => d.source === source);
  const change = data.changes.find((c) => c.current === true);
  const changed = (change?.changeTypes as string[] | undefined) ?? [];
  return html`<section aria-labelledby="clinical-h">
    <h2 id="clinical-h">Diagnosis and plan</h2>
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
    ${
      last('pathology_review') === undefined && last('radiology_review') === undefined
        ? null
        : html`<h3>Reviews</h3>
            <div class="grid">
              ${last('pathology_review') === undefined ? null : Diagnosis({ title: 'Pathology review', d: last('pathology_review'), changed: [] })}
              ${last('radiology_review') === undefined ? null : Diagnosis({ title: 'Radiology review', d: last('radiology_review'), changed: [] })}
            </div>`
    }
    <${CaseFindings} caseId=${props.id} annotations=${data.annotations} diagnoses=${data.diagnoses} />
    <h3>Plans</h3>
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
    <p>
      <button
        class="btn btn-secondary"
        onClick=${() => download(`/api/cases/${props.id}/report?format=pdf`, 'second-opinion.pdf').catch(toastError)}
      >
        Report (PDF)
      </button>
      ${' '}<button
        class="btn btn-secondary"
        onClick=${() => download(`/api/cases/${props.id}/fhir`, 'case.fhir.json').catch(toastError)}
      >
        FHIR Bundle
      </button>
    </p>
  </section>`;
}
