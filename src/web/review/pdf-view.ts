import { GlobalWorkerOptions, getDocument, type PDFDocumentProxy, type RenderTask } from 'pdfjs-dist';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Button } from '../ui/button.js';
import { LoadError, Loading } from '../ui/empty.js';
import { html } from '../ui/html.js';
import { problemText } from '../ui/problem.js';
import { bearer } from './record-viewer.js';

// Copied beside the bundle by src/web/build.mjs.
GlobalWorkerOptions.workerSrc = '/pdf.worker.min.mjs';

const ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3];

/** A PDF record, one page at a time, fitted to the width and zoomable. */
export function PdfView(props: { caseId: string; recordId: string }) {
  const [doc, setDoc] = useState<PDFDocumentProxy>();
  const [error, setError] = useState<string>();
  const [page, setPage] = useState(1);
  const [zoom, setZoom] = useState(2);
  const canvas = useRef<HTMLCanvasElement>(null);
  const frame = useRef<HTMLDivElement>(null);

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
      void loaded?.destroy();
    };
  }, [props.caseId, props.recordId]);

  useEffect(() => {
    if (doc === undefined || canvas.current === null || frame.current === null) return;
    let task: RenderTask | undefined;
    let live = true;
    const target = canvas.current;
    const width = frame.current.clientWidth;
    void (async () => {
      const p = await doc.getPage(page);
      if (!live) return;
      const natural = p.getViewport({ scale: 1 });
      // Zoom 1 (the third step) fits the page to the frame's width.
      const scale = (width / natural.width) * (ZOOMS[zoom] ?? 1);
      const ratio = window.devicePixelRatio || 1;
      const viewport = p.getViewport({ scale: scale * ratio });
      target.width = Math.floor(viewport.width);
      target.height = Math.floor(viewport.height);
      target.style.width = `${Math.floor(viewport.width / ratio)}px`;
      target.style.height = `${Math.floor(viewport.height / ratio)}px`;
      task = p.render({ canvas: target, viewport });
      await task.promise.catch(() => undefined);
    })();
    return () => {
      live = false;
      task?.cancel();
    };
  }, [doc, page, zoom]);

  if (error !== undefined) return html`<${LoadError} text=${error} />`;
  const pages = doc?.numPages ?? 0;
  return html`<section class="card pdf-view" aria-labelledby="pdf-h">
    <h2 id="pdf-h" class="sr-only">Document</h2>
    ${doc === undefined ? html`<${Loading} what="the document" />` : null}
    <div class="viewer-tools" role="toolbar" aria-label="Pages and zoom">
      <${Button} disabled=${page <= 1} onClick=${() => setPage(page - 1)}>Previous page<//>
      <p class="page-of" aria-live="polite">${pages === 0 ? '' : `Page ${page} of ${pages}`}</p>
      <${Button} disabled=${pages === 0 || page >= pages} onClick=${() => setPage(page + 1)}>Next page<//>
      <${Button} variant="quiet" disabled=${zoom <= 0} onClick=${() => setZoom(zoom - 1)}>Zoom out<//>
      <span class="muted">${Math.round((ZOOMS[zoom] ?? 1) * 100)} %</span>
      <${Button} variant="quiet" disabled=${zoom >= ZOOMS.length - 1} onClick=${() => setZoom(zoom + 1)}>Zoom in<//>
    </div>
    <div class="pdf-frame" ref=${frame} tabindex="0" role="region" aria-label="The page: scroll to move around it">
      <canvas
        ref=${canvas}
        role="img"
        aria-label=${pages === 0 ? 'Document page' : `Page ${page} of ${pages}`}
      ></canvas>
    </div>
  </section>`;
}
