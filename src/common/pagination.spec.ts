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

describe('cursor field types', () => {
  const forged = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const refused = (cursor: string, shape: Parameters<typeof decodeCursor>[1]): boolean => {
    try {
      decodeCursor(cursor, shape);
      return false;
    } catch (error) {
      expect(error).toBeInstanceOf(RequestValidationException);
      expect((error as RequestValidationException).fieldErrors[0]?.field).toBe('cursor');
      return true;
    }
  };

  it('should accept the cursors the lists write', () => {
    const id = '0b7c6f0e-4a5b-4c3d-8e9f-0123456789ab';
    expect(
      decodeCursor(encodeCursor({ t: new Date('2026-12-03T19:00:00Z').toISOString(), id }), {
        t: 'timestamp',
        id: 'uuid',
      }),
    ).toEqual({
      t: '2026-12-03T19:00:00.000Z',
      id,
    });
    expect(
      decodeCursor(encodeCursor({ at: '2026-07-01 12:34:56.123456+00', id }), { at: 'timestamp', id: 'uuid' }).at,
    ).toBe('2026-07-01 12:34:56.123456+00');
    expect(decodeCursor(encodeCursor({ id: '9007199254740993' }), { id: 'bigint' }).id).toBe('9007199254740993');
    expect(decodeCursor(encodeCursor({ v: 7 }), { v: 'int' }).v).toBe(7);
  });

  it('should refuse forged cursors that would fail in the query', () => {
    expect(
      refused(forged({ t: '2026-02-30T00:00:00Z', id: '0b7c6f0e-4a5b-4c3d-8e9f-0123456789ab' }), {
        t: 'timestamp',
        id: 'uuid',
      }),
    ).toBe(true);
    expect(
      refused(forged({ t: 'yesterday', id: '0b7c6f0e-4a5b-4c3d-8e9f-0123456789ab' }), { t: 'timestamp', id: 'uuid' }),
    ).toBe(true);
    expect(refused(forged({ at: '0000-01-01 00:00:00+00', id: 'x' }), { at: 'timestamp', id: 'uuid' })).toBe(true);
    expect(refused(forged({ name: 'a', id: "' OR 1=1 --" }), { name: 'string', id: 'uuid' })).toBe(true);
    expect(refused(forged({ email: 'a\u0000b' }), { email: 'string' })).toBe(true);
    expect(refused(forged({ id: '99999999999999999999' }), { id: 'bigint' })).toBe(true);
    expect(refused(forged({ v: 1.5 }), { v: 'int' })).toBe(true);
    expect(refused(forged({ v: -1 }), { v: 'int' })).toBe(true);
    expect(refused(forged([1]), { v: 'int' })).toBe(true);
    expect(refused(forged({}), { v: 'int' })).toBe(true);
    expect(refused('!!not-base64!!', { v: 'int' })).toBe(true);
  });

  it('should never throw anything but a 400 on cursor, for any decoded value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          decodeCursor(forged(value), { at: 'timestamp', id: 'uuid', n: 'int', s: 'string', b: 'bigint' });
        } catch (error) {
          expect(error).toBeInstanceOf(RequestValidationException);
        }
      }),
    );
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
