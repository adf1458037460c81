import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { calendarDaysBetween, daysBetween, isOverdue, localDate, median, summarise } from './follow-up-math.js';

describe('follow-up arithmetic', () => {
  describe(localDate.name, () => {
    it('should give the date in the clinic zone, not UTC', () => {
      // 02:30 UTC on 2 March is still 1 March in Denver.
      expect(localDate(new Date('2026-03-02T02:30:00Z'), 'America/Denver')).toBe('2026-03-01');
      expect(localDate(new Date('2026-03-02T02:30:00Z'), 'Europe/Berlin')).toBe('2026-03-02');
    });
  });

  describe(daysBetween.name, () => {
    it('should count calendar days, across month and leap-year ends', () => {
      expect(daysBetween('2026-01-31', '2026-03-01')).toBe(29);
      expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
      expect(daysBetween('2026-12-31', '2027-01-01')).toBe(1);
      expect(daysBetween('2026-05-10', '2026-05-03')).toBe(-7);
    });

    it('should refuse what is not a date', () => {
      expect(() => daysBetween('2026-1-1', '2026-01-02')).toThrow(RangeError);
    });

    it('should add up (d(a,b) + d(b,c) = d(a,c))', () => {
      const day = fc
        .integer({ min: 0, max: 2_900_000 })
        .map((n) => new Date(n * 86_400_000).toISOString().slice(0, 10));
      fc.assert(fc.property(day, day, day, (a, b, c) => daysBetween(a, b) + daysBetween(b, c) === daysBetween(a, c)));
    });
  });

  describe(calendarDaysBetween.name, () => {
    it('should count one day across the spring DST change in the clinic zone (23 hours apart)', () => {
      // Berlin moves to summer time on 29 March 2026: 00:30 on the 29th to 00:30 on the 30th is 23 h.
      const from = new Date('2026-03-28T23:30:00Z');
      const to = new Date('2026-03-29T22:30:00Z');
      expect(to.getTime() - from.getTime()).toBe(23 * 3_600_000);
      expect(calendarDaysBetween(from, to, 'Europe/Berlin')).toBe(1);
    });

    it('should count one day across the autumn DST change (25 hours apart)', () => {
      // Denver leaves summer time on 1 November 2026: 23:30 on 31 Oct to 23:30 on 1 Nov is 25 h.
      const from = new Date('2026-11-01T05:30:00Z');
      const to = new Date('2026-11-02T06:30:00Z');
      expect(calendarDaysBetween(from, to, 'America/Denver')).toBe(1);
      expect(to.getTime() - from.getTime()).toBe(25 * 3_600_000);
      // 18:00 local on 31 October is already 1 November in UTC: the clinic's day counts.
      expect(calendarDaysBetween(new Date('2026-11-01T00:00:00Z'), '2026-11-01', 'America/Denver')).toBe(1);
      expect(calendarDaysBetween(new Date('2026-11-01T00:00:00Z'), '2026-11-01', 'UTC')).toBe(0);
    });

    it('should take a recorded date as it is, and give null when either end is unknown', () => {
      expect(calendarDaysBetween(new Date('2026-12-03T19:00:00Z'), '2026-12-10', 'America/Denver')).toBe(7);
      expect(calendarDaysBetween(null, '2026-12-10', 'America/Denver')).toBeNull();
      expect(calendarDaysBetween(new Date('2026-12-03T19:00:00Z'), null, 'America/Denver')).toBeNull();
    });
  });

  describe(median.name, () => {
    it('should take the middle value, or the mean of the middle two', () => {
      expect(median([])).toBeNull();
      expect(median([7])).toBe(7);
      expect(median([9, 1, 4])).toBe(4);
      expect(median([10, 2, 4, 8])).toBe(6);
      expect(median([1, 2])).toBe(1.5);
    });

    it('should lie between the smallest and the largest value and not depend on order', () => {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 50 }), (xs) => {
          const m = median(xs) as number;
          return m >= Math.min(...xs) && m <= Math.max(...xs) && median([...xs].reverse()) === m;
        }),
      );
    });
  });

  describe(summarise.name, () => {
    it('should count and summarise only the known values', () => {
      expect(summarise([null, 3, null, 5])).toEqual({ count: 2, median: 4 });
      expect(summarise([null])).toEqual({ count: 0, median: null });
    });
  });

  describe(isOverdue.name, () => {
    it('should call an open item overdue only after its due date', () => {
      expect(isOverdue('open', '2026-12-03', '2026-12-04')).toBe(true);
      expect(isOverdue('open', '2026-12-04', '2026-12-04')).toBe(false);
      expect(isOverdue('done', '2026-12-01', '2026-12-04')).toBe(false);
      expect(isOverdue('cancelled', '2026-12-01', '2026-12-04')).toBe(false);
    });
  });
});
