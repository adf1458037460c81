import {
  createImageAnnotator,
  createOSDAnnotator,
  type ImageAnnotation,
  type ImageAnnotator,
  type OpenSeadragonAnnotator,
} from '@annotorious/openseadragon';
import OpenSeadragon from 'openseadragon';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { RenderedPage } from './pdf-view.js';
import { circle, placeOfShape, polygon, shapeOfSelector, thin, type Place, type W3CSelector } from './shapes.js';

/** What annotations are drawn over: a deep-zoom image (image pixels) or a PDF page (PDF units). */
export type Surface = { kind: 'image'; viewer: OpenSeadragon.Viewer } | { kind: 'pdf'; page: RenderedPage };

export type Tool = 'point' | 'rectangle' | 'polygon' | 'freehand';

export const TOOL_WORDS: Record<Tool, string> = {
  point: 'Point',
  rectangle: 'Rectangle',
  polygon: 'Polygon',
  freehand: 'Freehand',
};
export const TOOL_HINTS: Record<Tool, string> = {
  point: 'Click or tap the place.',
  rectangle: 'Drag across the region.',
  polygon: 'Click each corner; click the first corner again (or double-click) to close.',
  freehand: 'Hold and trace around the region, then let go.',
};

/** A shape on screen: an annotation's id and where it is. */
export interface Shown {
  id: string;
  selector: W3CSelector | null;
}

type Annotator = ImageAnnotator | OpenSeadragonAnnotator;

const DRAFT = 'draft';

/**
 * Annotorious over the surface: shows the annotations, draws new ones with
 * the chosen tool (rectangle and polygon by Annotorious; a point, and a
 * freehand trace, from the pointer, then shown by Annotorious), and says
 * which one was clicked. Renders nothing itself.
 */
export function AnnotationLayer(props: {
  surface: Surface;
  shown: readonly Shown[];
  tool: Tool | null;
  draft: Place | undefined;
  selected: string | undefined;
  onDrawn: (p: Place) => void;
  onSelect: (id: string) => void;
}) {
  const [anno, setAnno] = useState<Annotator>();
  const latest = useRef(props);
  latest.current = props;
  const s = props.surface;
  const key = s.kind === 'image' ? s.viewer : s.page.layer;
  const pageNumber = s.kind === 'pdf' ? s.page.number : 0;

  useEffect(() => {
    let a: Annotator;
    let host: HTMLElement | undefined;
    const opts = { drawingEnabled: false, userSelectAction: 'SELECT' as never };
    if (s.kind === 'image') a = createOSDAnnotator(s.viewer, opts);
    else {
      // A transparent surface the page's size in PDF units: what is drawn on it is in PDF units.
      const natural = s.page.page.getViewport({ scale: 1 });
      const surface = document.createElement('canvas');
      surface.width = Math.round(natural.width);
      surface.height = Math.round(natural.height);
      surface.className = 'pdf-anno-surface';
      host = s.page.layer;
      host.replaceChildren(surface);
      a = createImageAnnotator(surface, opts);
    }
    a.setStyle((annotation: ImageAnnotation, state?: { selected?: boolean; hovered?: boolean }) => {
      const draft = annotation.id === DRAFT;
      const colour = draft ? '#b35c00' : '#1d70b8';
      return {
        stroke: colour,
        strokeWidth: state?.selected === true || draft ? 3 : 2,
        fill: colour,
        fillOpacity: state?.selected === true || state?.hovered === true ? 0.25 : 0.1,
      };
    });
    a.on('createAnnotation', (created: ImageAnnotation) => {
      a.removeAnnotation(created.id);
      const place = placeOfShape(created.target.selector);
      if (place !== undefined) latest.current.onDrawn(place);
    });
    a.on('clickAnnotation', (clicked: ImageAnnotation) => {
      if (clicked.id !== DRAFT) latest.current.onSelect(clicked.id);
    });
    setAnno(a);
    return () => {
      setAnno(undefined);
      a.destroy();
      host?.replaceChildren();
    };
  }, [key, pageNumber]);

  // What is shown: the annotations, and the shape being described (not saved yet).
  useEffect(() => {
    if (anno === undefined) return;
    const list: ImageAnnotation[] = [];
    const add = (id: string, selector: W3CSelector | null | undefined): void => {
      const shape = shapeOfSelector(selector);
      if (shape !== undefined) list.push({ id, bodies: [], target: { annotation: id, selector: shape } });
    };
    for (const a of props.shown) add(a.id, a.selector);
    if (props.draft !== undefined) add(DRAFT, props.draft.selector);
    anno.setAnnotations(list, true);
    // How many findings the viewer shows (for tests and tools: the shapes themselves may be drawn in WebGL).
    const host = s.kind === 'image' ? s.viewer.element : s.page.layer;
    host.dataset.annotations = String(props.shown.length);
  }, [anno, props.shown, props.draft]);

  useEffect(() => {
    if (anno === undefined) return;
    const id = props.selected;
    if (id === undefined || !props.shown.some((a) => a.id === id)) return anno.setSelected();
    anno.setSelected(id);
    // Open the record at its place: the region, with room around it.
    const box = placeOfShapeOf(props.shown.find((a) => a.id === id)?.selector);
    if (s.kind === 'image' && box !== undefined) {
      const pad = Math.max(box.width, box.height, 50) * 0.6;
      s.viewer.viewport.fitBounds(
        s.viewer.viewport.imageToViewportRectangle(box.x - pad, box.y - pad, box.width + 2 * pad, box.height + 2 * pad),
      );
    }
  }, [anno, props.selected, props.shown]);

  // The tool: Annotorious draws rectangles and polygons; points and freehand traces come from the pointer.
  useEffect(() => {
    if (anno === undefined) return;
    const tool = props.tool;
    const own = tool === 'point' || tool === 'freehand';
    if (tool === 'rectangle' || tool === 'polygon') {
      anno.setDrawingTool(tool);
      anno.setDrawingEnabled(true);
    } else anno.setDrawingEnabled(false);
    if (!own) return;
    const element = s.kind === 'image' ? s.viewer.element : s.page.layer;
    /** A pointer's place on the surface (image pixels or PDF units). */
    const at = (e: PointerEvent): number[] => {
      const r = element.getBoundingClientRect();
      if (s.kind === 'image') {
        const p = s.viewer.viewport.viewerElementToImageCoordinates(
          new OpenSeadragon.Point(e.clientX - r.left, e.clientY - r.top),
        );
        return [p.x, p.y];
      }
      const natural = s.page.page.getViewport({ scale: 1 });
      return [((e.clientX - r.left) / r.width) * natural.width, ((e.clientY - r.top) / r.height) * natural.height];
    };
    /** Surface units per screen pixel, here and now. */
    const unit = (e: PointerEvent): number => {
      const a = at(e);
      const b = at(new PointerEvent('pointermove', { clientX: e.clientX + 10, clientY: e.clientY }));
      return Math.abs((b[0] ?? 0) - (a[0] ?? 0)) / 10;
    };
    let trace: number[][] | undefined;
    const down = (e: PointerEvent): void => {
      if (e.button !== 0) return;
      e.preventDefault();
      e.stopPropagation();
      element.setPointerCapture(e.pointerId);
      trace = [at(e)];
    };
    const move = (e: PointerEvent): void => {
      if (trace === undefined) return;
      e.preventDefault();
      e.stopPropagation();
      trace.push(at(e));
    };
    const up = (e: PointerEvent): void => {
      if (trace === undefined) return;
      e.preventDefault();
      e.stopPropagation();
      const points = [...trace, at(e)];
      trace = undefined;
      const u = unit(e);
      if (tool === 'point') {
        const [x, y] = points[points.length - 1] as [number, number];
        const place = placeOfShape(circle(x, y, 8 * u));
        if (place !== undefined) latest.current.onDrawn(place);
        return;
      }
      const outline = thin(points, 3 * u);
      const place = outline.length >= 3 ? placeOfShape(polygon(outline)) : undefined;
      if (place !== undefined) latest.current.onDrawn(place);
    };
    if (s.kind === 'image') s.viewer.setMouseNavEnabled(false);
    element.classList.add('drawing');
    element.addEventListener('pointerdown', down, true);
    element.addEventListener('pointermove', move, true);
    element.addEventListener('pointerup', up, true);
    return () => {
      if (s.kind === 'image') s.viewer.setMouseNavEnabled(true);
      element.classList.remove('drawing');
      element.removeEventListener('pointerdown', down, true);
      element.removeEventListener('pointermove', move, true);
      element.removeEventListener('pointerup', up, true);
    };
  }, [anno, props.tool]);

  return null;
}

function placeOfShapeOf(selector: W3CSelector | null | undefined) {
  const shape = shapeOfSelector(selector);
  return shape === undefined ? undefined : placeOfShape(shape)?.box;
}
