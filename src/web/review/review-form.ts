import { useState } from 'preact/hooks';
import { client, ok } from '../api/client.js';
import { api } from '../api/session.js';
import { Button } from '../ui/button.js';
import { morphologyWithName } from '../ui/codes.js';
import { LoadError, Loading } from '../ui/empty.js';
import { CheckboxField, Field, Fieldset, SelectField } from '../ui/field.js';
import { dateTime } from '../ui/format.js';
import { html } from '../ui/html.js';
import { FINDING_TYPE_WORDS, LATERALITY_WORDS, labelOf, optionsOf } from '../ui/labels.js';
import { fieldErrors, problemText } from '../ui/problem.js';
import { toastSuccess } from '../ui/toast.js';
import { useLoad } from '../ui/use-load.js';
import { currentVersions, GRADES, pageOfAnnotation, valuesInWords, type AnnotationRow } from './annotations.js';

/** A recorded diagnosis of the case, as the API returns it (the list is not typed in the API description). */
export interface Assessment {
  id: string;
  source: string;
  primarySite: string;
  primarySiteName?: string | null;
  histology: string | null;
  laterality: string | null;
  grade: string | null;
  tumourSizeMm: number | null;
  pathologicalStage: { t?: string; n?: string; m?: string } | null;
  biomarkers: { name: string; value?: string; method?: string }[];
  evidenceAnnotationIds?: string[];
  recordedAt: string;
}

export const REVIEW_SOURCE: Record<string, 'pathology_review' | 'radiology_review'> = {
  pathology: 'pathology_review',
  radiology: 'radiology_review',
};
export const REVIEW_WORDS: Record<string, string> = {
  pathology_review: 'Pathology review',
  radiology_review: 'Radiology review',
};

/** The newest assessment from a source (reviews are kept, each new one standing in for the last). */
export const latestOf = (all: readonly Assessment[], source: string): Assessment | undefined =>
  [...all].reverse().find((a) => a.source === source);

/** An assessment in one line: "C50.4 · 8520/3 Lobular carcinoma, NOS · Left · G2 · pT2 pN1 · HER2 3+". */
export function assessmentWords(a: Assessment): string {
  const stage = a.pathologicalStage;
  return [
    a.primarySiteName == null ? a.primarySite : `${a.primarySite} ${a.primarySiteName}`,
    a.histology === null ? null : morphologyWithName(a.histology),
    a.laterality === null ? null : labelOf(LATERALITY_WORDS, a.laterality),
    a.grade,
    a.tumourSizeMm === null ? null : `${a.tumourSizeMm} mm`,
    stage === null
      ? null
      : [stage.t, stage.n, stage.m]
          .filter(Boolean)
          .map((x) => `p${x}`)
          .join(' ') || null,
    ...a.biomarkers.map((b) => `${b.name} ${b.value ?? ''}`.trim()),
  ]
    .filter((x): x is string => x !== null && x !== '')
    .join(' · ');
}

const MARKERS = ['ER', 'PR', 'HER2', 'Ki-67'];

/**
 * The pathology or radiology review, beside the viewer: the reviewer's own
 * reading of the case in the clinical model's fields, resting on the findings
 * marked on the records (evidence). A new review stands in for the last one,
 * which is kept.
 */
export function ReviewPanel(props: {
  caseId: string;
  discipline: 'pathology' | 'radiology';
  annotations: readonly AnnotationRow[];
  timeZone: string;
}) {
  const source = REVIEW_SOURCE[props.discipline];
  const all = useLoad(() => api<Assessment[]>(`/api/cases/${props.caseId}/diagnoses`), [props.caseId]);
  if (all.error !== undefined) return html`<${LoadError} text=${all.error} retry=${all.reload} />`;
  if (all.data === undefined) return html`<${Loading} what="the reviews" />`;
  const mine = latestOf(all.data, source);
  const start = mine ?? latestOf(all.data, 'referring');
  return html`<section class="card review-panel" aria-labelledby="review-h">
    <h2 id="review-h">${REVIEW_WORDS[source]}</h2>
    ${
      mine === undefined
        ? html`<p class="muted">
            No ${REVIEW_WORDS[source].toLowerCase()} recorded yet. It starts from the referring diagnosis.
          </p>`
        : html`<p data-testid="review-recorded">
            Recorded ${dateTime(mine.recordedAt, props.timeZone)}:
            <strong>${assessmentWords(mine)}</strong>${
              (mine.evidenceAnnotationIds ?? []).length === 0
                ? ''
                : ` — resting on ${(mine.evidenceAnnotationIds ?? []).length === 1 ? '1 finding' : `${mine.evidenceAnnotationIds!.length} findings`}`
            }
          </p>`
    }
    <${ReviewForm}
      key=${mine?.id ?? 'first'}
      caseId=${props.caseId}
      source=${source}
      start=${start}
      annotations=${currentVersions(props.annotations)}
      onSaved=${all.reload}
    />
  </section>`;
}

function ReviewForm(props: {
  caseId: string;
  source: 'pathology_review' | 'radiology_review';
  start: Assessment | undefined;
  annotations: AnnotationRow[];
  onSaved: () => void;
}) {
  const s = props.start;
  const [site, setSite] = useState(s?.primarySite ?? '');
  const [histology, setHistology] = useState(s?.histology ?? '');
  const [laterality, setLaterality] = useState(s?.laterality ?? '');
  const [grade, setGrade] = useState(s?.grade ?? '');
  const [malignant, setMalignant] = useState(true);
  const [size, setSize] = useState(s?.tumourSizeMm == null ? '' : String(s.tumourSizeMm));
  const [stage, setStage] = useState({
    t: s?.pathologicalStage?.t ?? '',
    n: s?.pathologicalStage?.n ?? '',
    m: s?.pathologicalStage?.m ?? '',
  });
  const [markers, setMarkers] = useState<Record<string, string>>(
    Object.fromEntries(MARKERS.map((m) => [m, s?.biomarkers.find((b) => b.name === m)?.value ?? ''])),
  );
  const [evidence, setEvidence] = useState<string[]>(props.start?.evidenceAnnotationIds ?? []);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const pathology = props.source === 'pathology_review';
  const save = async (): Promise<void> => {
    const t = stage.t.trim();
    const n = stage.n.trim();
    const m = stage.m.trim();
    try {
      await ok(
        client.POST('/api/cases/{id}/diagnoses', {
          params: { path: { id: props.caseId } },
          body: {
            source: props.source,
            primarySite: site.trim(),
            malignant,
            ...(histology.trim() === '' ? {} : { histology: histology.trim() }),
            ...(laterality === '' ? {} : { laterality: laterality as never }),
            ...(grade === '' ? {} : { grade: grade as never }),
            ...(size === '' ? {} : { tumourSizeMm: Number(size) }),
            ...(pathology && (t !== '' || n !== '' || m !== '')
              ? {
                  pathologicalStage: {
                    ...(t === '' ? {} : { t }),
                    ...(n === '' ? {} : { n }),
                    ...(m === '' ? {} : { m }),
                  },
                }
              : {}),
            biomarkers: Object.entries(markers)
              .filter(([, v]) => v.trim() !== '')
              // Tumour markers (IHC): somatic.
              .map(([name, value]) => ({ name, value: value.trim(), origin: 'somatic' as const })),
            evidenceAnnotationIds: evidence,
          },
        }),
      );
      setErrors({});
      toastSuccess(`${REVIEW_WORDS[props.source]} recorded.`);
      props.onSaved();
    } catch (e) {
      const fields = fieldErrors(e);
      setErrors(Object.keys(fields).length > 0 ? fields : { form: problemText(e) });
    }
  };
  return html`<form
    aria-label=${`Record the ${REVIEW_WORDS[props.source].toLowerCase()}`}
    onSubmit=${(e: Event) => {
      e.preventDefault();
      void save();
    }}
  >
    <div class="grid-2">
      <${Field}
        label="Primary site (ICD-O-3 topography)"
        name="primarySite"
        value=${site}
        required=${true}
        hint="e.g. C50.4"
        error=${errors.primarySite}
        onInput=${setSite}
      />
      <${Field}
        label="Histology (ICD-O-3 morphology)"
        name="histology"
        value=${histology}
        hint=${histology === '' ? 'e.g. 8520/3' : morphologyWithName(histology)}
        error=${errors.histology}
        onInput=${setHistology}
      />
      <${SelectField}
        label="Laterality"
        name="laterality"
        value=${laterality}
        placeholder="Not given"
        options=${optionsOf(LATERALITY_WORDS)}
        error=${errors.laterality}
        onInput=${setLaterality}
      />
      <${SelectField}
        label="Grade"
        name="grade"
        value=${grade}
        placeholder="Not given"
        options=${GRADES.map((g) => ({ value: g, label: g }))}
        error=${errors.grade}
        onInput=${setGrade}
      />
      <${Field}
        label="Tumour size (mm)"
        name="tumourSizeMm"
        type="number"
        min="0"
        value=${size}
        error=${errors.tumourSizeMm}
        onInput=${setSize}
      />
    </div>
    <${CheckboxField}
      label="Malignant"
      name="malignant"
      checked=${malignant}
      error=${errors.malignant}
      onInput=${setMalignant}
    />
    ${
      pathology
        ? html`<${Fieldset} legend="Pathological stage (AJCC)" hint="T, N and M without the p: e.g. T2, N1a, M0">
            <div class="grid-3">
              ${(['t', 'n', 'm'] as const).map(
                (k) =>
                  html`<${Field}
                    label=${`p${k.toUpperCase()}`}
                    name=${`pathologicalStage.${k}`}
                    value=${stage[k]}
                    error=${errors[`pathologicalStage.${k}`]}
                    onInput=${(v: string) => setStage({ ...stage, [k]: v })}
                  />`,
              )}
            </div>
          <//>`
        : null
    }
    ${
      pathology
        ? html`<${Fieldset}
            legend="Biomarkers"
            hint="As reported: ER and PR with the per cent of cells, HER2 as 0 to 3+"
          >
            <div class="grid-2">
              ${MARKERS.map(
                (m) =>
                  html`<${Field}
                    label=${m}
                    name=${`marker-${m}`}
                    value=${markers[m] ?? ''}
                    onInput=${(v: string) => setMarkers({ ...markers, [m]: v })}
                  />`,
              )}
            </div>
            ${errors.biomarkers === undefined ? null : html`<p class="error" role="alert">${errors.biomarkers}</p>`}
          <//>`
        : null
    }
    <${Fieldset} legend="Evidence" hint="The findings marked on the records that this review rests on.">
      ${
        props.annotations.length === 0
          ? html`<p class="muted">No findings marked yet.</p>`
          : props.annotations.map((a) => {
              const page = pageOfAnnotation(a);
              return html`<${CheckboxField}
                key=${a.id}
                name=${`evidence-${a.id}`}
                checked=${evidence.includes(a.id)}
                label=${`${labelOf(FINDING_TYPE_WORDS, a.findingType)}${Object.keys(a.values).length === 0 ? '' : `: ${valuesInWords(a)}`}${page === undefined ? '' : ` (page ${page})`}`}
                onInput=${(on: boolean) => setEvidence(on ? [...evidence, a.id] : evidence.filter((x) => x !== a.id))}
              />`;
            })
      }
      ${errors.evidenceAnnotationIds === undefined ? null : html`<p class="error" role="alert">${errors.evidenceAnnotationIds}</p>`}
    <//>
    ${errors.form === undefined ? null : html`<p class="error" role="alert">${errors.form}</p>`}
    <${Button} variant="primary" type="submit">Record the review<//>
  </form>`;
}
