import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isRealDate, isRealDateTime, isRealTimestamp } from './transforms.js';

describe(isRealDateTime.name, () => {
  it.each([
    '2026-02-28',
    '2024-02-29',
    '2026-02-28T09:30',
    '2026-02-28T09:30:00',
    '2026-02-28T09:30:00.123Z',
    '2026-02-28T09:30:00+05:30',
    '2026-02-28T09:30:00-1200',
    '0001-01-01',
    '9999-12-31T23:59:59Z',
  ])('should accept %s', (value) => {
    expect(isRealDateTime(value)).toBe(true);
  });

  it.each([
    '2026-02-30',
    '2026-02-29',
    '2026-13-01',
    '2026-00-10',
    '0000-01-01',
    '2026-02-28T24:00',
    '2026-02-28T23:60',
    '2026-02-28T09:30:00+23:59',
    '2026-W05',
    '2026-123',
    '2026-02-28 09:30:00',
    '+002026-02-28',
    '2026-2-28',
    'tomorrow',
    '',
  ])('should refuse %s', (value) => {
    expect(isRealDateTime(value)).toBe(false);
  });

  it('should accept exactly the dates JavaScript keeps as given', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        (y, m, d) => {
          const text = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          const parsed = new Date(`${text}T00:00:00Z`);
          expect(isRealDateTime(text)).toBe(!Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(text));
        },
      ),
    );
  });
});

describe(isRealDate.name, () => {
  it('should take a calendar date only', () => {
    expect(isRealDate('2026-02-28')).toBe(true);
    expect(isRealDate('2026-02-30')).toBe(false);
    expect(isRealDate('2026-02-28T00:00Z')).toBe(false);
    expect(isRealDate(20260228)).toBe(false);
  });
});

describe(isRealTimestamp.name, () => {
  it('should take ISO 8601 and PostgreSQL text timestamps with their offset', () => {
    expect(isRealTimestamp('2026-07-01 12:34:56.123456+00')).toBe(true);
    expect(isRealTimestamp('2026-07-01T12:34:56.123Z')).toBe(true);
    expect(isRealTimestamp('2026-07-01 12:34:56-06:30')).toBe(true);
    expect(isRealTimestamp('2026-02-30 12:34:56+00')).toBe(false);
    expect(isRealTimestamp('2026-07-01 12:34:56')).toBe(false);
    expect(isRealTimestamp('2026-07-01')).toBe(false);
  });
});
