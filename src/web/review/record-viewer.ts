import { client, ok, type Schemas } from '../api/client.js';
import { tokens } from '../api/session.js';
import { LoadError, Loading } from '../ui/empty.js';
import { calendarDate, dateTime } from '../ui/format.js';
import { html } from '../ui/html.js';
import { RECORD_TYPE_WORDS, labelOf } from '../ui/labels.js';
import { bannerOf, PatientBanner } from '../ui/patient-banner.js';
import { useLoad } from '../ui/use-load.js';
import type { Me } from '../router.js';
import { AnnotatedRecord, isImage, isPdf } from './annotated-record.js';
import { ReviewPanel } from './review-form.js';

type RecordRow = Schemas['RecordResponseDto'];

export const FILE_TYPE_WORDS: Record<string, string> = {
  'application/pdf': 'PDF',
  'image/png': 'PNG image',
  'image/jpeg': 'JPEG image',
  'image/tiff': 'TIFF image',
  'application/dicom': 'DICOM file',
  'text/plain': 'Plain text',
};

/** A file size in words: "2.4 MB". */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The current access token, for requests the typed client does not make (tiles, PDF bytes). */
export function bearer(): Record<string, string> {
  const t = tokens();
  return t === null ? {} : { authorization: `Bearer ${t.accessToken}` };
}

/** One record of a case, read in the app: PDF page by page, images in deep zoom, studies by link. */
export function RecordViewer(props: { caseId: string; recordId: string; me: Me; annotationId?: string }) {
  const data = useLoad(async () => {
    const path = { params: { path: { id: props.caseId } } };
    // One round of requests before the viewer starts (a large image's first tiles come after two more).
    const [c, records, clinics] = await Promise.all([
      ok(client.GET('/api/cases/{id}', path)),
      ok(client.GET('/api/cases/{id}/records', path)),
      ok(client.GET('/api/clinics', { params: { query: { limit: 100 } } })),
    ]);
    // Who may mark findings, and the names of those who did.
    const specialists = ok(client.GET('/api/specialists', { params: { query: { clinicId: c.clinicId } } }));
    const clinic =
      clinics.items.find((k) => k.id === c.clinicId) ??
      (await ok(client.GET('/api/clinics/{id}', { params: { path: { id: c.clinicId } } })));
    return { c, clinic, specialists: await specialists, record: records.find((r) => r.id === props.recordId) };
  }, [props.caseId, props.recordId]);
  const annotations = useLoad(
    () => ok(client.GET('/api/cases/{id}/annotations', { params: { path: { id: props.caseId } } })),
    [props.caseId],
  );
  if (data.error !== undefined)
    return html`<main>
      <h1>Record</h1>
      <${LoadError} text=${data.error} retry=${data.reload} />
    </main>`;
  if (data.data === undefined)
    return html`<main>
      <h1>Record</h1>
      <${Loading} what="the record" />
    </main>`;
  const { c, clinic, record, specialists } = data.data;
  const me = specialists.find((s) => s.userId === props.me.id);
  // Pathologists and radiologists mark findings (the server holds the same rule).
  const discipline = (['pathology', 'radiology'] as const).find((d) => me?.disciplines.includes(d));
  const nameOf = (userId: string | null): string =>
    specialists.find((s) => s.userId === userId)?.displayName ?? 'a reviewer';
  return html`<main class="record-viewer">
    <${PatientBanner} patient=${bannerOf(c, clinic.name)} />
    <p><a href=${`#/case/${c.id}`}>Back to the case</a></p>
    ${
      record === undefined
        ? html`<h1>Record</h1>
            <div class="alert alert-danger" role="alert">This case has no such record.</div>`
        : html`<${RecordFacts} record=${record} timeZone=${clinic.timeZone} /> ${
              isPdf(record) || isImage(record)
                ? html`<${AnnotatedRecord}
                    caseId=${c.id}
                    record=${record}
                    annotations=${annotations.data ?? []}
                    timeZone=${clinic.timeZone}
                    discipline=${discipline}
                    nameOf=${nameOf}
                    focusId=${props.annotationId}
                    onSaved=${annotations.reload}
                  />`
                : html`<${RecordBody} record=${record} />`
            }
            ${
              discipline === undefined
                ? null
                : html`<${ReviewPanel}
                    caseId=${c.id}
                    discipline=${discipline}
                    annotations=${annotations.data ?? []}
                    timeZone=${clinic.timeZone}
                  />`
            }`
    }
  </main>`;
}

function RecordFacts(props: { record: RecordRow; timeZone: string }) {
  const r = props.record;
  return html`<header class="card record-facts">
    <h1>${labelOf(RECORD_TYPE_WORDS, r.type)}</h1>
    <dl>
      <div>
        <dt>Dated</dt>
        <dd>${r.documentDate === null ? 'Not dated' : calendarDate(r.documentDate)}</dd>
      </div>
      <div>
        <dt>Source</dt>
        <dd>${r.source ?? 'Not given'}</dd>
      </div>
      ${
        r.kind === 'file'
          ? html`<div>
              <dt>File</dt>
              <dd>
                ${labelOf(FILE_TYPE_WORDS, r.mediaType ?? '')}${r.sizeBytes === null ? '' : `, ${fileSize(r.sizeBytes)}`}
              </dd>
            </div>`
          : html`<div>
              <dt>Study</dt>
              <dd>Imaging study (DICOMweb)</dd>
            </div>`
      }
      <div>
        <dt>Received</dt>
        <dd>${dateTime(r.createdAt, props.timeZone)}</dd>
      </div>
    </dl>
    ${r.supersededBy === null ? null : html`<p class="alert alert-warning">A newer version of this record replaces it.</p>`}
  </header>`;
}

function RecordBody(props: { record: RecordRow }) {
  const r = props.record;
  if (r.kind === 'dicomweb')
    return html`<section class="card" aria-labelledby="study-h">
      <h2 id="study-h">Imaging study</h2>
      <p>Study UID: <code class="uid">${r.studyUid}</code></p>
      ${
        r.url === null
          ? null
          : html`<p>
              <a href=${r.url} rel="noopener noreferrer" target="_blank">Open the study in the image viewer</a>
            </p>`
      }
    </section>`;
  return html`<section class="card">
    <p>This file cannot be shown here. Download it from the case page.</p>
  </section>`;
}
