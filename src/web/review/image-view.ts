import OpenSeadragon from 'openseadragon';
import { useEffect, useRef, useState } from 'preact/hooks';
import { client, ok } from '../api/client.js';
import { Button } from '../ui/button.js';
import { LoadError } from '../ui/empty.js';
import { html } from '../ui/html.js';
import { problemText } from '../ui/problem.js';
import { bearer } from './record-viewer.js';
import { sameView, throttle, type ViewerView } from './view-state.js';

export interface ImageViewProps {
  caseId: string;
  recordId: string;
  /** A view to show (the presenter's): applied whenever it changes. */
  follow?: ViewerView | undefined;
  /** Told where the user has moved the view (and the pointer, when `sharePointer`). */
  onView?: ((v: ViewerView) => void) | undefined;
  sharePointer?: boolean;
  /** The OpenSeadragon viewer once open, for layers drawn over it (annotations). */
  onViewer?: ((viewer: OpenSeadragon.Viewer | undefined) => void) | undefined;
}

/** A zoom in words: "whole width" at 1, else "× 2.5". */
export function zoomWords(zoom: number): string {
  return Math.abs(zoom - 1) < 0.005
    ? '× 1 (whole width)'
    : `× ${zoom < 10 ? zoom.toFixed(2).replace(/\.?0+$/, '') : Math.round(zoom)}`;
}

/** An image record in OpenSeadragon over its Deep Zoom tiles, fetched with the access token. */
export function ImageView(props: ImageViewProps) {
  const frame = useRef<HTMLDivElement>(null);
  const viewer = useRef<OpenSeadragon.Viewer | undefined>(undefined);
  const pointerDot = useRef<HTMLDivElement | undefined>(undefined);
  const [error, setError] = useState<string>();
  const [size, setSize] = useState<string>();
  const [open, setOpen] = useState(false);
  const [zoom, setZoom] = useState<number>();
  const latest = useRef(props);
  latest.current = props;
  /** The view last applied from `follow`: moves that only echo it are not the user's. */
  const applied = useRef<ViewerView | undefined>(undefined);
  const pointer = useRef<ViewerView['pointer']>(null);

  useEffect(() => {
    let live = true;
    setOpen(false);
    void (async () => {
      try {
        const dzi = await ok(
          client.GET('/api/cases/{id}/records/{recordId}/dzi', {
            params: { path: { id: props.caseId, recordId: props.recordId } },
          }),
        );
        if (!live || frame.current === null) return;
        setSize(`${dzi.width.toLocaleString('en')} × ${dzi.height.toLocaleString('en')} pixels`);
        const v = OpenSeadragon({
          element: frame.current,
          // The 2D canvas, not WebGL: on a hospital PC without a GPU (and in headless test
          // browsers) WebGL is emulated on the CPU and a follower busy redrawing fell seconds behind.
          drawer: 'canvas',
          showNavigationControl: false,
          loadTilesWithAjax: true,
          ajaxHeaders: bearer(),
          crossOriginPolicy: false,
          gestureSettingsMouse: { clickToZoom: false },
          tileSources: {
            width: dzi.width,
            height: dzi.height,
            tileSize: dzi.tileSize,
            tileOverlap: dzi.overlap,
            minLevel: 0,
            maxLevel: dzi.maxLevel,
            getTileUrl: (level: number, x: number, y: number) =>
              dzi.tileUrl.replace('{level}', String(level)).replace('{col}', String(x)).replace('{row}', String(y)),
          },
        });
        viewer.current = v;
        // Where the view is going (OpenSeadragon's target, not the frame being
        // animated): followers are moved there as the presenter's move starts.
        const current = (): ViewerView => {
          const c = v.viewport.getCenter(false);
          return { page: null, zoom: v.viewport.getZoom(false), x: c.x, y: c.y, pointer: pointer.current };
        };
        const tell = throttle(() => {
          const now = current();
          if (latest.current.onView !== undefined && !sameView(now, applied.current)) latest.current.onView(now);
        }, 150);
        v.addHandler('zoom', (e) => {
          if (e.zoom !== undefined) setZoom(e.zoom);
          tell();
        });
        v.addHandler('pan', () => tell());
        v.addHandler('animation-finish', () => {
          setZoom(v.viewport.getZoom(false));
          tell();
        });
        // The presenter's pointer, in image coordinates, as it moves over the image.
        const element = v.element;
        const onMove = (e: PointerEvent): void => {
          if (latest.current.sharePointer !== true || latest.current.onView === undefined) return;
          const box = element.getBoundingClientRect();
          const p = v.viewport.pointFromPixel(new OpenSeadragon.Point(e.clientX - box.left, e.clientY - box.top));
          pointer.current = { x: p.x, y: p.y };
          applied.current = undefined;
          tell();
        };
        const onLeave = (): void => {
          if (latest.current.sharePointer !== true || pointer.current === null) return;
          pointer.current = null;
          applied.current = undefined;
          tell();
        };
        element.addEventListener('pointermove', onMove, true);
        element.addEventListener('pointerleave', onLeave, true);
        v.addOnceHandler('open', () => {
          if (!live) return;
          setOpen(true);
          setZoom(v.viewport.getZoom(true));
          tell();
          latest.current.onViewer?.(v);
        });
        v.addOnceHandler('destroy', () => {
          tell.cancel();
          element.removeEventListener('pointermove', onMove, true);
          element.removeEventListener('pointerleave', onLeave, true);
        });
      } catch (e) {
        if (live) setError(problemText(e));
      }
    })();
    return () => {
      live = false;
      latest.current.onViewer?.(undefined);
      viewer.current?.destroy();
      viewer.current = undefined;
      pointerDot.current = undefined;
    };
  }, [props.caseId, props.recordId]);

  // Follow the presenter: the same centre and zoom, and their pointer as a ring over the image.
  useEffect(() => {
    const v = viewer.current;
    const f = props.follow;
    if (f === undefined) {
      // Looking on one's own: coming back re-applies the presenter's view, moved or not.
      applied.current = undefined;
      if (pointerDot.current !== undefined) v?.removeOverlay(pointerDot.current);
      pointerDot.current = undefined;
    }
    if (!open || v === undefined || f === undefined) return;
    // A move of the pointer alone leaves the view where it is.
    if (!sameView(f, applied.current)) {
      v.viewport.zoomTo(f.zoom, undefined, true);
      v.viewport.panTo(new OpenSeadragon.Point(f.x, f.y), true);
      setZoom(f.zoom);
    }
    applied.current = { ...f, pointer: pointer.current };
    if (f.pointer === null) {
      if (pointerDot.current !== undefined) v.removeOverlay(pointerDot.current);
      pointerDot.current = undefined;
    } else if (pointerDot.current === undefined) {
      const dot = document.createElement('div');
      dot.className = 'presenter-pointer';
      dot.setAttribute('data-testid', 'presenter-pointer');
      dot.setAttribute('aria-hidden', 'true');
      pointerDot.current = dot;
      v.addOverlay({
        element: dot,
        location: new OpenSeadragon.Point(f.pointer.x, f.pointer.y),
        placement: OpenSeadragon.Placement.CENTER,
      });
    } else v.updateOverlay(pointerDot.current, new OpenSeadragon.Point(f.pointer.x, f.pointer.y));
  }, [open, props.follow]);

  const zoomBy = (factor: number): void => {
    viewer.current?.viewport.zoomBy(factor);
    viewer.current?.viewport.applyConstraints();
  };
  if (error !== undefined) return html`<${LoadError} text=${error} />`;
  return html`<section class="card image-view" aria-labelledby="image-h">
    <h2 id="image-h" class="sr-only">Image</h2>
    <div class="viewer-tools" role="toolbar" aria-label="Zoom">
      <${Button} variant="quiet" onClick=${() => zoomBy(1 / 1.5)}>Zoom out<//>
      <${Button} variant="quiet" onClick=${() => zoomBy(1.5)}>Zoom in<//>
      <${Button} variant="quiet" onClick=${() => viewer.current?.viewport.goHome()}>Whole image<//>
      <span class="muted" aria-live="polite">${size ?? ''}</span>
      <span class="muted" data-testid="view-zoom">${zoom === undefined ? '' : `Zoom ${zoomWords(zoom)}`}</span>
    </div>
    <div
      class="osd-frame"
      ref=${frame}
      role="img"
      aria-label="The image: drag to move, scroll or pinch to zoom"
      data-testid="osd"
      data-open=${open ? 'true' : 'false'}
    ></div>
  </section>`;
}
