import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { withBusy } from '../../src/scheduling/day-planner.js';
import {
  itineraryViolations,
  solveItinerary,
  type Appointment,
  type SolverInput,
} from '../../src/scheduling/solver.js';
import { patternBound } from './pattern-bound.js';

// The bench's lower bound must never exceed the true optimum, or its gaps
// would flatter the planner. Checked against exhaustive search for two
// patients on tiny days: every itinerary of the first, and the second's exact
// optimum around it.

const GRID = 15;

const tiny: fc.Arbitrary<SolverInput> = fc
  .record({
    end: fc.constantFrom<number>(60, 75, 90),
    cuts: fc.array(fc.record({ who: fc.integer({ min: 0, max: 3 }), at: fc.integer({ min: 0, max: 5 }) }), {
      maxLength: 3,
    }),
    rooms: fc.integer({ min: 1, max: 2 }),
    twoMed: fc.boolean(),
  })
  .map(({ end, cuts, rooms, twoMed }) => {
    const ids = ['rad', 'surg', 'med', ...(twoMed ? ['med2'] : [])];
    const discipline: Record<string, string> = {
      rad: 'radiology',
      surg: 'surgical_oncology',
      med: 'medical_oncology',
      med2: 'medical_oncology',
    };
    return {
      tasks: [
        { discipline: 'radiology', minutes: 15, patientAttends: false },
        { discipline: 'surgical_oncology', minutes: 15, patientAttends: true },
        { discipline: 'medical_oncology', minutes: 30, patientAttends: true },
      ],
      precedence: [{ before: 'radiology', after: 'surgical_oncology' }],
      day: { start: 0, end },
      grid: GRID,
      specialists: ids.map((id, i) => {
        const busy = cuts.filter((c) => c.who === i).map((c) => c.at * GRID);
        const free = [{ start: 0, end }];
        for (const b of busy) {
          const w = free.findIndex((x) => x.start <= b && b < x.end);
          if (w >= 0) free.splice(w, 1, { start: free[w].start, end: b }, { start: b + GRID, end: free[w].end });
        }
        return { id, disciplines: [discipline[id]], free: free.filter((w) => w.end > w.start) };
      }),
      rooms: Array.from({ length: rooms }, (_, i) => ({ id: `room-${i}`, free: [{ start: 0, end }] })),
    };
  });

function* itineraries(input: SolverInput, from = 0, chosen: Appointment[] = []): Generator<Appointment[]> {
  if (from === input.tasks.length) {
    if (itineraryViolations(input, chosen).length === 0) yield chosen;
    return;
  }
  const task = input.tasks[from];
  for (let t = input.day.start; t + task.minutes <= input.day.end; t += input.grid!) {
    for (const s of input.specialists.filter((x) => x.disciplines.includes(task.discipline))) {
      for (const roomId of task.patientAttends ? input.rooms.map((r) => r.id) : [null]) {
        const a: Appointment = { ...task, specialistId: s.id, roomId, start: t, end: t + task.minutes };
        yield* itineraries(input, from + 1, [...chosen, a]);
      }
    }
  }
}

const span = (it: readonly Appointment[]): number => {
  const visits = it.filter((a) => a.patientAttends);
  return Math.max(...visits.map((a) => a.end)) - Math.min(...visits.map((a) => a.start));
};

describe('patternBound (bench:scheduler lower bound)', () => {
  it('should never exceed the exact optimum for two patients', async () => {
    await fc.assert(
      fc.asyncProperty(tiny, async (input) => {
        let best: { total: number; plan: Appointment[][] } | undefined;
        for (const first of itineraries(input)) {
          const second = solveItinerary(withBusy(input, first));
          if (!second.ok) continue;
          const total = span(first) + second.timeInClinic;
          if (best === undefined || total < best.total) best = { total, plan: [first, second.appointments] };
        }
        fc.pre(best !== undefined);
        // Start from a plan that is feasible but not necessarily optimal (one
        // patient after the other), so the bound rests on the pricing finding
        // the better days itself.
        const one = solveItinerary(input);
        const two = one.ok ? solveItinerary(withBusy(input, one.appointments)) : one;
        fc.pre(one.ok && two.ok);
        const bound = await patternBound(input, 2, [
          (one as { appointments: Appointment[] }).appointments,
          (two as { appointments: Appointment[] }).appointments,
        ]);
        expect(bound).toBeDefined();
        expect(bound!).toBeLessThanOrEqual(best.total);
        // And it is a real bound: never below what one patient alone needs, twice.
        const alone = solveItinerary(input);
        expect(bound!).toBeGreaterThanOrEqual(alone.ok ? 2 * alone.timeInClinic : 0);
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
