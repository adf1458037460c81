import type OpenSeadragon from 'openseadragon';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Schemas } from '../api/client.js';
import { html } from '../ui/html.js';
import { AnnotationLayer, type Surface, type Tool } from './annotation-layer.js';
import {
  AnnotationList,
  FindingForm,
  ToolBar,
  currentVersions,
  pageOfAnnotation,
  type AnnotationRow,
} from './annotations.js';
import { ImageView } from './image-view.js';
import { PdfView, type RenderedPage } from './pdf-view.js';
import type { Place, W3CSelector } from './shapes.js';
import type { ViewerView } from './view-state.js';

type RecordRow = Schemas['RecordResponseDto'];

export const isPdf = (r: RecordRow): boolean => r.mediaType === 'application/pdf';
export const isImage = (r: RecordRow): boolean =>
  r.mediaType === 'image/png' || r.mediaType === 'image/jpeg' || r.mediaType === 'image/tiff';

/**
 * A record in its viewer with its findings drawn over it: a pathologist or
 * radiologist (`discipline`) marks a place with a tool, describes the finding
 * and saves it; everyone sees the list (author, discipline, time, version)
 * and can open the record at each place.
 */
export function AnnotatedRecord(props: {
  caseId: string;
  record: RecordRow;
  /** Every annotation of the case (all versions); this record's are shown. */
  annotations: readonly AnnotationRow[];
  timeZone: string;
  /** The reviewer's discipline when they may annotate (pathology, radiology). */
  discipline: string | undefined;
  onSaved: () => void;
  /** Open at this annotation. */
  focusId?: string | undefined;
  nameOf?: (userId: string | null) => string;
  follow?: ViewerView | undefined;
  onView?: ((v: ViewerView) => void) | undefined;
  sharePointer?: boolean;
}) {
  const r = props.record;
  const mine = useMemo(() => props.annotations.filter((a) => a.recordId === r.id), [props.annotations, r.id]);
  const focused = mine.find((a) => a.id === props.focusId);
  const [surface, setSurface] = useState<Surface>();
  const [tool, setTool] = useState<Tool | null>(null);
  const [draft, setDraft] = useState<{ place: Place; page: number | undefined }>();
  const [amending, setAmending] = useState<AnnotationRow>();
  const [selected, setSelected] = useState<string | undefined>(props.focusId);
  const [goTo, setGoTo] = useState<{ page: number; seq: number }>();
  useEffect(() => setSelected(props.focusId), [props.focusId]);

  const page = surface?.kind === 'pdf' ? surface.page.number : undefined;
  const shown = useMemo(
    () =>
      currentVersions(mine)
        .filter((a) => surface?.kind !== 'pdf' || pageOfAnnotation(a) === page)
        .map((a) => ({ id: a.id, selector: a.selector as W3CSelector | null })),
    [mine, surface, page],
  );
  const show = (a: AnnotationRow): void => {
    setSelected(a.id);
    const p = pageOfAnnotation(a);
    if (isPdf(r) && p !== undefined) setGoTo((g) => ({ page: p, seq: (g?.seq ?? 0) + 1 }));
  };
  const drawn = (place: Place): void => {
    setTool(null);
    setAmending(undefined);
    setDraft({ place, page });
  };
  const onPage = (p: RenderedPage | undefined): void =>
    setSurface(p === undefined ? undefined : { kind: 'pdf', page: p });
  const onViewer = (v: OpenSeadragon.Viewer | undefined): void =>
    setSurface(v === undefined ? undefined : { kind: 'image', viewer: v });
  const viewer = isPdf(r)
    ? html`<${PdfView}
        caseId=${props.caseId}
        recordId=${r.id}
        initialPage=${focused === undefined ? undefined : pageOfAnnotation(focused)}
        goTo=${goTo}
        onPage=${onPage}
        follow=${props.follow}
        onView=${props.onView}
        sharePointer=${props.sharePointer}
      />`
    : html`<${ImageView}
        caseId=${props.caseId}
        recordId=${r.id}
        onViewer=${onViewer}
        follow=${props.follow}
        onView=${props.onView}
        sharePointer=${props.sharePointer}
      />`;
  const formOpen = draft !== undefined || amending !== undefined;
  return html`<div class="annotated-record">
    ${
      props.discipline === undefined
        ? null
        : html`<${ToolBar} tool=${tool} onTool=${setTool} disabled=${formOpen || surface === undefined} />`
    }
    ${viewer}
    ${
      surface === undefined
        ? null
        : html`<${AnnotationLayer}
            surface=${surface}
            shown=${shown}
            tool=${tool}
            draft=${draft?.place}
            selected=${selected}
            onDrawn=${drawn}
            onSelect=${setSelected}
          />`
    }
    ${
      formOpen && props.discipline !== undefined
        ? html`<${FindingForm}
            key=${amending?.id ?? 'new'}
            caseId=${props.caseId}
            recordId=${r.id}
            place=${draft}
            amending=${amending}
            discipline=${props.discipline}
            onDone=${(saved: AnnotationRow | undefined) => {
              setDraft(undefined);
              setAmending(undefined);
              if (saved !== undefined) {
                setSelected(saved.id);
                props.onSaved();
              }
            }}
          />`
        : null
    }
    <section aria-labelledby=${`findings-${r.id}`} class="findings">
      <h3 id=${`findings-${r.id}`}>Findings on this record</h3>
      <${AnnotationList}
        all=${mine}
        timeZone=${props.timeZone}
        selected=${selected}
        nameOf=${props.nameOf}
        onShow=${show}
        canAmend=${(a: AnnotationRow) => a.authorDiscipline === props.discipline}
        onAmend=${
          props.discipline === undefined
            ? undefined
            : (a: AnnotationRow) => {
                setDraft(undefined);
                setAmending(a);
                show(a);
              }
        }
      />
    </section>
  </div>`;
}
