import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { storableText } from './audit-text.js';

/** What PostgreSQL refuses in text: NUL, and UTF-16 that is not Unicode. */
const unstorable = (s: string): boolean =>
  // eslint-disable-next-line no-control-regex
  /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

describe(storableText.name, () => {
  it('should replace NUL, lone surrogates and control characters with U+FFFD', () => {
    expect(storableText('/api/cases/\u0000', 200)).toBe('/api/cases/\uFFFD');
    expect(storableText('x\ud800y\udc00z', 200)).toBe('x\uFFFDy\uFFFDz');
    expect(storableText('a\r\nb', 200)).toBe('a\uFFFD\uFFFDb');
    expect(storableText('😀 ok', 200)).toBe('😀 ok');
  });

  it('should keep null and undefined as null', () => {
    expect(storableText(null, 10)).toBeNull();
    expect(storableText(undefined, 10)).toBeNull();
  });

  it('should bound the length without splitting a surrogate pair', () => {
    expect(storableText('abcdef', 4)).toBe('abc…');
    expect(storableText('ab😀cd', 4)).toBe('ab…');
  });

  it('should always give text PostgreSQL can store, at most max characters long', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.integer({ min: 2, max: 200 }), (s, max) => {
        const out = storableText(s, max);
        expect(unstorable(out)).toBe(false);
        expect(out.length).toBeLessThanOrEqual(max);
      }),
    );
  });
});
