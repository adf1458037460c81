import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { planClinicDay } from './day-planner.js';
import { itineraryViolations, type SolverInput } from './solver.js';

const day = { start: 0, end: 240 };

const instance: fc.Arbitrary<{ input: SolverInput; patients: { id: string; urgent: boolean }[] }> = fc
  .record({
    specialists: fc.integer({ min: 1, max: 2 }),
    rooms: fc.integer({ min: 1, max: 2 }),
    minutes: fc.constantFrom(15, 30, 45),
    urgent: fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }),
    gapStart: fc.integer({ min: 0, max: 40 }),
  })
  .map(({ specialists, rooms, minutes, urgent, gapStart }) => ({
    input: {
      tasks: [
        { discipline: 'pathology', minutes: 15, patientAttends: false },
        { discipline: 'surgical_oncology', minutes, patientAttends: true },
        { discipline: 'medical_oncology', minutes: 30, patientAttends: true },
      ],
      precedence: [{ before: 'pathology', after: 'surgical_oncology' }],
      day,
      grid: 5,
      specialists: ['pathology', 'surgical_oncology', 'medical_oncology'].flatMap((d) =>
        Array.from({ length: specialists }, (_, i) => ({
          id: `${d}-${i}`,
          disciplines: [d],
          free: [
            { start: 0, end: gapStart * 5 },
            { start: gapStart * 5 + 30, end: 240 },
          ].filter((w) => w.end > w.start),
        })),
      ),
      rooms: Array.from({ length: rooms }, (_, i) => ({ id: `room-${i}`, free: [{ ...day }] })),
    },
    patients: urgent.map((u, i) => ({ id: `p${i}`, urgent: u })),
  }));

describe(planClinicDay.name, () => {
  it('should never double-book a specialist or a room across patients, and keep every itinerary valid', () => {
    fc.assert(
      fc.property(instance, ({ input, patients }) => {
        const plan = planClinicDay(input, patients);
        expect(plan.placed.length + plan.unplaced.length).toBe(patients.length);
        for (const p of plan.placed) expect(itineraryViolations(input, p.appointments)).toEqual([]);
        const all = plan.placed.flatMap((p) => p.appointments);
        for (let i = 0; i < all.length; i++) {
          for (let j = i + 1; j < all.length; j++) {
            const [a, b] = [all[i], all[j]];
            const overlap = a.start < b.end && b.start < a.end;
            expect(overlap && a.specialistId === b.specialistId).toBe(false);
            expect(overlap && a.roomId !== null && a.roomId === b.roomId).toBe(false);
          }
        }
        expect(plan.totalTimeInClinic).toBe(plan.placed.reduce((n, p) => n + p.timeInClinic, 0));
      }),
      { numRuns: 200 },
    );
  });

  it('should place urgent patients first', () => {
    const input: SolverInput = {
      tasks: [{ discipline: 'medical_oncology', minutes: 60, patientAttends: true }],
      precedence: [],
      day: { start: 0, end: 60 },
      specialists: [{ id: 'med', disciplines: ['medical_oncology'], free: [{ start: 0, end: 60 }] }],
      rooms: [{ id: 'room', free: [{ start: 0, end: 60 }] }],
    };
    const plan = planClinicDay(input, [
      { id: 'routine', urgent: false },
      { id: 'urgent', urgent: true },
    ]);
    expect(plan.placed.map((p) => p.id)).toEqual(['urgent']);
    expect(plan.unplaced).toEqual([{ id: 'routine', discipline: 'medical_oncology', reason: expect.any(String) }]);
  });
});
