/**
 * Shapes drawn with Annotorious, and the W3C Web Annotation selectors the
 * server stores (src/diagnoses/selector.ts): a rectangle is a media-fragment
 * region, a point a circle, a polygon or freehand outline an SVG polygon; on a
 * PDF the region is refined from the page (RFC 3778). Coordinates are the
 * surface's own: image pixels, or PDF units at scale 1.
 */
import type { Shape } from '@annotorious/openseadragon';

export const MEDIA_FRAGMENTS = 'http://www.w3.org/TR/media-frags/';
export const PDF_FRAGMENTS = 'http://tools.ietf.org/rfc/rfc3778';

export type W3CSelector =
  | { type: 'FragmentSelector'; conformsTo: string; value: string; refinedBy?: W3CSelector }
  | { type: 'SvgSelector'; value: string };

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where a drawn shape is: its selector, the box around it and its centre. */
export interface Place {
  selector: W3CSelector;
  box: Box;
  centre: { x: number; y: number };
}

const n = (v: number): string => String(Math.round(v * 100) / 100);

const boundsOf = (points: number[][]) => {
  const xs = points.map((p) => p[0] ?? 0);
  const ys = points.map((p) => p[1] ?? 0);
  return { minX: Math.min(...xs), minY: Math.min(...ys), maxX: Math.max(...xs), maxY: Math.max(...ys) };
};

const placeOf = (selector: W3CSelector, b: { minX: number; minY: number; maxX: number; maxY: number }): Place => ({
  selector,
  box: { x: b.minX, y: b.minY, width: b.maxX - b.minX, height: b.maxY - b.minY },
  centre: { x: (b.minX + b.maxX) / 2, y: (b.minY + b.maxY) / 2 },
});

/** The selector of a shape Annotorious drew (or one built here); undefined for a shape not stored. */
export function placeOfShape(shape: Shape): Place | undefined {
  const g = shape.geometry as unknown as Record<string, unknown>;
  const b = shape.geometry.bounds;
  // ShapeType's values are these strings; compared as strings, the enum's runtime stays out of this module.
  const type = shape.type as string;
  if (type === 'RECTANGLE') {
    const { x, y, w, h } = g as { x: number; y: number; w: number; h: number };
    return placeOf(
      { type: 'FragmentSelector', conformsTo: MEDIA_FRAGMENTS, value: `xywh=pixel:${n(x)},${n(y)},${n(w)},${n(h)}` },
      b,
    );
  }
  if (type === 'ELLIPSE') {
    const { cx, cy, rx, ry } = g as { cx: number; cy: number; rx: number; ry: number };
    const svg =
      Math.abs(rx - ry) < 0.01
        ? `<svg><circle cx="${n(cx)}" cy="${n(cy)}" r="${n(rx)}"></circle></svg>`
        : `<svg><ellipse cx="${n(cx)}" cy="${n(cy)}" rx="${n(rx)}" ry="${n(ry)}"></ellipse></svg>`;
    return placeOf({ type: 'SvgSelector', value: svg }, b);
  }
  if (type === 'POLYGON') {
    const points = (g.points as number[][]).map((p) => `${n(p[0] ?? 0)},${n(p[1] ?? 0)}`).join(' ');
    return placeOf({ type: 'SvgSelector', value: `<svg><polygon points="${points}"></polygon></svg>` }, b);
  }
  return undefined;
}

const attr = (svg: string, name: string): number | undefined => {
  const m = new RegExp(`\\s${name}="(-?[\\d.]+)"`).exec(svg);
  return m === null ? undefined : Number(m[1]);
};

/** A point, as a circle of radius `r`. */
export function circle(cx: number, cy: number, r: number): Shape {
  return {
    type: 'ELLIPSE',
    geometry: { cx, cy, rx: r, ry: r, bounds: { minX: cx - r, minY: cy - r, maxX: cx + r, maxY: cy + r } },
  } as unknown as Shape;
}

/** A closed outline through `points`. */
export function polygon(points: number[][]): Shape {
  return { type: 'POLYGON', geometry: { points, bounds: boundsOf(points) } } as unknown as Shape;
}

/** The shape a stored selector describes (the region of a PDF page's selector), for Annotorious to draw. */
export function shapeOfSelector(s: W3CSelector | null | undefined): Shape | undefined {
  if (s === null || s === undefined) return undefined;
  if (s.type === 'FragmentSelector') {
    if (s.conformsTo === PDF_FRAGMENTS) return shapeOfSelector(s.refinedBy);
    const m = /^xywh=pixel:(-?[\d.]+),(-?[\d.]+),(-?[\d.]+),(-?[\d.]+)$/.exec(s.value);
    if (m === null) return undefined;
    const [x, y, w, h] = m.slice(1).map(Number) as [number, number, number, number];
    return {
      type: 'RECTANGLE',
      geometry: { x, y, w, h, bounds: { minX: x, minY: y, maxX: x + w, maxY: y + h } },
    } as unknown as Shape;
  }
  const v = s.value;
  if (v.includes('<circle')) {
    const [cx, cy, r] = [attr(v, 'cx'), attr(v, 'cy'), attr(v, 'r')];
    return cx === undefined || cy === undefined || r === undefined ? undefined : circle(cx, cy, r);
  }
  if (v.includes('<ellipse')) {
    const [cx, cy, rx, ry] = [attr(v, 'cx'), attr(v, 'cy'), attr(v, 'rx'), attr(v, 'ry')];
    if (cx === undefined || cy === undefined || rx === undefined || ry === undefined) return undefined;
    return {
      type: 'ELLIPSE',
      geometry: { cx, cy, rx, ry, bounds: { minX: cx - rx, minY: cy - ry, maxX: cx + rx, maxY: cy + ry } },
    } as unknown as Shape;
  }
  const points = /points="([^"]*)"/.exec(v)?.[1] ?? /\sd="([^"]*)"/.exec(v)?.[1];
  if (points === undefined) return undefined;
  const nums = (points.match(/-?\d+(?:\.\d+)?/g) ?? []).map(Number);
  const pairs: number[][] = [];
  for (let i = 0; i + 1 < nums.length; i += 2) pairs.push([nums[i], nums[i + 1]]);
  return pairs.length < 3 ? undefined : polygon(pairs);
}

/** A region on a PDF page, as the page refined by it. */
export function onPage(page: number, region: W3CSelector): W3CSelector {
  return { type: 'FragmentSelector', conformsTo: PDF_FRAGMENTS, value: `page=${page}`, refinedBy: region };
}

/** The page a selector names, if it is a PDF one. */
export function pageOfSelector(s: W3CSelector | null | undefined): number | undefined {
  if (s?.type !== 'FragmentSelector' || s.conformsTo !== PDF_FRAGMENTS) return undefined;
  const m = /^page=(\d+)$/.exec(s.value);
  return m === null ? undefined : Number(m[1]);
}

/**
 * Thins a freehand trace to the points a screen shows (each at least `step`
 * from the last kept), at most `max` of them.
 */
export function thin(points: number[][], step: number, max = 400): number[][] {
  const kept: number[][] = [];
  for (const p of points) {
    const last = kept[kept.length - 1];
    if (last === undefined || Math.hypot((p[0] ?? 0) - (last[0] ?? 0), (p[1] ?? 0) - (last[1] ?? 0)) >= step)
      kept.push(p);
  }
  if (kept.length <= max) return kept;
  const every = Math.ceil(kept.length / max);
  return kept.filter((_, i) => i % every === 0);
}
