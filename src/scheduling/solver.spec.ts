import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { itineraryViolations, solveItinerary, type Appointment, type SolverInput, type Window } from './solver.js';

const inside = (t: number, d: number, ws: readonly Window[]): boolean => ws.some((w) => w.start <= t && t + d <= w.end);

const violations = itineraryViolations;

/** Least time in clinic by exhaustive search over every start time of every task. */
function bruteForce(input: SolverInput): number | undefined {
  const grid = input.grid ?? 5;
  const slots: number[] = [];
  for (let t = input.day.start; t < input.day.end; t += grid) slots.push(t);
  let best: number | undefined;
  const chosen: Appointment[] = [];
  const rec = (i: number): void => {
    if (i === input.tasks.length) {
      if (violations(input, chosen).length > 0) return;
      const visits = chosen.filter((a) => a.patientAttends);
      const span =
        visits.length === 0 ? 0 : Math.max(...visits.map((a) => a.end)) - Math.min(...visits.map((a) => a.start));
      if (best === undefined || span < best) best = span;
      return;
    }
    const task = input.tasks[i];
    for (const sp of input.specialists.filter((s) => s.disciplines.includes(task.discipline))) {
      for (const t of slots) {
        if (!inside(t, task.minutes, sp.free) || t + task.minutes > input.day.end) continue;
        const rooms = task.patientAttends ? input.rooms.filter((r) => inside(t, task.minutes, r.free)) : [null];
        for (const room of rooms.slice(0, 1)) {
          chosen.push({
            discipline: task.discipline,
            specialistId: sp.id,
            roomId: room?.id ?? null,
            start: t,
            end: t + task.minutes,
            patientAttends: task.patientAttends,
          });
          rec(i + 1);
          chosen.pop();
        }
      }
    }
  };
  rec(0);
  return best;
}

const windows = (dayEnd: number): fc.Arbitrary<Window[]> =>
  fc
    .array(fc.tuple(fc.integer({ min: 0, max: dayEnd / 5 }), fc.integer({ min: 1, max: dayEnd / 5 })), {
      minLength: 1,
      maxLength: 3,
    })
    .map((ws) =>
      ws.map(([a, len]) => ({ start: a * 5, end: Math.min(dayEnd, a * 5 + len * 5) })).filter((w) => w.end > w.start),
    );

const smallInstance: fc.Arbitrary<SolverInput> = fc
  .record({
    n: fc.integer({ min: 1, max: 3 }),
    review: fc.boolean(),
    minutes: fc.array(fc.constantFrom(5, 10, 15), { minLength: 4, maxLength: 4 }),
    specialistFree: fc.array(windows(60), { minLength: 8, maxLength: 8 }),
    twoEach: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    rooms: fc.array(windows(60), { minLength: 1, maxLength: 2 }),
    chain: fc.boolean(),
    arrivalEnd: fc.integer({ min: 0, max: 12 }),
  })
  .map(({ n, review, minutes, specialistFree, twoEach, rooms, chain, arrivalEnd }) => {
    const names = ['d0', 'd1', 'd2', 'r0'];
    const tasks = [
      ...names.slice(0, n).map((d, i) => ({ discipline: d, minutes: minutes[i], patientAttends: true })),
      ...(review ? [{ discipline: 'r0', minutes: minutes[3], patientAttends: false }] : []),
    ];
    const specialists = tasks.flatMap((t, i) => [
      { id: `${t.discipline}-a`, disciplines: [t.discipline], free: specialistFree[2 * i] },
      ...(twoEach[i]
        ? [{ id: `${t.discipline}-b`, disciplines: [t.discipline], free: specialistFree[2 * i + 1] }]
        : []),
    ]);
    const precedence = [
      ...(chain && n >= 2 ? [{ before: 'd0', after: 'd1' }] : []),
      ...(review ? [{ before: 'r0', after: 'd0' }] : []),
    ];
    return {
      tasks,
      precedence,
      day: { start: 0, end: 60 },
      grid: 5,
      specialists,
      rooms: rooms.map((free, i) => ({ id: `room${i}`, free })),
      arrival: { start: 0, end: arrivalEnd * 5 },
    };
  });

describe(solveItinerary.name, () => {
  const day = { start: 8 * 60, end: 17 * 60 };
  const allDay = [{ start: day.start, end: day.end }];

  it('should place every discipline once, with reviews before the visits that need them', () => {
    const input: SolverInput = {
      tasks: [
        { discipline: 'pathology', minutes: 30, patientAttends: false },
        { discipline: 'surgical_oncology', minutes: 45, patientAttends: true },
        { discipline: 'medical_oncology', minutes: 45, patientAttends: true },
      ],
      precedence: [{ before: 'pathology', after: 'surgical_oncology' }],
      day,
      specialists: [
        { id: 'path', disciplines: ['pathology'], free: [{ start: 9 * 60, end: 10 * 60 }] },
        { id: 'surg', disciplines: ['surgical_oncology'], free: allDay },
        { id: 'med', disciplines: ['medical_oncology'], free: allDay },
      ],
      rooms: [{ id: 'exam1', free: allDay }],
    };
    const result = solveItinerary(input);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(violations(input, result.appointments)).toEqual([]);
    expect(result.timeInClinic).toBe(90);
    expect(result.waits).toBe(0);
    const surgery = result.appointments.find((a) => a.discipline === 'surgical_oncology')!;
    expect(surgery.start).toBeGreaterThanOrEqual(9 * 60 + 30);
  });

  it('should let the patient arrive later rather than wait for a busy surgeon', () => {
    const input: SolverInput = {
      tasks: [
        { discipline: 'medical_oncology', minutes: 30, patientAttends: true },
        { discipline: 'surgical_oncology', minutes: 30, patientAttends: true },
      ],
      precedence: [],
      day,
      specialists: [
        { id: 'med', disciplines: ['medical_oncology'], free: allDay },
        { id: 'surg', disciplines: ['surgical_oncology'], free: [{ start: 15 * 60, end: 16 * 60 }] },
      ],
      rooms: [{ id: 'exam1', free: allDay }],
    };
    const result = solveItinerary(input);
    expect(result.ok && result.timeInClinic).toBe(60);
  });

  it('should explain infeasibility by naming the discipline', () => {
    const result = solveItinerary({
      tasks: [{ discipline: 'radiation_oncology', minutes: 30, patientAttends: true }],
      precedence: [],
      day,
      specialists: [{ id: 'rad', disciplines: ['radiation_oncology'], free: [{ start: 9 * 60, end: 9 * 60 + 20 }] }],
      rooms: [{ id: 'exam1', free: allDay }],
    });
    expect(result).toEqual({
      ok: false,
      discipline: 'radiation_oncology',
      reason: expect.stringContaining('radiation_oncology'),
    });
    const none = solveItinerary({
      tasks: [{ discipline: 'genetic_counseling', minutes: 30, patientAttends: true }],
      precedence: [],
      day,
      specialists: [],
      rooms: [],
    });
    expect(none).toMatchObject({ ok: false, discipline: 'genetic_counseling' });
  });

  it('should never break a rule, and be exactly as short as brute force (500 random small instances)', () => {
    fc.assert(
      fc.property(smallInstance, (input) => {
        const result = solveItinerary(input);
        const optimum = bruteForce(input);
        if (optimum === undefined) {
          expect(result.ok).toBe(false);
          return;
        }
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(violations(input, result.appointments)).toEqual([]);
        expect(result.timeInClinic).toBe(optimum);
      }),
      { numRuns: 500 },
    );
  });
});
