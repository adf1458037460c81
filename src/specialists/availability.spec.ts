import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { availabilityOn, type WeeklyWindow } from './availability.js';

const hours = (i: { start: Date; end: Date }): number => (i.end.getTime() - i.start.getTime()) / 3_600_000;

describe(availabilityOn.name, () => {
  // 2026-03-08 and 2026-11-01 are Sundays: US DST starts and ends (America/Denver).
  const sunday: WeeklyWindow[] = [{ weekday: 7, start: '00:00', end: '06:00' }];

  it('should give a window the real length it has on a spring-forward day', () => {
    const [window] = availabilityOn('2026-03-08', 'America/Denver', sunday, []);
    expect(window?.start.toISOString()).toBe('2026-03-08T07:00:00.000Z'); // 00:00 MST (-07:00)
    expect(window?.end.toISOString()).toBe('2026-03-08T12:00:00.000Z'); // 06:00 MDT (-06:00)
    expect(hours(window)).toBe(5);
  });

  it('should give a window the real length it has on a fall-back day', () => {
    const [window] = availabilityOn('2026-11-01', 'America/Denver', sunday, []);
    expect(window?.start.toISOString()).toBe('2026-11-01T06:00:00.000Z'); // 00:00 MDT
    expect(window?.end.toISOString()).toBe('2026-11-01T13:00:00.000Z'); // 06:00 MST
    expect(hours(window)).toBe(7);
  });

  it('should keep the wall-clock meaning of a window across the change (09:00 local both sides)', () => {
    const week: WeeklyWindow[] = [{ weekday: 5, start: '09:00', end: '12:00' }];
    const before = availabilityOn('2026-03-06', 'America/Denver', week, []);
    const after = availabilityOn('2026-03-13', 'America/Denver', week, []);
    expect(before[0]?.start.toISOString()).toBe('2026-03-06T16:00:00.000Z');
    expect(after[0]?.start.toISOString()).toBe('2026-03-13T15:00:00.000Z');
  });

  it('should handle a European change too (Europe/London, last Sunday of March)', () => {
    const [window] = availabilityOn('2026-03-29', 'Europe/London', [{ weekday: 7, start: '00:30', end: '03:00' }], []);
    expect(hours(window)).toBe(1.5);
  });

  it('should use only the windows of that weekday', () => {
    const week: WeeklyWindow[] = [
      { weekday: 1, start: '08:00', end: '12:00' },
      { weekday: 2, start: '13:00', end: '17:00' },
    ];
    const monday = availabilityOn('2026-11-23', 'Europe/Berlin', week, []);
    expect(monday.map(hours)).toEqual([4]);
    expect(monday[0]?.start.toISOString()).toBe('2026-11-23T07:00:00.000Z');
  });

  it('should add extra hours, merge overlaps, and remove time away', () => {
    const week: WeeklyWindow[] = [
      { weekday: 1, start: '08:00', end: '12:00' },
      { weekday: 1, start: '11:00', end: '13:00' },
    ];
    const free = availabilityOn('2026-11-23', 'UTC', week, [
      { date: '2026-11-23', kind: 'extra', start: '15:00', end: '16:00' },
      { date: '2026-11-23', kind: 'away', start: '09:00', end: '10:00' },
      { date: '2026-11-24', kind: 'away' },
    ]);
    expect(free.map((i) => [i.start.toISOString().slice(11, 16), i.end.toISOString().slice(11, 16)])).toEqual([
      ['08:00', '09:00'],
      ['10:00', '13:00'],
      ['15:00', '16:00'],
    ]);
  });

  it('should leave nothing on a whole day away', () => {
    const week: WeeklyWindow[] = [{ weekday: 1, start: '08:00', end: '17:00' }];
    expect(availabilityOn('2026-11-23', 'UTC', week, [{ date: '2026-11-23', kind: 'away' }])).toEqual([]);
  });

  it('should return sorted, disjoint intervals inside the day', () => {
    const clock = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(clock, clock), { maxLength: 6 }),
        fc.array(fc.tuple(clock, clock), { maxLength: 3 }),
        (wins, aways) => {
          const free = availabilityOn(
            '2026-03-08',
            'America/Denver',
            wins.map(([start, end]) => ({ weekday: 7, start, end })),
            aways.map(([start, end]) => ({ date: '2026-03-08', kind: 'away' as const, start, end })),
          );
          for (let i = 0; i < free.length; i++) {
            expect(free[i].end.getTime()).toBeGreaterThan(free[i].start.getTime());
            if (i > 0) expect(free[i].start.getTime()).toBeGreaterThan(free[i - 1].end.getTime());
          }
        },
      ),
    );
  });
});
