import {
  GlobalWorkerOptions,
  getDocument,
  type PDFDocumentProxy,
  type PDFPageProxy,
  type RenderTask,
} from 'pdfjs-dist';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Button } from '../ui/button.js';
import { LoadError, Loading } from '../ui/empty.js';
import { html } from '../ui/html.js';
import { problemText } from '../ui/problem.js';
import { bearer } from './record-viewer.js';
import { throttle, type ViewerView } from './view-state.js';

// Copied beside the bundle by src/web/build.mjs.
GlobalWorkerOptions.workerSrc = '/pdf.worker.min.mjs';

export const PDF_ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3];

/** The page on screen, for layers drawn over it (annotations): PDF units × `scale` = CSS pixels. */
export interface RenderedPage {
  page: PDFPageProxy;
  number: number;
  /** CSS pixels per PDF unit. */
  scale: number;
  /** The page's box in CSS pixels, inside `layer`. */
  width: number;
  height: number;
  /** An element over the page, the page's size, for overlays (the app renders nothing into it). */
  layer: HTMLDivElement;
}

export interface PdfViewProps {
  caseId: string;
  recordId: string;
  /** A view to show (the presenter's): applied whenever it changes. */
  follow?: ViewerView | undefined;
  onView?: ((v: ViewerView) => void) | undefined;
  sharePointer?: boolean;
  /** Open at this page (a link to an annotation). */
  initialPage?: number | undefined;
  onPage?: ((p: RenderedPage | undefined) => void) | undefined;
  /** Turn to this page (an annotation shown); `seq` lets the same page be asked for again. */
  goTo?: { page: number; seq: number } | undefined;
}

const nearestZoom = (factor: number): number => {
  let best = 0;
  PDF_ZOOMS.forEach((z, i) => {
    if (Math.abs(z - factor) < Math.abs((PDF_ZOOMS[best] ?? 1) - factor)) best = i;
  });
  return best;
};

/** A PDF record, one page at a time, fitted to the width and zoomable. */
export function PdfView(props: PdfViewProps) {
  const [doc, setDoc] = useState<PDFDocumentProxy>();
  const [error, setError] = useState<string>();
  const [page, setPage] = useState(props.initialPage ?? 1);
  const [zoom, setZoom] = useState(2);
  const [rendered, setRendered] = useState(0);
  const canvas = useRef<HTMLCanvasElement>(null);
  const frame = useRef<HTMLDivElement>(null);
  const layer = useRef<HTMLDivElement>(null);
  const annoHost = useRef<HTMLDivElement>(null);
  const latest = useRef(props);
  latest.current = props;
  const pointer = useRef<ViewerView['pointer']>(null);
  const following = useRef(false);
  const state = useRef({ page, zoom });
  state.current = { page, zoom };

  useEffect(() => {
    let live = true;
    let loaded: PDFDocumentProxy | undefined;
    void (async () => {
      try {
        const res = await fetch(`/api/cases/${props.caseId}/records/${props.recordId}/content`, { headers: bearer() });
        if (!res.ok) throw new Error(`The file could not be read (${res.status}).`);
        const data = new Uint8Array(await res.arrayBuffer());
        loaded = await getDocument({ data, isEvalSupported: false }).promise;
        if (live) setDoc(loaded);
      } catch (e) {
        if (live) setError(problemText(e));
      }
    })();
    return () => {
      live = false;
      latest.current.onPage?.(undefined);
      void loaded?.destroy();
    };
  }, [props.caseId, props.recordId]);

  const current = (): ViewerView => {
    const f = frame.current;
    const centre = (scroll: number, client: number, total: number): number =>
      total <= 0 ? 0.5 : Math.min(1, Math.max(0, (scroll + client / 2) / total));
    return {
      page: state.current.page,
      zoom: PDF_ZOOMS[state.current.zoom] ?? 1,
      x: f === null ? 0.5 : centre(f.scrollLeft, f.clientWidth, f.scrollWidth),
      y: f === null ? 0.5 : centre(f.scrollTop, f.clientHeight, f.scrollHeight),
      pointer: pointer.current,
    };
  };
  const tell = useRef(
    throttle(() => {
      if (!following.current) latest.current.onView?.(current());
    }, 150),
  );
  useEffect(() => () => tell.current.cancel(), []);

  useEffect(() => {
    if (doc === undefined || canvas.current === null || frame.current === null) return;
    let task: RenderTask | undefined;
    let live = true;
    const target = canvas.current;
    const width = frame.current.clientWidth;
    void (async () => {
      const p = await doc.getPage(Math.min(page, doc.numPages));
      if (!live) return;
      const natural = p.getViewport({ scale: 1 });
      // Zoom 1 (the third step) fits the page to the frame's width.
      const scale = (width / natural.width) * (PDF_ZOOMS[zoom] ?? 1);
      const ratio = window.devicePixelRatio || 1;
      const viewport = p.getViewport({ scale: scale * ratio });
      target.width = Math.floor(viewport.width);
      target.height = Math.floor(viewport.height);
      const cssWidth = Math.floor(viewport.width / ratio);
      const cssHeight = Math.floor(viewport.height / ratio);
      target.style.width = `${cssWidth}px`;
      target.style.height = `${cssHeight}px`;
      if (layer.current !== null) {
        layer.current.style.width = `${cssWidth}px`;
        layer.current.style.height = `${cssHeight}px`;
      }
      task = p.render({ canvas: target, viewport });
      await task.promise.catch(() => undefined);
      if (!live || annoHost.current === null) return;
      setRendered((n) => n + 1);
      tell.current();
      latest.current.onPage?.({
        page: p,
        number: page,
        scale,
        width: cssWidth,
        height: cssHeight,
        layer: annoHost.current,
      });
    })();
    return () => {
      live = false;
      task?.cancel();
    };
  }, [doc, page, zoom]);

  useEffect(() => {
    if (props.goTo !== undefined) setPage(props.goTo.page);
  }, [props.goTo?.seq]);

  // Follow the presenter: page and zoom, then the same centre once the page is drawn.
  useEffect(() => {
    const f = props.follow;
    if (f === undefined) return;
    following.current = true;
    if (f.page !== null && f.page !== page) setPage(f.page);
    const z = nearestZoom(f.zoom);
    if (z !== zoom) setZoom(z);
  }, [props.follow]);
  useEffect(() => {
    const f = props.follow;
    const el = frame.current;
    if (f === undefined || el === null) return;
    following.current = true;
    el.scrollLeft = f.x * el.scrollWidth - el.clientWidth / 2;
    el.scrollTop = f.y * el.scrollHeight - el.clientHeight / 2;
    // Scroll events from this come before the flag drops: they are not the user's.
    requestAnimationFrame(() => (following.current = false));
  }, [props.follow, rendered]);

  const onMove = (e: PointerEvent): void => {
    if (props.sharePointer !== true || layer.current === null) return;
    const box = layer.current.getBoundingClientRect();
    pointer.current = { x: (e.clientX - box.left) / box.width, y: (e.clientY - box.top) / box.height };
    tell.current();
  };
  const onLeave = (): void => {
    if (props.sharePointer !== true) return;
    pointer.current = null;
    tell.current();
  };

  if (error !== undefined) return html`<${LoadError} text=${error} />`;
  const pages = doc?.numPages ?? 0;
  const fp = props.follow?.pointer ?? null;
  return html`<section class="card pdf-view" aria-labelledby="pdf-h">
    <h2 id="pdf-h" class="sr-only">Document</h2>
    ${doc === undefined ? html`<${Loading} what="the document" />` : null}
    <div class="viewer-tools" role="toolbar" aria-label="Pages and zoom">
      <${Button} disabled=${page <= 1} onClick=${() => setPage(page - 1)}>Previous page<//>
      <p class="page-of" aria-live="polite" data-testid="page-of">${pages === 0 ? '' : `Page ${page} of ${pages}`}</p>
      <${Button} disabled=${pages === 0 || page >= pages} onClick=${() => setPage(page + 1)}>Next page<//>
      <${Button} variant="quiet" disabled=${zoom <= 0} onClick=${() => setZoom(zoom - 1)}>Zoom out<//>
      <span class="muted" data-testid="view-zoom">${Math.round((PDF_ZOOMS[zoom] ?? 1) * 100)} %</span>
      <${Button} variant="quiet" disabled=${zoom >= PDF_ZOOMS.length - 1} onClick=${() => setZoom(zoom + 1)}>Zoom in<//>
    </div>
    <div
      class="pdf-frame"
      ref=${frame}
      tabindex="0"
      role="region"
      aria-label="The page: scroll to move around it"
      onScroll=${() => tell.current()}
    >
      <div class="pdf-page" onPointerMove=${onMove} onPointerLeave=${onLeave}>
        <canvas
          ref=${canvas}
          role="img"
          aria-label=${pages === 0 ? 'Document page' : `Page ${page} of ${pages}`}
        ></canvas>
        <div class="pdf-layer" ref=${layer}>
          <div class="pdf-anno" ref=${annoHost}></div>
          ${
            fp === null
              ? null
              : html`<div
                  class="presenter-pointer"
                  data-testid="presenter-pointer"
                  aria-hidden="true"
                  style=${`left:${fp.x * 100}%;top:${fp.y * 100}%`}
                ></div>`
          }
        </div>
      </div>
    </div>
  </section>`;
}
