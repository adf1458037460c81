import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import ical from 'ical-generator';
import { icsLine, icsText } from './ics-text.js';

/** The content lines of an iCalendar text, folded lines joined again. */
const unfolded = (ics: string): string[] => ics.replace(/\r\n[ \t]/g, '').split('\r\n');

/** A calendar as CalendarService writes one, around the given clinic and room names. */
function calendar(clinic: string, room: string): string[] {
  const c = ical({ name: icsText(`${clinic}: your visit on 2026-12-03`), prodId: { company: 'C', product: 'p' } });
  c.x([{ key: 'X-WR-TIMEZONE', value: icsLine('America/Denver') }]);
  c.createEvent({
    id: 'a',
    start: new Date('2026-12-03T15:00:00Z'),
    end: new Date('2026-12-03T15:30:00Z'),
    summary: icsLine('Consultation: radiology'),
    location: icsLine(`${clinic}, ${room}`),
  });
  return unfolded(c.toString());
}

const PROPERTY_LINE = /^[A-Z][A-Z0-9-]*[:;]/;

describe(icsLine.name, () => {
  it('should turn every run of line breaks and control characters into one space', () => {
    expect(icsLine('A\r\nBEGIN:VALARM\r\nTRIGGER:-PT5M')).toBe('A BEGIN:VALARM TRIGGER:-PT5M');
    expect(icsLine('a\tb\u0000c\u2028d\u0085e')).toBe('a b c d e');
  });
});

describe(icsText.name, () => {
  it('should escape backslash, semicolon and comma as RFC 5545 TEXT', () => {
    expect(icsText('Breast, Lung; and \\ Co')).toBe('Breast\\, Lung\\; and \\\\ Co');
  });

  it('should keep a clinic name with CR/LF and BEGIN:VALARM on its own lines (the injection of issue 15)', () => {
    const lines = calendar('A\r\nBEGIN:VALARM\r\nTRIGGER:-PT5M\r\nACTION:DISPLAY\r\nEND:VALARM', 'Room 1\nX-EVIL:1');
    expect(lines.filter((l) => l.startsWith('BEGIN:'))).toEqual(['BEGIN:VCALENDAR', 'BEGIN:VEVENT']);
    expect(lines.some((l) => l.startsWith('X-EVIL') || l.startsWith('TRIGGER'))).toBe(false);
    expect(lines.find((l) => l.startsWith('NAME:'))).toBe(
      'NAME:A BEGIN:VALARM TRIGGER:-PT5M ACTION:DISPLAY END:VALARM: your visit on 2026-12-03',
    );
  });

  it('should never let any clinic or room name add a line to the calendar', () => {
    const expected = calendar('Clinic', 'Room').map((l) => l.split(/[:;]/)[0]);
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 80 }),
        fc.string({ unit: 'binary', maxLength: 40 }),
        (clinic, room) => {
          const lines = calendar(clinic, room);
          expect(lines.map((l) => l.split(/[:;]/)[0])).toEqual(expected);
          for (const l of lines.slice(0, -1)) expect(l).toMatch(PROPERTY_LINE);
        },
      ),
      { numRuns: 300 },
    );
  });
});
