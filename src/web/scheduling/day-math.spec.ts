import { describe, expect, it } from '@jest/globals';
import {
  candidates,
  dayFigures,
  idleBetween,
  inWords,
  subtract,
  waiting,
  zonedInstant,
  type DayView,
} from './day-math.js';

const at = (iso: string): number => Date.parse(iso);
const H = 3_600_000;

describe('day arithmetic', () => {
  it('should find the instant of a clinic-local time, across a change of clocks', () => {
    expect(new Date(zonedInstant('2026-12-03', '08:00', 'America/Denver')).toISOString()).toBe(
      '2026-12-03T15:00:00.000Z',
    );
    // Summer time in Denver (UTC-6), and a zone half an hour off the hour.
    expect(new Date(zonedInstant('2026-07-02', '08:00', 'America/Denver')).toISOString()).toBe(
      '2026-07-02T14:00:00.000Z',
    );
    expect(new Date(zonedInstant('2026-12-03', '09:30', 'Asia/Kolkata')).toISOString()).toBe(
      '2026-12-03T04:00:00.000Z',
    );
    // The morning after Europe's clocks went back.
    expect(new Date(zonedInstant('2026-10-25', '08:00', 'Europe/Berlin')).toISOString()).toBe(
      '2026-10-25T07:00:00.000Z',
    );
  });

  it('should take busy time out of free windows', () => {
    const free = [{ start: 0, end: 10 }];
    expect(subtract(free, [{ start: 2, end: 4 }])).toEqual([
      { start: 0, end: 2 },
      { start: 4, end: 10 },
    ]);
    expect(subtract(free, [{ start: -1, end: 11 }])).toEqual([]);
    expect(subtract(free, [{ start: 10, end: 12 }])).toEqual(free);
  });

  it('should count waiting between visits and gaps in a specialist’s day', () => {
    const visits = [
      { start: '2026-12-03T15:00:00Z', end: '2026-12-03T15:30:00Z', patientAttends: true },
      { start: '2026-12-03T16:00:00Z', end: '2026-12-03T16:45:00Z', patientAttends: true },
      // A review without the patient does not make them wait.
      { start: '2026-12-03T14:00:00Z', end: '2026-12-03T14:30:00Z', patientAttends: false },
    ];
    expect(waiting(visits)).toBe(30);
    expect(
      idleBetween([
        { start: 0, end: H },
        { start: 2 * H, end: 3 * H },
      ]),
    ).toBe(60);
  });

  const day: DayView = {
    date: '2026-12-03',
    clinicId: 'c',
    timeZone: 'America/Denver',
    patients: [],
    bySpecialist: [
      {
        specialistId: 'a',
        disciplines: ['medical_oncology'],
        free: [{ start: '2026-12-03T15:00:00Z', end: '2026-12-03T17:00:00Z' }],
        appointments: [
          {
            appointmentId: 'x',
            conflict: false,
            caseId: 'other',
            discipline: 'medical_oncology',
            patientAttends: true,
            start: '2026-12-03T15:00:00Z',
            end: '2026-12-03T15:45:00Z',
          },
        ],
      },
      {
        specialistId: 's',
        disciplines: ['surgical_oncology'],
        free: [{ start: '2026-12-03T15:00:00Z', end: '2026-12-03T17:00:00Z' }],
        appointments: [],
      },
    ],
    byRoom: [
      {
        roomId: 'r',
        name: 'Exam 1',
        appointments: [
          {
            appointmentId: 'x',
            conflict: false,
            caseId: 'other',
            discipline: 'medical_oncology',
            patientAttends: true,
            start: '2026-12-03T15:00:00Z',
            end: '2026-12-03T15:45:00Z',
          },
        ],
      },
    ],
  };

  it('should offer only times when the specialist, a room and the patient are free, in the clinic’s order', () => {
    const visits = [
      {
        discipline: 'medical_oncology',
        specialistId: 'a',
        roomId: 'r',
        patientAttends: true,
        start: '2026-12-03T15:45:00Z',
        end: '2026-12-03T16:30:00Z',
      },
      {
        discipline: 'surgical_oncology',
        specialistId: 's',
        roomId: 'r',
        patientAttends: true,
        start: '2026-12-03T16:30:00Z',
        end: '2026-12-03T17:00:00Z',
      },
    ];
    const clinicDay = { start: at('2026-12-03T15:00:00Z'), end: at('2026-12-04T00:00:00Z') };
    const disciplines = new Map([
      ['a', ['medical_oncology']],
      ['s', ['surgical_oncology']],
    ]);
    // Surgery before medical oncology: the surgical visit may only move before 15:45, when the room is taken.
    const surgical = candidates(
      visits,
      1,
      day,
      disciplines,
      [{ before: 'surgical_oncology', after: 'medical_oncology' }],
      clinicDay,
    );
    expect(surgical).toEqual([]);
    const any = candidates(visits, 1, day, disciplines, [], clinicDay).map((c) => c.visit.start);
    // Not while the patient is at medical oncology (15:45–16:30), not while the room is taken (15:00–15:45).
    expect(any).toEqual([]);
    const medical = candidates(visits, 0, day, disciplines, [], clinicDay).map((c) => c.visit.start);
    // Dr A is busy until 15:45 and free until 17:00; the patient is at surgery 16:30–17:00.
    expect(medical).toEqual([]);
    const early = candidates(
      [{ ...visits[1], start: '2026-12-03T15:45:00Z', end: '2026-12-03T16:15:00Z' }],
      0,
      day,
      disciplines,
      [],
      clinicDay,
    ).map((c) => c.visit.start);
    expect(early).toEqual(['2026-12-03T16:00:00.000Z', '2026-12-03T16:15:00.000Z', '2026-12-03T16:30:00.000Z']);
  });

  it('should add a plan to the day’s figures', () => {
    const now = dayFigures(day);
    expect(now).toEqual({ patients: 1, timeInClinic: 45, waiting: 0, specialistIdle: 0 });
    const plan = dayFigures(day, [
      {
        caseId: 'p',
        appointments: [
          {
            discipline: 'medical_oncology',
            specialistId: 'a',
            roomId: 'r',
            patientAttends: true,
            start: '2026-12-03T16:00:00Z',
            end: '2026-12-03T16:45:00Z',
          },
        ],
      },
    ]);
    expect(plan).toEqual({ patients: 2, timeInClinic: 90, waiting: 0, specialistIdle: 15 });
  });

  it('should name disciplines in words inside the server’s messages', () => {
    expect(inWords('medical_oncology: the specialist is not free then')).toBe(
      'Medical oncology: the specialist is not free then',
    );
    expect(inWords('pathology must end before surgical_oncology starts')).toBe(
      'Pathology must end before surgical oncology starts',
    );
    expect(inWords('the case is records_pending, not ready')).toBe('The case is records pending, not ready');
  });
});
