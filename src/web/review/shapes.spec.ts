import { describe, expect, it } from '@jest/globals';
import { circle, onPage, pageOfSelector, placeOfShape, polygon, shapeOfSelector, thin } from './shapes.js';

// The W3C Web Annotation Data Model, §4.2 Selectors (https://www.w3.org/TR/annotation-model/#selectors):
// a FragmentSelector conforming to Media Fragments for a region, an SvgSelector for any other shape,
// refinedBy for a region within a PDF page (RFC 3778 "page=N").
describe('Shapes drawn on a record, as W3C selectors', () => {
  it('should write a rectangle as a media-fragment region and read it back', () => {
    const rect = shapeOfSelector({
      type: 'FragmentSelector',
      conformsTo: 'http://www.w3.org/TR/media-frags/',
      value: 'xywh=pixel:10,20,300.5,40',
    })!;
    const place = placeOfShape(rect)!;
    expect(place.selector).toEqual({
      type: 'FragmentSelector',
      conformsTo: 'http://www.w3.org/TR/media-frags/',
      value: 'xywh=pixel:10,20,300.5,40',
    });
    expect(place.box).toEqual({ x: 10, y: 20, width: 300.5, height: 40 });
    expect(place.centre).toEqual({ x: 160.25, y: 40 });
  });

  it('should write a point as a circle and an outline as a polygon, in surface units', () => {
    expect(placeOfShape(circle(100, 200, 8))!.selector).toEqual({
      type: 'SvgSelector',
      value: '<svg><circle cx="100" cy="200" r="8"></circle></svg>',
    });
    const outline = placeOfShape(
      polygon([
        [0, 0],
        [10, 0.333],
        [5, 9],
      ]),
    )!;
    expect(outline.selector.value).toBe('<svg><polygon points="0,0 10,0.33 5,9"></polygon></svg>');
    expect(outline.box).toEqual({ x: 0, y: 0, width: 10, height: 9 });
    expect(shapeOfSelector(outline.selector)).toMatchObject({ type: 'POLYGON' });
  });

  it('should put a region on a PDF page and find the page again', () => {
    const s = onPage(3, { type: 'SvgSelector', value: '<svg><circle cx="1" cy="2" r="3"></circle></svg>' });
    expect(s).toMatchObject({
      type: 'FragmentSelector',
      conformsTo: 'http://tools.ietf.org/rfc/rfc3778',
      value: 'page=3',
    });
    expect(pageOfSelector(s)).toBe(3);
    expect(shapeOfSelector(s)).toMatchObject({ type: 'ELLIPSE' });
    expect(pageOfSelector({ type: 'SvgSelector', value: '<svg></svg>' })).toBeUndefined();
  });

  it('should thin a freehand trace to points a screen shows, and cap it', () => {
    const trace = Array.from({ length: 1000 }, (_, i) => [i * 0.5, 0]);
    const kept = thin(trace, 3);
    expect(kept.length).toBeLessThanOrEqual(400);
    expect(kept[0]).toEqual([0, 0]);
    expect(kept.every((p, i) => i === 0 || (p[0] ?? 0) - (kept[i - 1][0] ?? 0) >= 3)).toBe(true);
  });
});
