import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { countStay, creditHours, hoursText, personAttendance, unionMinutes } from './attendance-roster.js';

const at = (hhmm: string): Date => new Date(`2026-12-03T${hhmm}:00Z`);
const session = { startsAt: at('19:00'), endsAt: at('20:30'), closedAt: null };
const later = new Date('2026-12-04T12:00:00Z');

describe(creditHours.name, () => {
  it('should give minutes / 60 rounded down to the quarter hour', () => {
    expect(creditHours(0)).toBe(0);
    expect(creditHours(14)).toBe(0);
    expect(creditHours(15)).toBe(0.25);
    expect(creditHours(59)).toBe(0.75);
    expect(creditHours(60)).toBe(1);
    expect(creditHours(89)).toBe(1.25);
    expect(creditHours(90)).toBe(1.5);
    expect(creditHours(-5)).toBe(0);
  });

  it('should never exceed the time attended and never be a quarter short', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), (m) => {
        const h = creditHours(m);
        expect(h * 60).toBeLessThanOrEqual(m);
        expect(m - h * 60).toBeLessThan(15);
        expect(Number.isInteger(h * 4)).toBe(true);
      }),
    );
  });
});

describe(countStay.name, () => {
  it('should count a checked-out stay as recorded, even past the scheduled end', () => {
    const s = countStay({ joinedAt: at('20:00'), leftAt: at('20:45') }, session, later);
    expect(s).toMatchObject({ countedUntil: 'checked_out', minutes: 45 });
  });

  it('should not count a check-out recorded after the session was closed past the closing', () => {
    const s = countStay(
      { joinedAt: at('19:30'), leftAt: new Date('2026-12-04T09:00:00Z') },
      { ...session, closedAt: at('20:40') },
      later,
    );
    expect(s).toMatchObject({ countedUntil: 'session_closed', minutes: 70 });
  });

  it('should not count time before the scheduled start', () => {
    const s = countStay({ joinedAt: at('18:40'), leftAt: at('19:10') }, session, later);
    expect(s.from).toEqual(at('19:00'));
    expect(s.minutes).toBe(10);
  });

  it("should count an open stay of an ended session until the session's end", () => {
    const s = countStay({ joinedAt: at('19:30'), leftAt: null }, session, later);
    expect(s).toMatchObject({ countedUntil: 'session_end', minutes: 60 });
  });

  it('should count an open stay until the session was closed, when it closed early', () => {
    const s = countStay({ joinedAt: at('19:30'), leftAt: null }, { ...session, closedAt: at('20:00') }, later);
    expect(s).toMatchObject({ countedUntil: 'session_closed', minutes: 30 });
  });

  it('should count an open stay of a session still going until now', () => {
    const s = countStay({ joinedAt: at('19:30'), leftAt: null }, session, at('19:50'));
    expect(s).toMatchObject({ countedUntil: 'now', minutes: 20 });
  });

  it('should count nothing for a stay begun after the end and never checked out', () => {
    const s = countStay({ joinedAt: at('21:00'), leftAt: null }, session, later);
    expect(s.minutes).toBe(0);
    expect(s.until).toEqual(s.from);
  });
});

describe(unionMinutes.name, () => {
  it('should count overlapping stays once and round the total down', () => {
    expect(
      unionMinutes([
        { from: at('19:00'), until: at('19:30') },
        { from: at('19:20'), until: at('19:40') },
        { from: at('20:00'), until: new Date(at('20:10').getTime() + 59_000) },
      ]),
    ).toBe(50);
    expect(unionMinutes([])).toBe(0);
  });

  it('should never exceed the sum of the stays nor the span they cover', () => {
    const interval = fc
      .tuple(fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 600 }))
      .map(([a, b]) => ({ from: new Date(Math.min(a, b) * 60_000), until: new Date(Math.max(a, b) * 60_000) }));
    fc.assert(
      fc.property(fc.array(interval, { maxLength: 8 }), (list) => {
        const u = unionMinutes(list);
        const sum = list.reduce((n, i) => n + (i.until.getTime() - i.from.getTime()) / 60_000, 0);
        expect(u).toBeLessThanOrEqual(sum);
        expect(u).toBeGreaterThanOrEqual(
          Math.max(0, ...list.map((i) => (i.until.getTime() - i.from.getTime()) / 60_000)),
        );
      }),
    );
  });
});

describe(personAttendance.name, () => {
  it('should add a person’s stays in order and give their credit', () => {
    const p = personAttendance(
      [
        { joinedAt: at('20:00'), leftAt: null },
        { joinedAt: at('19:05'), leftAt: at('19:50') },
      ],
      session,
      later,
    );
    expect(p.stays.map((s) => s.minutes)).toEqual([45, 30]);
    expect(p.minutes).toBe(75);
    expect(p.creditHours).toBe(1.25);
    expect(hoursText(p.creditHours)).toBe('1.25');
  });
});
