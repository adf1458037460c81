import OpenSeadragon from 'openseadragon';
import { useEffect, useRef, useState } from 'preact/hooks';
import { client, ok } from '../api/client.js';
import { Button } from '../ui/button.js';
import { LoadError } from '../ui/empty.js';
import { html } from '../ui/html.js';
import { problemText } from '../ui/problem.js';
import { bearer } from './record-viewer.js';

/** An image record in OpenSeadragon over its Deep Zoom tiles, fetched with the access token. */
export function ImageView(props: { caseId: string; recordId: string }) {
  const frame = useRef<HTMLDivElement>(null);
  const viewer = useRef<OpenSeadragon.Viewer | undefined>(undefined);
  const [error, setError] = useState<string>();
  const [size, setSize] = useState<string>();

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const dzi = await ok(
          client.GET('/api/cases/{id}/records/{recordId}/dzi', {
            params: { path: { id: props.caseId, recordId: props.recordId } },
          }),
        );
        if (!live || frame.current === null) return;
        setSize(`${dzi.width.toLocaleString('en')} × ${dzi.height.toLocaleString('en')} pixels`);
        viewer.current = OpenSeadragon({
          element: frame.current,
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
      } catch (e) {
        if (live) setError(problemText(e));
      }
    })();
    return () => {
      live = false;
      viewer.current?.destroy();
      viewer.current = undefined;
    };
  }, [props.caseId, props.recordId]);

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
    </div>
    <div
      class="osd-frame"
      ref=${frame}
      role="img"
      aria-label="The image: drag to move, scroll or pinch to zoom"
      data-testid="osd"
    ></div>
  </section>`;
}
