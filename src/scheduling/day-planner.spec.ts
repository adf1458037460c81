import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DayPlanner, improveWithin, planClinicDay } from './day-planner.js';
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
        const plan = planClinicDay(input, patients, { timeBudgetMs: 1000, maxIterations: 30 });
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

  it('should never end worse than its first plan, and claim optimality only at the lower bound', () => {
    fc.assert(
      fc.property(instance, fc.integer({ min: 1, max: 1000 }), ({ input, patients }, seed) => {
        const first = planClinicDay(input, patients, { seed });
        const improved = planClinicDay(input, patients, { seed, timeBudgetMs: 1000, maxIterations: 40 });
        const urgent = (plan: typeof first): number =>
          plan.placed.filter((p) => patients.find((x) => x.id === p.id)!.urgent).length;
        expect(urgent(improved)).toBeGreaterThanOrEqual(urgent(first));
        if (urgent(improved) === urgent(first)) {
          expect(improved.placed.length).toBeGreaterThanOrEqual(first.placed.length);
          if (improved.placed.length === first.placed.length)
            expect(improved.totalTimeInClinic).toBeLessThanOrEqual(first.totalTimeInClinic);
        }
        expect(improved.totalTimeInClinic).toBeGreaterThanOrEqual(improved.lowerBound);
        if (improved.provenOptimal) {
          expect(improved.unplaced).toEqual([]);
          expect(improved.totalTimeInClinic).toBe(improved.lowerBound);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('should place a patient the first plan left out when another can move', () => {
    // One 30-minute visit each; "early" must start at 08:00, "any" may come at
    // any time. Planned in the order given, "any" takes 08:00 and "early" is
    // left out; the search moves "any" to 08:30 and places both.
    const input: SolverInput = {
      tasks: [{ discipline: 'medical_oncology', minutes: 30, patientAttends: true }],
      precedence: [],
      day: { start: 0, end: 60 },
      specialists: [{ id: 'med', disciplines: ['medical_oncology'], free: [{ start: 0, end: 60 }] }],
      rooms: [{ id: 'room', free: [{ start: 0, end: 60 }] }],
    };
    const patients = [
      { id: 'any', urgent: false },
      { id: 'early', urgent: false, arrival: { start: 0, end: 0 } },
    ];
    expect(planClinicDay(input, patients).placed.map((p) => p.id)).toEqual(['any']);
    const plan = planClinicDay(input, patients, { timeBudgetMs: 1000, maxIterations: 50 });
    expect(plan.unplaced).toEqual([]);
    expect(Object.fromEntries(plan.placed.map((p) => [p.id, p.appointments[0].start]))).toEqual({ any: 30, early: 0 });
    expect(plan.provenOptimal).toBe(true);
  });

  it('should stop improving as soon as the plan is proven optimal', async () => {
    const planner = new DayPlanner(oneVisit(120), [
      { id: 'a', urgent: false },
      { id: 'b', urgent: false },
    ]);
    await improveWithin(planner, 10_000);
    expect(planner.plan().provenOptimal).toBe(true);
    expect(planner.iterations).toBe(0);
  });

  it('should search until the budget when it cannot prove optimality, giving the event loop back between slices', async () => {
    // Room for one visit, two patients: one stays unplaced, so it never proves optimal.
    const planner = new DayPlanner(oneVisit(30), [
      { id: 'a', urgent: false },
      { id: 'b', urgent: false },
    ]);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = performance.now();
    await improveWithin(planner, 100, 5);
    clearInterval(timer);
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
    expect(planner.iterations).toBeGreaterThan(0);
    expect(ticks).toBeGreaterThan(3);
    expect(planner.plan().unplaced).toHaveLength(1);
  });
});

function oneVisit(minutes: number): SolverInput {
  return {
    tasks: [{ discipline: 'medical_oncology', minutes: 30, patientAttends: true }],
    precedence: [],
    day: { start: 0, end: minutes },
    specialists: [{ id: 'med', disciplines: ['medical_oncology'], free: [{ start: 0, end: minutes }] }],
    rooms: [{ id: 'room', free: [{ start: 0, end: minutes }] }],
  };
}
