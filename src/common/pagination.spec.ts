import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { decodeCursor, encodeCursor, toPage } from './pagination.js';
import { RequestValidationException } from './problem.js';

describe('cursors', () => {
  it('should round-trip any cursor value', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer(), (s, n) => {
        expect(decodeCursor(encodeCursor({ s, n }), { s: 'string', n: 'number' })).toEqual({ s, n });
      }),
    );
  });

  it('should refuse any cursor that is not one of ours with a 400 on the cursor field', () => {
    fc.assert(
      fc.property(fc.string(), (junk) => {
        try {
          decodeCursor(Buffer.from(junk).toString('base64url'), { id: 'string' });
        } catch (error) {
          expect(error).toBeInstanceOf(RequestValidationException);
          expect((error as RequestValidationException).fieldErrors[0]?.field).toBe('cursor');
        }
      }),
    );
    expect(() => decodeCursor(encodeCursor({ id: 5 }), { id: 'string' })).toThrow(RequestValidationException);
  });
});

describe(toPage.name, () => {
  it('should return a next cursor only when more rows exist', () => {
    const rows = [1, 2, 3];
    expect(
      toPage(
        rows,
        2,
        (r) => r * 10,
        (r) => `c${r}`,
      ),
    ).toEqual({ items: [10, 20], nextCursor: 'c2' });
    expect(
      toPage(
        rows,
        3,
        (r) => r,
        (r) => `c${r}`,
      ),
    ).toEqual({ items: [1, 2, 3], nextCursor: null });
  });
});
