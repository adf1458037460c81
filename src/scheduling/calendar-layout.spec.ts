import { describe, expect, it } from '@jest/globals';
import ical, { ICalCalendarMethod } from 'ical-generator';
import { calendarPropertiesFirst, calendarWindow } from './calendar-layout.js';

const unfolded = (ics: string): string[] => ics.replace(/\r\n[ \t]/g, '').split('\r\n');

function written(): string {
  const c = ical({
    name: 'Dr A: clinic appointments',
    prodId: { company: 'Consilium', product: 'specialist' },
    scale: 'gregorian',
    method: ICalCalendarMethod.PUBLISH,
    ttl: 3600,
  });
  c.x([{ key: 'X-WR-TIMEZONE', value: 'America/Denver' }]);
  for (const id of ['a', 'b']) {
    c.createEvent({
      id,
      start: new Date('2026-12-03T15:00:00Z'),
      end: new Date('2026-12-03T15:30:00Z'),
      summary: `Patient visit: ${'a very long summary '.repeat(8)}`,
      alarms: [{ trigger: 600 }],
    });
  }
  return c.toString();
}

describe(calendarPropertiesFirst.name, () => {
  it('should move the properties ical-generator writes after the events ahead of them', () => {
    const before = unfolded(written());
    // What this fixes: ical-generator 11 writes calendar.x(...) after the last event.
    expect(before.indexOf('X-WR-TIMEZONE:America/Denver')).toBeGreaterThan(before.lastIndexOf('END:VEVENT'));
    const after = unfolded(calendarPropertiesFirst(written()));
    const firstComponent = after.findIndex((l) => l.startsWith('BEGIN:V') && l !== 'BEGIN:VCALENDAR');
    expect(after.slice(0, firstComponent)).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Consilium//specialist//EN',
      'CALSCALE:GREGORIAN',
      'METHOD:PUBLISH',
      'NAME:Dr A: clinic appointments',
      'X-WR-CALNAME:Dr A: clinic appointments',
      'REFRESH-INTERVAL;VALUE=DURATION:PT1H',
      'X-PUBLISHED-TTL:PT1H',
      'X-WR-TIMEZONE:America/Denver',
    ]);
    // Nothing else moved: the events (with their alarms) in order, the calendar closed last.
    const rest = before.slice(before.indexOf('BEGIN:VEVENT')).filter((l) => l !== 'X-WR-TIMEZONE:America/Denver');
    expect(after.slice(firstComponent)).toEqual(rest);
    expect(after.at(-1)).toBe('END:VCALENDAR');
    expect(after.filter((l) => l === 'BEGIN:VALARM')).toHaveLength(2);
  });

  it('should keep folded lines whole and the text otherwise byte for byte', () => {
    const text = written();
    const moved = calendarPropertiesFirst(text);
    expect(moved.length).toBe(text.length);
    expect(moved.split('\r\n').sort()).toEqual(text.split('\r\n').sort());
    expect(calendarPropertiesFirst(moved)).toBe(moved);
  });
});

describe(calendarWindow.name, () => {
  const now = new Date('2026-12-02T12:00:00Z');

  it('should default to the last 30 days and the next 180', () => {
    expect(calendarWindow(undefined, undefined, now)).toEqual({
      from: '2026-11-02T12:00:00.000Z',
      to: '2027-05-31T12:00:00.000Z',
    });
  });

  it('should keep given bounds, and the window length from a single one', () => {
    expect(calendarWindow('2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', now)).toEqual({
      from: '2026-01-01T00:00:00Z',
      to: '2026-02-01T00:00:00Z',
    });
    expect(calendarWindow('2026-01-01T00:00:00Z', undefined, now)).toEqual({
      from: '2026-01-01T00:00:00Z',
      to: '2026-07-30T00:00:00.000Z',
    });
    expect(calendarWindow(undefined, '2026-07-30T00:00:00Z', now)).toEqual({
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-07-30T00:00:00Z',
    });
  });
});
