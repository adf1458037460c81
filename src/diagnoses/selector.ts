/**
 * Where an annotation points, in the W3C Web Annotation Data Model's
 * selectors (https://www.w3.org/TR/annotation-model/#selectors), so any
 * viewer that reads Web Annotations finds the place:
 * - an image region: a FragmentSelector conforming to Media Fragments
 *   (`xywh=pixel:x,y,w,h`, in the image's own pixels);
 * - a point, polygon or freehand outline on an image: an SvgSelector holding
 *   one `<circle>`, `<polygon>` or `<path>` in image pixels;
 * - a PDF page: a FragmentSelector conforming to RFC 3778 (`page=N`), refined
 *   by the region on that page (Media Fragments, or an SvgSelector) in PDF
 *   user-space units (1/72 inch, the page's own coordinates at scale 1).
 * An SvgSelector is held to one shape with numeric attributes: nothing that
 * can script or load anything is ever stored.
 */
import { RequestValidationException } from '../common/problem.js';

export const MEDIA_FRAGMENTS = 'http://www.w3.org/TR/media-frags/';
export const PDF_FRAGMENTS = 'http://tools.ietf.org/rfc/rfc3778';

export interface FragmentSelector {
  type: 'FragmentSelector';
  conformsTo: typeof MEDIA_FRAGMENTS | typeof PDF_FRAGMENTS;
  value: string;
  refinedBy?: Selector;
}
export interface SvgSelector {
  type: 'SvgSelector';
  value: string;
}
export type Selector = FragmentSelector | SvgSelector;

export interface AnchorShape {
  kind: 'page' | 'slide';
  page?: number | undefined;
  region?: { x: number; y: number; width: number; height: number } | undefined;
  x?: number | undefined;
  y?: number | undefined;
}

const NUMBER = String.raw`-?\d+(?:\.\d+)?`;
const XYWH = new RegExp(`^xywh=pixel:(${NUMBER}),(${NUMBER}),(${NUMBER}),(${NUMBER})$`);
const PAGE = /^page=([1-9]\d{0,5})$/;
/** One shape, its attributes numbers (or a path's commands and numbers), in an svg element. */
const SHAPE =
  /^<svg(?: xmlns="http:\/\/www\.w3\.org\/2000\/svg")?>\s*<(circle|ellipse|rect|polygon|polyline|path)((?:\s+[a-z]+="[^"<>]*")*)\s*\/?>\s*(?:<\/\1>)?\s*<\/svg>$/;
const ATTRS: Record<string, RegExp> = {
  cx: new RegExp(`^${NUMBER}$`),
  cy: new RegExp(`^${NUMBER}$`),
  r: new RegExp(`^${NUMBER}$`),
  rx: new RegExp(`^${NUMBER}$`),
  ry: new RegExp(`^${NUMBER}$`),
  x: new RegExp(`^${NUMBER}$`),
  y: new RegExp(`^${NUMBER}$`),
  width: new RegExp(`^${NUMBER}$`),
  height: new RegExp(`^${NUMBER}$`),
  points: /^[-\d.,\s]+$/,
  d: /^[MLHVCSQTAZmlhvcsqtaz\d.,\s-]+$/,
};

const bad = (detail: string): never => {
  throw RequestValidationException.field('selector', detail);
};

function checkSvg(value: string): void {
  if (value.length > 200_000) bad('the outline is too long (200,000 characters at most)');
  const m = SHAPE.exec(value.trim());
  if (m === null) bad('an SVG selector holds one circle, ellipse, rect, polygon, polyline or path in an <svg> element');
  for (const a of (m![2] ?? '').matchAll(/([a-z]+)="([^"]*)"/g)) {
    const rule = ATTRS[a[1]];
    if (rule === undefined || !rule.test(a[2])) bad(`the outline's "${a[1]}" is not a shape coordinate`);
  }
}

/** The selector checked for what the platform stores, or a 400 naming `selector`. */
export function checkSelector(s: unknown, kind: 'page' | 'slide', depth = 0): Selector {
  if (typeof s !== 'object' || s === null) return bad('the selector must be an object');
  const o = s as Record<string, unknown>;
  if (o.type === 'SvgSelector') {
    if (typeof o.value !== 'string') return bad('an SVG selector needs its value');
    checkSvg(o.value);
    return { type: 'SvgSelector', value: o.value.trim() };
  }
  if (o.type !== 'FragmentSelector') return bad('the selector is a FragmentSelector or an SvgSelector');
  if (typeof o.value !== 'string') return bad('a fragment selector needs its value');
  if (kind === 'page' && depth === 0) {
    if (o.conformsTo !== PDF_FRAGMENTS || !PAGE.test(o.value))
      return bad(`a place on a document is a page: a FragmentSelector conforming to ${PDF_FRAGMENTS}, "page=N"`);
    const out: FragmentSelector = { type: 'FragmentSelector', conformsTo: PDF_FRAGMENTS, value: o.value };
    if (o.refinedBy !== undefined) out.refinedBy = checkSelector(o.refinedBy, kind, 1);
    return out;
  }
  if (o.conformsTo !== MEDIA_FRAGMENTS || !XYWH.test(o.value))
    return bad(`a region is a FragmentSelector conforming to ${MEDIA_FRAGMENTS}, "xywh=pixel:x,y,w,h"`);
  if (o.refinedBy !== undefined) return bad('a region is not refined further');
  return { type: 'FragmentSelector', conformsTo: MEDIA_FRAGMENTS, value: o.value };
}

const num = (n: number): string => String(Math.round(n * 100) / 100);

/**
 * The selector of an anchor given as structured fields (older annotations, API
 * clients that send no selector); null for a whole image (the Web Annotation
 * model's target without a selector).
 */
export function selectorOfAnchor(a: AnchorShape): Selector | null {
  const region =
    a.region !== undefined
      ? ({
          type: 'FragmentSelector',
          conformsTo: MEDIA_FRAGMENTS,
          value: `xywh=pixel:${num(a.region.x)},${num(a.region.y)},${num(a.region.width)},${num(a.region.height)}`,
        } as const)
      : a.x !== undefined && a.y !== undefined
        ? ({
            type: 'SvgSelector',
            value: `<svg><circle cx="${num(a.x)}" cy="${num(a.y)}" r="6"></circle></svg>`,
          } as const)
        : undefined;
  if (a.kind === 'page') {
    const page: FragmentSelector = {
      type: 'FragmentSelector',
      conformsTo: PDF_FRAGMENTS,
      value: `page=${a.page ?? 1}`,
    };
    if (region !== undefined) page.refinedBy = region;
    return page;
  }
  return region ?? null;
}

/** The page a selector names (RFC 3778 `page=N`), if any. */
export function pageOf(s: Selector): number | undefined {
  const m = s.type === 'FragmentSelector' && s.conformsTo === PDF_FRAGMENTS ? PAGE.exec(s.value) : null;
  return m === null ? undefined : Number(m[1]);
}
